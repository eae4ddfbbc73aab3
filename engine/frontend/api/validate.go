package api

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
	"github.com/leastpriv/policysentry/engine/validate"
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
// file name findings carry; default "policy"). Findings are a 200
// answer, whatever their type.
func (h *Handler) validate(w http.ResponseWriter, r *http.Request) error {
	p, err := params(r, "policy-type", "resource-type", "fmt", "name")
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
	name := p["name"]
	if name == "" {
		name = "policy"
	}
	if kind, mt := mediaOf(r); kind != mediaJSON {
		return errorf(http.StatusUnsupportedMediaType, CodeUnsupportedType, "Content-Type %q: send the policy as application/json", mt)
	}
	src, err := h.body(w, r)
	if err != nil {
		return err
	}
	db, err := h.db(r)
	if err != nil {
		return err
	}
	results := validate.ValidateInput(db, src, name, opts)
	if worst, ok := validate.Worst(results); ok {
		w.Header().Set(WorstFindingTypeHeader, worst.String())
	}
	var b bytes.Buffer
	switch format {
	case "text":
		err = validate.WriteText(&b, results)
		if err == nil {
			return write(w, ctText, b.Bytes())
		}
	case "sarif":
		err = validate.WriteSARIF(&b, "api", results)
	default:
		err = validate.WriteJSON(&b, results)
	}
	if err != nil {
		return err
	}
	return write(w, ctJSON, b.Bytes())
}

// decodeBareURLEncoded decodes a body that is a URL-encoded policy, as
// IAM's API returns documents.
func decodeBareURLEncoded(src []byte) []byte {
	if dec, ok := validate.DecodeURLEncoded(src); ok {
		return dec
	}
	return src
}

// checkBeforeAudit is POST /analyze's check of a body the policy loader
// accepted: a policy AWS would refuse (validate.Rejections: Resource with
// NotResource, a Principal in an identity policy, ...) is a 400
// invalid_policy error listing the ERROR findings with their positions,
// instead of an audit of it.
func checkBeforeAudit(db *iamdb.DB, src []byte, name string, docs []*policy.Document) error {
	rej := validate.Rejections(db, src, name)
	var names []string
	for _, d := range docs { // only the policies analyze audits (not roles' trust policies)
		if _, bad := rej[d.Name]; bad {
			names = append(names, d.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	e := &Error{Status: http.StatusBadRequest, Code: CodeInvalidPolicy}
	for _, n := range names {
		for _, d := range rej[n] {
			msg := fmt.Sprintf("%s %s: %s", d.Code, d.Path, d.Message)
			if n != name {
				msg = n + ": " + msg
			}
			e.Details = append(e.Details, Detail{Line: d.Start.Line, Column: d.Start.Column, Message: msg})
		}
	}
	e.Message = "AWS would reject this policy, so it is not audited (POST /api/v1/validate explains): " + e.Details[0].Message
	e.Line, e.Column = e.Details[0].Line, e.Details[0].Column
	return e
}
