// Package webapp is the engine side of the web app: everything the UI
// computes (policies from YAML, audits of dropped files, action search,
// the state saved in localStorage and share links) lives here, so the
// components only render, and all of it is tested natively.
package webapp

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/arn"
	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/leastpriv/policysentry/engine/validate"
	"github.com/leastpriv/policysentry/engine/workbench"
	"github.com/leastpriv/policysentry/engine/writer"
)

// PolicyOutput is what the write screens show for a template: the
// workbench's result adapted to the components' fields.
type PolicyOutput struct {
	// JSON is the output panel's first tab (and what Checks validate).
	JSON string
	// Renderings are the renderings made when the policy was written
	// (the JSON one); Text, File and AllRenderings give every format,
	// rendering the others on first use.
	Renderings []workbench.Rendering
	// lazy renders the formats not in Renderings; nil when the output
	// was not written here (a shipped one has every rendering).
	lazy *lazyRenderings
	// Size is the policy's size against AWS's quotas.
	Size policyfmt.SizeReport
	// SizeText explains Size against every quota, with the hint when the
	// policy fits none.
	SizeText string
	// Warnings are shown beside the policy (Short gives "line:col:
	// message"); the size warning is in SizeText instead.
	Warnings diag.List
	// Errors is set when no policy could be written (bad YAML, unknown
	// action); the previous policy should stay on screen.
	Errors diag.List
	// Template is the parsed template (nil when it does not parse).
	Template *template.Template
	// Added lists dependent actions the writer added that the user did not
	// ask for (actions mode).
	Added []string
	// SplitText says what a split did (the parts and their sizes); empty
	// without a split.
	SplitText string
	// Checks is the validation of the policy (the JSON tab's text) as an
	// identity policy; findings point into JSON.
	Checks Checks
}

// OutputOptions are the output panel's choices that change the policy:
// the writer's minimize options and the split quota (SplitChoices' Key;
// "" for none).
type OutputOptions struct {
	writer.Options
	Split string
}

// WritePolicy parses YAML template text and writes the policy.
func WritePolicy(db *iamdb.DB, src string, opts writer.Options) PolicyOutput {
	return WritePolicyWith(db, src, OutputOptions{Options: opts})
}

// WritePolicyWith writes the policy with the output panel's options: with
// a split, every rendering is of the parts (policy-1, policy-2, ...) and
// SplitText says what was done. An unknown split key is an error. The
// JSON rendering is validated as an identity policy (Checks).
func WritePolicyWith(db *iamdb.DB, src string, opts OutputOptions) PolicyOutput {
	out := writePolicy(db, src, opts)
	out.Checks = CheckPolicy(db, out.JSON, validate.Identity, out.SplitText != "")
	return out
}

// writePolicy is WritePolicyWith without the checks.
func writePolicy(db *iamdb.DB, src string, opts OutputOptions) PolicyOutput {
	wo := workbench.WriteOptions{Options: opts.Options}
	if opts.Split != "" {
		l, err := policyfmt.LookupLimit(opts.Split)
		if err != nil {
			return PolicyOutput{Errors: diag.List{{Severity: diag.Error, Message: err.Error()}}}
		}
		wo.Split = l
	}
	wo.Formats = shownFormats
	res, err := workbench.Write(db, []byte(src), "template", wo)
	out := PolicyOutput{Template: res.Template}
	if err != nil {
		out.Errors = res.Errors()
		if len(out.Errors) == 0 {
			out.Errors = diag.List{{Severity: diag.Error, Message: err.Error()}}
		}
		return out
	}
	for _, d := range res.Diagnostics {
		if d.Code != workbench.CodePolicySize {
			out.Warnings = append(out.Warnings, d)
		}
	}
	out.Renderings = res.Renderings
	out.JSON = string(res.Text("json"))
	out.lazy = &lazyRenderings{policy: res.Policy}
	if res.Split != nil {
		out.lazy.parts = res.Split.Parts
	}
	out.Size = res.Size
	out.SizeText = res.Size.Describe(opts.Minimize)
	out.Added = res.Added
	if res.Split != nil {
		out.SplitText = res.Split.Summary()
	}
	return out
}

// Text is the policy in the named format ("" when none was written).
func (o PolicyOutput) Text(format string) string {
	r, _ := o.rendering(format)
	return string(r.Text)
}

// Choice is one entry of an output panel menu: the value saved and the
// label shown.
type Choice struct {
	Key, Label string
}

// formatLabels are the output tabs' labels by format name; a format not
// named here shows its name.
var formatLabels = map[string]string{
	"json": "JSON", "yaml": "YAML", "terraform": "Terraform", "terraform-hcl": "Terraform HCL",
	"cloudformation": "CloudFormation", "cloudformation-json": "CloudFormation JSON", "cdk": "CDK",
}

// FormatChoices are the output tabs: every policyfmt format, in its
// table's order.
func FormatChoices() []Choice {
	var out []Choice
	for _, f := range policyfmt.Formats() {
		l := formatLabels[f.Name]
		if l == "" {
			l = f.Name
		}
		out = append(out, Choice{f.Name, l})
	}
	return out
}

// SplitChoices are the split menu: none, then each AWS quota.
func SplitChoices() []Choice {
	out := []Choice{{"", "Do not split"}}
	for i, k := range policyfmt.LimitKeys() {
		l := policyfmt.Limits[i]
		out = append(out, Choice{k, fmt.Sprintf("Split for a %s (%s)", l.Name, thousands(l.Chars))})
	}
	return out
}

// File is the policy as a download in the named format (an output tab's
// name; the default format for an unknown or empty one): file name
// ("policy" and the format's extension), media type and text; empty when
// no policy was written.
func (o PolicyOutput) File(format string) (name, mediaType, text string) {
	if len(o.Renderings) == 0 {
		return "", "", ""
	}
	r, ok := o.rendering(format)
	if !ok {
		r, _ = o.rendering(policyfmt.Default().Name)
	}
	return "policy" + r.Format.Ext, r.Format.MediaType, string(r.Text)
}

// ARNCheck is the inline check of one ARN in the CRUD form.
type ARNCheck struct {
	// Types are the resource types the ARN matches ("" when none).
	Types []string
	// Message explains a problem: not an ARN, unknown service, or no
	// matching resource type with the nearest formats.
	Message string
}

// CheckARN tells which resource types an ARN matches, for inline hints.
func CheckARN(db *iamdb.DB, s string) ARNCheck {
	s = strings.TrimSpace(s)
	if s == "" {
		return ARNCheck{}
	}
	a, err := arn.Parse(s)
	if err != nil {
		return ARNCheck{Message: err.Error()}
	}
	svc := db.Service(a.Service)
	if svc == nil && a.Service == "catalog" {
		svc = db.Service("servicecatalog")
	}
	if svc == nil {
		return ARNCheck{Message: fmt.Sprintf("unknown service %q", a.Service)}
	}
	var c ARNCheck
	for _, r := range svc.Resources {
		if arn.Compile(r.ARN).Match(a) {
			c.Types = append(c.Types, r.Name)
		}
	}
	if len(c.Types) == 0 {
		c.Message = "matches no resource type of " + svc.Prefix + "; nearest: " + strings.Join(writer.NearestFormats(svc, s, 3), ", ")
	}
	return c
}
