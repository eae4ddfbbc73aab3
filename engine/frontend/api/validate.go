package api

import (
	"net/http"
	"strings"

	"github.com/leastpriv/policysentry/engine/diff"
	"github.com/leastpriv/policysentry/engine/validate"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// WorstFindingTypeHeader carries the worst finding type of POST /validate
// (ERROR, SECURITY_WARNING, WARNING, SUGGESTION; absent without findings).
const WorstFindingTypeHeader = "X-Policy-Sentry-Worst-Finding-Type"

// validate serves POST /api/v1/validate: the body is a policy (or any
// input `policy-sentry validate` reads: an array, get-policy-version
// output, an authorization-details dump; URL-encoded documents are
// decoded), the query parameters are the CLI's options: policy-type
// (identity, resource, scp, rcp, trust), resource-type (AWS::S3::Bucket,
// ...), fmt (json, the default: an array of findings with findingType,
// issueCode, message, path, line, column; sarif; text) and name (the
// file name findings carry; default "policy"), and the custom checks:
// guardrails (built-in must-not-grant lists, comma-separated:
// iam-write,disable-logging), must-not-grant (a must-not-grant file's
// text, YAML or JSON, URL-encoded) and public (true: report resource and
// trust policy statements open to anyone). Findings are a 200 answer,
// whatever their type.
func (h *Handler) validate(w http.ResponseWriter, r *http.Request) error {
	p, err := params(r, "policy-type", "resource-type", "fmt", "name", "guardrails", "must-not-grant", "public")
	if err != nil {
		return err
	}
	format, err := choice(p, "fmt", "json", "json", "sarif", "text")
	if err != nil {
		return err
	}
	pt, err := validate.ParsePolicyType(p["policy-type"])
	if err != nil {
		return errorf(http.StatusBadRequest, CodeInvalidParameter, "policy-type: %v", err)
	}
	opts := validate.Options{PolicyType: pt, ResourceType: p["resource-type"]}
	if err := opts.CheckOptions(); err != nil {
		return errorf(http.StatusBadRequest, CodeInvalidParameter, "resource-type: %v", err)
	}
	switch p["public"] {
	case "", "false":
	case "true":
		opts.CheckPublic = true
	default:
		return errorf(http.StatusBadRequest, CodeInvalidParameter, "public: %q is not true or false", p["public"])
	}
	name := p["name"]
	if name == "" {
		name = "policy"
	}
	src, db, err := h.jsonInput(w, r, "the policy")
	if err != nil {
		return err
	}
	var builtins []string
	if p["guardrails"] != "" {
		builtins = strings.Split(p["guardrails"], ",")
	}
	if opts.Guardrails, err = diff.ResolveGuardrails(db, []byte(p["must-not-grant"]), "must-not-grant", builtins); err != nil {
		return errorf(http.StatusBadRequest, CodeInvalidParameter, "%v", err)
	}
	res, err := workbench.Validate(db, src, name, workbench.ValidateOptions{Options: opts})
	if err != nil {
		return err
	}
	if worst, ok := res.Worst(); ok {
		w.Header().Set(WorstFindingTypeHeader, worst.String())
	}
	b, err := res.Render(format, "api")
	if err != nil {
		return err
	}
	if format == "text" {
		return write(w, ctText, b)
	}
	return write(w, ctJSON, b)
}
