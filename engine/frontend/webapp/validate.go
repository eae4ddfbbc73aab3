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
	// Summary counts them by finding type ("1 policy validated, 2
	// findings: 1 ERROR, 1 WARNING").
	Summary string
	// Err is set when the options do not fit (a resource type for
	// another policy type); there are no findings then.
	Err string
	// GuardErrors are the problems of the must-not-grant list, each
	// "line:column: message".
	GuardErrors []string
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

// ValidateState is what the Validate screen keeps (saved and shared with
// the rest of the app's state).
type ValidateState struct {
	// Text is the policy (anything `policy-sentry validate` reads).
	Text string `json:"text,omitempty"`
	// PolicyType is the validator's spelling ("" for identity);
	// ResourceType the resource type of a resource policy.
	PolicyType   string `json:"type,omitempty"`
	ResourceType string `json:"resourceType,omitempty"`
	// Guardrails are built-in guardrail names (diff.BuiltinNames),
	// separated by commas or spaces (see GuardrailNames).
	Guardrails string `json:"guardrails,omitempty"`
	// MustNotGrant is a must-not-grant list, the format of the CLI's
	// --must-not-grant file (diff.ParseGuardrails' YAML or JSON).
	MustNotGrant string `json:"mustNotGrant,omitempty"`
	// NoPublic turns off the public-access check of resource and trust
	// policies (on by default).
	NoPublic bool `json:"noPublic,omitempty"`
}

// PublicApplies tells whether the public-access check applies to the
// state's policy type (resource and trust policies have principals).
func (s ValidateState) PublicApplies() bool {
	return s.PolicyType == validate.Resource.String() || s.PolicyType == validate.Trust.String()
}

// ValidatePolicy validates a pasted or dropped policy (or anything
// `policy-sentry validate` reads: get-policy-version output, an array of
// policies, an account dump) as its policy type ("" for identity), with
// the resource type for a resource policy, against the guardrails
// (MUST_NOT_GRANT findings) and, unless turned off, for public access
// (PUBLIC_ACCESS, resource and trust policies). A must-not-grant list that
// does not parse is reported in GuardErrors; the policy is validated
// without guardrails then.
func ValidatePolicy(db *iamdb.DB, s ValidateState) ValidateView {
	pt, err := validate.ParsePolicyType(s.PolicyType)
	if err != nil {
		return ValidateView{Err: err.Error()}
	}
	resourceType := s.ResourceType
	if pt != validate.Resource {
		resourceType = ""
	}
	var v ValidateView
	guards, msg := ResolveGuards(db, s.Guardrails, s.MustNotGrant)
	if msg != "" {
		v.GuardErrors = []string{msg}
	}
	opts := validate.Options{PolicyType: pt, ResourceType: resourceType, Guardrails: guards, CheckPublic: !s.NoPublic}
	res, err := workbench.Validate(db, []byte(s.Text), ValidateName, workbench.ValidateOptions{Options: opts})
	if err != nil {
		v.Err = err.Error()
		return v
	}
	v.Summary = validate.Summary(res.Results)
	units := utf16Offsets(s.Text)
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
