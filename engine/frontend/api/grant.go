package api

import (
	"fmt"
	"net/http"

	"github.com/leastpriv/policysentry/engine/grant"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// ValidatedAsHeader says what a written resource or trust policy was
// validated as: "resource AWS::S3::Bucket" or "trust".
const ValidatedAsHeader = "X-Policy-Sentry-Validated-As"

// FindingsHeader carries the validator's findings on a written resource
// or trust policy (never an ERROR) as a JSON array of {"findingType",
// "issueCode", "path", "message"} objects, the path being the JSON path
// in the policy (ASCII only; absent when there are none).
const FindingsHeader = "X-Policy-Sentry-Findings"

// resourcePolicy answers POST /api/v1/resource-policy: a mode: resource
// template written as a resource-based policy.
func (h *Handler) resourcePolicy(w http.ResponseWriter, r *http.Request) error {
	return h.grantPolicy(w, r, grant.ModeResource)
}

// trustPolicy answers POST /api/v1/trust-policy: a mode: trust template
// written as a role trust policy.
func (h *Handler) trustPolicy(w http.ResponseWriter, r *http.Request) error {
	return h.grantPolicy(w, r, grant.ModeTrust)
}

// grantPolicy reads a grant template of the given mode from the body and
// answers its policy, rendered as fmt= asks (json, the default, or yaml).
func (h *Handler) grantPolicy(w http.ResponseWriter, r *http.Request, mode grant.Mode) error {
	p, err := params(r, "fmt")
	if err != nil {
		return err
	}
	format, err := choice(p, "fmt", grant.FormatNames()[0], grant.FormatNames()...)
	if err != nil {
		return err
	}
	src, err := h.templateBody(w, r)
	if err != nil {
		return err
	}
	if m := grant.ModeOf(src); m != "" && m != mode {
		return errorf(http.StatusBadRequest, CodeInvalidTemplate, "this endpoint writes mode: %s templates; the template is mode: %s: POST it to %s%s-policy", mode, m, Prefix, m)
	}
	db, err := h.db(r)
	if err != nil {
		return err
	}
	return writeGrant(w, db, src, format)
}

// writeGrant writes a grant template's policy (the body of
// resource-policy, trust-policy, and of policy for a grant template).
func writeGrant(w http.ResponseWriter, db *iamdb.DB, src []byte, format string) error {
	res, err := workbench.WriteGrant(db, src, bodyName, workbench.GrantOptions{Formats: []string{format}})
	if err != nil {
		if res.Template == nil && len(res.Diagnostics) == 0 {
			return errorf(http.StatusBadRequest, CodeInvalidParameter, "%v", err)
		}
		return templateError(err)
	}
	what := res.Validation.PolicyType.String()
	if res.Validation.ResourceType != "" {
		what += " " + res.Validation.ResourceType
	}
	w.Header().Set(ValidatedAsHeader, what)
	if len(res.Diagnostics) > 0 {
		type finding struct {
			FindingType string `json:"findingType"`
			IssueCode   string `json:"issueCode"`
			Path        string `json:"path"`
			Message     string `json:"message"`
		}
		var fs []finding
		for _, d := range res.Diagnostics {
			fs = append(fs, finding{d.Severity.String(), d.Code, d.Path, d.Message})
		}
		w.Header().Set(FindingsHeader, asciiJSON(fs))
	}
	x := res.Renderings[0]
	return write(w, fmt.Sprintf("%s; charset=utf-8", x.Format.MediaType), x.Text)
}
