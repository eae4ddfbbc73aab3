package validate

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
)

// Rules returns the table of checks as SARIF rules, in table order.
func Rules() []diag.Rule {
	out := make([]diag.Rule, len(allChecks()))
	for i, c := range allChecks() {
		out[i] = diag.Rule{ID: c.Code, Title: c.Title, Description: c.Description, HelpURI: c.Link, Severity: c.Severity}
	}
	return out
}

// Finding is one finding as JSON output writes it.
type Finding struct {
	File        string   `json:"file,omitempty"`
	Policy      string   `json:"policy,omitempty"`
	FindingType string   `json:"findingType"`
	IssueCode   string   `json:"issueCode"`
	Message     string   `json:"message"`
	Path        string   `json:"path"`
	Line        int      `json:"line"`
	Column      int      `json:"column"`
	EndLine     int      `json:"endLine"`
	EndColumn   int      `json:"endColumn"`
	Suggestions []string `json:"suggestions,omitempty"`
	Link        string   `json:"learnMoreLink,omitempty"`
}

// Findings flattens results into JSON findings. The policy name is set
// when it differs from the file name (inputs that hold several policies).
func Findings(results []Result) []Finding {
	out := []Finding{}
	for _, r := range results {
		for _, d := range r.Findings {
			f := Finding{File: d.Start.File, FindingType: d.Severity.String(), IssueCode: d.Code, Message: d.Message,
				Path: d.Path, Line: d.Start.Line, Column: d.Start.Column, EndLine: d.End.Line, EndColumn: d.End.Column,
				Suggestions: d.Suggestions, Link: d.Link}
			if r.Name != d.Start.File {
				f.Policy = r.Name
			}
			out = append(out, f)
		}
	}
	return out
}

// WriteJSON writes the findings as a JSON array of Finding objects.
func WriteJSON(w io.Writer, results []Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Findings(results))
}

// WriteText writes one finding a line:
// "file:line:column: FINDING_TYPE CODE: message [path] (did you mean X?)",
// with a "policy NAME:" header line for inputs holding several policies,
// and a summary line.
func WriteText(w io.Writer, results []Result) error {
	for _, r := range results {
		if len(r.Findings) > 0 && r.Name != r.Findings[0].Start.File {
			if _, err := fmt.Fprintf(w, "policy %s (%s):\n", r.Name, r.PolicyType); err != nil {
				return err
			}
		}
		for _, d := range r.Findings {
			line := fmt.Sprintf("%s: %s %s: %s [%s]", d.Start, d.Severity, d.Code, d.Message, d.Path)
			if len(d.Suggestions) > 0 {
				line += " (did you mean " + strings.Join(d.Suggestions, " or ") + "?)"
			}
			if _, err := fmt.Fprintln(w, line); err != nil {
				return err
			}
		}
	}
	_, err := fmt.Fprintln(w, Summary(results))
	return err
}

// Summary counts the findings by finding type: "2 policies validated, 3
// findings: 1 ERROR, 2 WARNING" ("1 policy validated, 1 finding: 1 ERROR";
// "..., no findings" when there are none).
func Summary(results []Result) string {
	counts := map[diag.Severity]int{}
	total := 0
	for _, r := range results {
		for _, d := range r.Findings {
			counts[d.Severity]++
			total++
		}
	}
	var parts []string
	for s := diag.Error; s <= diag.Suggestion; s++ {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	summary := "no findings"
	if total > 0 {
		summary = fmt.Sprintf("%s: %s", count(total, "finding", "findings"), strings.Join(parts, ", "))
	}
	return fmt.Sprintf("%s validated, %s", count(len(results), "policy", "policies"), summary)
}

// count writes n with the noun in its singular or plural form.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// WriteSARIF writes the findings as a SARIF 2.1.0 log: one rule per code
// of the table, with its help text and link.
func WriteSARIF(w io.Writer, version string, results []Result) error {
	var all diag.List
	for _, r := range results {
		all = append(all, r.Findings...)
	}
	return diag.WriteSARIF(w, diag.SARIFTool{Name: "policy-sentry validate", Version: version,
		InformationURI: "https://github.com/leastpriv/policysentry/tree/main/engine/validate"}, Rules(), all)
}

// Worst returns the most severe finding type over the results, and false
// when there are no findings.
func Worst(results []Result) (diag.Severity, bool) {
	var all diag.List
	for _, r := range results {
		if m, ok := r.Findings.Max(); ok {
			all = append(all, diag.Diagnostic{Severity: m})
		}
	}
	return all.Max()
}
