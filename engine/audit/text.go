package audit

import (
	"fmt"
	"io"
	"strings"
)

// WriteText prints a report for a terminal: per policy, the findings by
// severity, then allowed actions per access level (counts, and the
// actions when there are few), then unknown actions.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for i, p := range r.Policies {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("== " + p.Name + "\n")
		if p.Error != "" {
			b.WriteString("  error: " + p.Error + "\n")
			continue
		}
		if len(p.Findings) == 0 {
			b.WriteString("  no findings\n")
		} else {
			b.WriteString("  findings: " + severityCounts(p.Findings) + "\n")
		}
		for _, f := range p.Findings {
			scope := "specific resources"
			if f.Unconstrained {
				scope = "Resource *"
			}
			if f.Conditioned {
				scope += ", with conditions"
			}
			name := f.Title
			if f.Method != "" {
				name += ": " + f.Method
			}
			acts := f.Actions
			more := ""
			if len(acts) > 8 {
				more = fmt.Sprintf(" (+%d more)", len(acts)-8)
				acts = acts[:8]
			}
			fmt.Fprintf(&b, "  [%s] %s\n      %s%s\n      in %s; %s\n      %s\n", strings.ToUpper(string(f.Severity)), name,
				strings.Join(acts, ", "), more, strings.Join(f.Statements, ", "), scope, f.Why)
		}
		b.WriteString("  allowed actions:\n")
		for _, l := range p.Allowed {
			fmt.Fprintf(&b, "    %-24s %d\n", l.Level, len(l.Actions))
		}
		if len(p.Denied) > 0 {
			fmt.Fprintf(&b, "  denied outright: %d actions\n", len(p.Denied))
		}
		for _, u := range p.Unknown {
			fmt.Fprintf(&b, "  unknown action %s in %s", u.Pattern, u.Statement)
			if len(u.Suggestions) > 0 {
				fmt.Fprintf(&b, " (did you mean %s?)", strings.Join(u.Suggestions, ", "))
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Worst returns the most severe finding's severity ("" when none).
func (r *Report) Worst() Severity {
	var worst Severity
	for _, p := range r.Policies {
		for _, f := range p.Findings {
			if worst == "" || f.Severity.AtLeast(worst) {
				worst = f.Severity
			}
		}
	}
	return worst
}

// severityCounts says how many findings there are per severity, most
// severe first, e.g. "31 critical, 2 high".
func severityCounts(fs []Finding) string {
	count := map[Severity]int{}
	for _, f := range fs {
		count[f.Severity]++
	}
	var parts []string
	for _, s := range []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow} {
		if count[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", count[s], s))
		}
	}
	return strings.Join(parts, ", ")
}
