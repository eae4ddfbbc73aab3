package webapp

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
	"github.com/leastpriv/policysentry/engine/validate"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// Checks is the validator's verdict on a written policy as a write
// screen shows it under the policy: a one-line summary and the findings,
// each with its line:column and span in the JSON tab's text.
type Checks struct {
	// Summary counts the findings by type, most severe first ("No
	// findings", "1 security warning, 2 suggestions").
	Summary string
	// Findings are the validator's findings in its order (by position);
	// Policy names the part of a split policy ("policy-2").
	Findings []ValidateFinding
	// Worst is the class (ValidateFinding.Class) of the most severe
	// finding, "" without findings: the summary's style.
	Worst string
}

// ChecksName names a written policy in its findings.
const ChecksName = "policy"

// CheckPolicy validates the JSON rendering of a written policy as
// policyType, the way the Validate screen does, for a write screen's
// Checks section. With split set the text is a split's object of parts
// ({"policy-1": {...}, ...}): each part is validated on its own and named
// in its findings. Positions are in jsonText either way. Empty text (no
// policy written) has no checks.
func CheckPolicy(db *iamdb.DB, jsonText string, policyType validate.PolicyType, split bool) Checks {
	if db == nil || jsonText == "" {
		return Checks{}
	}
	type part struct {
		name       string
		start, end int // the part's bytes in jsonText
	}
	parts := []part{{ChecksName, 0, len(jsonText)}}
	if split {
		parts = nil
		root, err := policy.ParseNode([]byte(jsonText))
		if err != nil || root.Kind != policy.Object {
			return Checks{Summary: "the split policy is not a JSON object of parts", Worst: diag.Error.Label()}
		}
		for _, m := range root.Members {
			parts = append(parts, part{m.Key, m.Value.Start, m.Value.End})
		}
	}
	opts := workbench.ValidateOptions{Options: validate.Options{PolicyType: policyType}}
	lines := diag.NewLines(ChecksName, []byte(jsonText))
	units := utf16Offsets(jsonText)
	var c Checks
	var all diag.List
	for _, p := range parts {
		pol := ""
		if split {
			pol = p.name
		}
		res, err := workbench.Validate(db, []byte(jsonText[p.start:p.end]), p.name, opts)
		if err != nil {
			return Checks{Summary: err.Error(), Worst: diag.Error.Label()}
		}
		for _, d := range res.Diagnostics {
			if p.start > 0 {
				d.Start, d.End = shift(lines, d.Start, p.start), shift(lines, d.End, p.start)
			}
			c.Findings = append(c.Findings, validateFinding(d, pol, units))
			all = append(all, d)
		}
	}
	c.summarize(all)
	return c
}

// summarize sets the summary and the worst class of the findings all.
func (c *Checks) summarize(all diag.List) {
	c.Summary = ChecksSummary(all)
	if s, ok := all.Max(); ok {
		c.Worst = s.Label()
	}
}

// checksOf are the checks of findings that point into jsonText.
func checksOf(findings diag.List, jsonText string) Checks {
	var c Checks
	units := utf16Offsets(jsonText)
	for _, d := range findings {
		c.Findings = append(c.Findings, validateFinding(d, "", units))
	}
	c.summarize(findings)
	return c
}

// ChecksSummary counts findings by type, most severe first, in words:
// "No findings", "1 error", "2 warnings, 1 suggestion".
func ChecksSummary(l diag.List) string {
	counts := map[diag.Severity]int{}
	for _, d := range l {
		counts[d.Severity]++
	}
	var parts []string
	for s := diag.Error; s <= diag.Suggestion; s++ {
		if n := counts[s]; n > 0 {
			word := strings.ReplaceAll(s.Label(), "-", " ")
			if n > 1 {
				word += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, word))
		}
	}
	if len(parts) == 0 {
		return "No findings"
	}
	return strings.Join(parts, ", ")
}

// shift moves a position in a part to the whole text, the part starting
// at byte base of it (an unknown position stays unknown).
func shift(lines *diag.Lines, p diag.Position, base int) diag.Position {
	if !p.IsValid() {
		return p
	}
	return lines.Position(p.Offset + base)
}
