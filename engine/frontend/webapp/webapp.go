// Package webapp is the engine side of the web app: everything the UI
// computes (policies from YAML, audits of dropped files, action search,
// the state saved in localStorage and share links) lives here, so the
// components only render, and all of it is tested natively.
package webapp

import (
	"errors"
	"fmt"
	"github.com/leastpriv/policysentry/engine/diag"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/arn"
	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/leastpriv/policysentry/engine/writer"
)

// PolicyOutput is what the write screens show for a template.
type PolicyOutput struct {
	JSON, YAML, Terraform string
	Size                  policyfmt.SizeReport
	// Warnings are shown beside the policy (Short gives "line:col: message").
	Warnings diag.List
	// Errors is set when no policy could be written (bad YAML, unknown
	// action); the previous policy should stay on screen.
	Errors diag.List
	// Template is the parsed template (nil on errors).
	Template *template.Template
	// Added lists dependent actions the writer added that the user did not
	// ask for (actions mode).
	Added []string
}

// WritePolicy parses YAML template text and writes the policy.
func WritePolicy(db *iamdb.DB, src string, opts writer.Options) PolicyOutput {
	var out PolicyOutput
	t, err := template.Parse([]byte(src), "template")
	if err != nil {
		out.Errors = problems(err)
		return out
	}
	out.Template = t
	res, err := writer.Write(db, t, opts)
	if err != nil {
		out.Errors = problems(err)
		return out
	}
	out.Warnings = res.Warnings
	out.JSON = string(policyfmt.JSON(res.Policy))
	out.YAML = string(policyfmt.YAML(res.Policy))
	out.Terraform = string(policyfmt.Terraform(res.Policy))
	out.Size = policyfmt.Size(res.Policy)
	if t.Mode == template.ModeActions {
		asked := map[string]bool{}
		for _, e := range t.Actions {
			asked[strings.ToLower(e.Value)] = true
		}
		seen := map[string]bool{}
		for _, s := range res.Policy.Statement {
			for _, a := range s.Action {
				if !asked[strings.ToLower(a)] && !seen[a] {
					seen[a] = true
					out.Added = append(out.Added, a)
				}
			}
		}
	}
	return out
}

// problems turns template and writer errors into positioned problems.
func problems(err error) diag.List {
	var l diag.List
	if errors.As(err, &l) {
		return l
	}
	return diag.List{{Severity: diag.Error, Message: err.Error()}}
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
