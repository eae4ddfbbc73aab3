package webapp

import (
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/validate"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// ValidatePolicyTypes are the policy types the Validate screen offers, in
// the validator's spelling (identity, resource, scp, rcp, trust).
func ValidatePolicyTypes() []string {
	var out []string
	for t := validate.Identity; t <= validate.Trust; t++ {
		out = append(out, t.String())
	}
	return out
}

// ValidateResourceTypes are the resource types a resource policy can be
// checked for ("AWS::S3::Bucket", ...).
func ValidateResourceTypes() []string { return validate.ResourceTypes() }

// ValidateView is what the Validate screen shows for a policy.
type ValidateView struct {
	// Findings are every finding, in the validator's order (by position).
	Findings []ValidateFinding
	// Summary counts them by finding type ("1 policies validated, 2
	// findings: 1 ERROR, 1 WARNING").
	Summary string
	// Err is set when the options do not fit (a resource type for
	// another policy type); there are no findings then.
	Err string
}

// ValidateFinding is one finding as the Validate screen lists it.
type ValidateFinding struct {
	// Type is the finding type (ERROR, SECURITY_WARNING, WARNING,
	// SUGGESTION); Class its lower-case spelling, for styling.
	Type, Class string
	// Code, Message, Path (JSON path) and Link (documentation) are the
	// validator's.
	Code, Message, Path, Link string
	// Where is "line:column" (in characters), "" when unknown; Line is
	// the line (0 when unknown).
	Where string
	Line  int
	// Policy names the policy when the input holds several (an account
	// dump), "" otherwise.
	Policy string
	// Start and End are the finding's span in UTF-16 code units of the
	// text (what a textarea's setSelectionRange takes); End == Start
	// when the finding has no extent, both -1 when it has no position.
	Start, End int
}

// ValidateName names the Validate screen's input in findings.
const ValidateName = "policy"

// ValidatePolicy validates a pasted or dropped policy (or anything
// `policy-sentry validate` reads: get-policy-version output, an array of
// policies, an account dump) as policyType ("" for identity), with the
// resource type for a resource policy.
func ValidatePolicy(db *iamdb.DB, text, policyType, resourceType string) ValidateView {
	pt, err := validate.ParsePolicyType(policyType)
	if err != nil {
		return ValidateView{Err: err.Error()}
	}
	if pt != validate.Resource {
		resourceType = ""
	}
	res, err := workbench.Validate(db, []byte(text), ValidateName, workbench.ValidateOptions{Options: validate.Options{PolicyType: pt, ResourceType: resourceType}})
	if err != nil {
		return ValidateView{Err: err.Error()}
	}
	v := ValidateView{Summary: validate.Summary(res.Results)}
	units := utf16Offsets(text)
	for _, r := range res.Results {
		policy := ""
		if len(res.Results) > 1 {
			policy = r.Name
		}
		for _, d := range r.Findings {
			v.Findings = append(v.Findings, validateFinding(d, policy, units))
		}
	}
	return v
}

func validateFinding(d diag.Diagnostic, policy string, units func(int) int) ValidateFinding {
	f := ValidateFinding{Type: d.Severity.String(), Class: d.Severity.Label(), Code: d.Code, Message: d.Message,
		Path: d.Path, Link: d.Link, Policy: policy, Start: -1, End: -1}
	if len(d.Suggestions) > 0 {
		f.Message += " (did you mean " + strings.Join(d.Suggestions, " or ") + "?)"
	}
	if d.Start.IsValid() {
		f.Where, f.Line = fmt.Sprintf("%d:%d", d.Start.Line, d.Start.Column), d.Start.Line
		f.Start = units(d.Start.Offset)
		f.End = f.Start
		if d.End.IsValid() && d.End.Offset > d.Start.Offset {
			f.End = units(d.End.Offset)
		}
	}
	return f
}

// utf16Offsets returns a function converting byte offsets of text to
// UTF-16 code unit offsets (clamped to the text).
func utf16Offsets(text string) func(int) int {
	return func(off int) int {
		off = max(0, min(off, len(text)))
		n := 0
		for _, r := range text[:off] {
			n += max(utf16.RuneLen(r), 1) // an invalid byte shows as one U+FFFD
		}
		return n
	}
}
