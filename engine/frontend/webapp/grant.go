package webapp

import (
	"fmt"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/grant"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// GrantOutput is what the Grant screen shows for a resource or trust
// template: the policy's renderings, what it was validated as, the
// validator's findings, or the template's errors.
type GrantOutput struct {
	// JSON and YAML are the policy ("" when there are errors).
	JSON, YAML string
	// ValidatedAs says what the policy was validated as ("resource
	// policy of AWS::S3::Bucket", "trust policy").
	ValidatedAs string
	// Findings are the validator's findings on the policy (never an
	// ERROR), shown with their JSON path.
	Findings diag.List
	// Checks are the findings as the write screens show them, pointing
	// into JSON.
	Checks Checks
	// Errors are the template's errors, with line and column.
	Errors diag.List
}

// GrantTemplateName is the file name the Grant screen's messages give the
// template.
const GrantTemplateName = "template"

// WriteGrant writes a resource or trust template for the Grant screen.
func WriteGrant(db *iamdb.DB, src string) GrantOutput {
	res, err := workbench.WriteGrant(db, []byte(src), GrantTemplateName, workbench.GrantOptions{})
	if err != nil {
		out := GrantOutput{Errors: res.Errors()}
		if len(out.Errors) == 0 {
			out.Errors = diag.List{{Severity: diag.Error, Message: err.Error()}}
		}
		return out
	}
	what := res.Validation.PolicyType.String() + " policy"
	if res.Validation.ResourceType != "" {
		what += " of " + res.Validation.ResourceType
	}
	js := string(res.Text("json"))
	return GrantOutput{
		JSON: js, YAML: string(res.Text("yaml")),
		ValidatedAs: what, Findings: res.Diagnostics, Checks: checksOf(res.Diagnostics, js),
	}
}

// GrantSkeletons are the Grant screen's starting templates, one per mode
// (create-template's skeletons), in grant.Modes order.
func GrantSkeletons() []GrantSkeleton {
	var out []GrantSkeleton
	for _, m := range grant.Modes {
		out = append(out, GrantSkeleton{Mode: string(m), Label: grantLabels[m], Text: string(grant.Skeleton(m))})
	}
	return out
}

// GrantSkeleton is one starting template of the Grant screen.
type GrantSkeleton struct {
	Mode, Label, Text string
}

var grantLabels = map[grant.Mode]string{
	grant.ModeResource: "Resource policy",
	grant.ModeTrust:    "Trust policy",
}

// FindingText is a finding of a written policy as the Grant screen lists
// it: severity, code, JSON path and message.
func FindingText(d diag.Diagnostic) string {
	if d.Path != "" {
		return fmt.Sprintf("%s %s %s: %s", d.Severity, d.Code, d.Path, d.Message)
	}
	return fmt.Sprintf("%s %s %s", d.Severity, d.Code, d.Message)
}
