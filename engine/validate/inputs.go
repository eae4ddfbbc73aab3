package validate

import (
	"fmt"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
)

// Result is the validation of one policy of an input.
type Result struct {
	// Name names the policy: the file name for a lone policy, else the
	// owner and policy name ("role/ci inline policy deploy", "policy/Admin
	// (v3)", "file.json[2]").
	Name string `json:"name"`
	// PolicyType is the type it was validated as.
	PolicyType PolicyType `json:"-"`
	// Findings are sorted by position; positions are in the input file.
	Findings diag.List `json:"findings"`
}

// ValidateInput validates every policy an input holds, as `analyze`
// reads inputs: a policy document; a JSON array of documents; `aws iam
// get-policy-version` output; `aws iam get-role` output (its trust
// policy); `aws iam get-role-policy` / `get-user-policy` /
// `get-group-policy` output; or `aws iam get-account-authorization-details`
// output, where inline and managed policies are identity policies and a
// role's AssumeRolePolicyDocument is a trust policy. opts.PolicyType
// applies to the documents whose type the input does not say. Documents
// given as JSON strings, URL-encoded or not, are decoded; their findings
// are placed on the string. A whole input that is URL-encoded is decoded
// first.
func ValidateInput(db *iamdb.DB, src []byte, file string, opts Options) []Result {
	if dec, ok := DecodeURLEncoded(src); ok {
		src = dec
	}
	root, err := policy.ParseNode(src)
	if err != nil {
		return []Result{{Name: file, PolicyType: opts.PolicyType, Findings: Validate(db, src, file, opts)}}
	}
	return validateInputParsed(db, src, root, file, opts)
}

// validateInputParsed is ValidateInput of src (not URL-encoded) that
// policy.ParseNode scanned into root.
func validateInputParsed(db *iamdb.DB, src []byte, root *policy.Node, file string, opts Options) []Result {
	if root.Kind == policy.Object && root.Get("Statement") != nil {
		// src parsed, so it is not URL-encoded: Validate would decode
		// nothing and parse it again.
		return []Result{{Name: file, PolicyType: opts.PolicyType, Findings: validateParsed(db, src, root, file, opts)}}
	}
	in := &inputs{db: db, src: src, file: file, lines: diag.NewLines(file, src), opts: opts}
	switch {
	case root.Kind == policy.Array:
		for i, e := range root.Elems {
			in.doc(e, fmt.Sprintf("%s[%d]", file, i), opts.PolicyType)
		}
	case root.Kind != policy.Object:
	case root.Get("UserDetailList") != nil || root.Get("GroupDetailList") != nil || root.Get("RoleDetailList") != nil || root.Get("Policies") != nil:
		in.authDetails(root)
	case root.Get("PolicyVersion") != nil && root.Get("PolicyVersion").Get("Document") != nil:
		in.doc(root.Get("PolicyVersion").Get("Document"), file, opts.PolicyType)
	case root.Get("Role") != nil && root.Get("Role").Get("AssumeRolePolicyDocument") != nil:
		in.doc(root.Get("Role").Get("AssumeRolePolicyDocument"), file+" trust policy of role "+str(root.Get("Role").Get("RoleName")), Trust)
	case root.Get("PolicyDocument") != nil && root.Get("PolicyName") != nil:
		in.doc(root.Get("PolicyDocument"), file+" policy "+str(root.Get("PolicyName")), opts.PolicyType)
	}
	if len(in.out) == 0 {
		return []Result{{Name: file, PolicyType: opts.PolicyType, Findings: Validate(db, src, file, opts)}}
	}
	return in.out
}

type inputs struct {
	db    *iamdb.DB
	src   []byte
	file  string
	lines *diag.Lines
	opts  Options
	out   []Result
}

// doc validates one embedded document (an object, or a JSON string).
func (in *inputs) doc(n *policy.Node, name string, pt PolicyType) {
	opts := in.opts
	if pt != opts.PolicyType {
		opts = Options{PolicyType: pt, Guardrails: in.opts.Guardrails, CheckPublic: in.opts.CheckPublic, rejectsOnly: in.opts.rejectsOnly}
	}
	var l diag.List
	if n.Kind == policy.String {
		l = validatePinned(in.db, in.lines, []byte(n.Str), n.Start, n.End, opts)
	} else {
		l = validatePart(in.db, in.lines, in.src, n.Start, n.End, opts)
	}
	in.out = append(in.out, Result{Name: name, PolicyType: pt, Findings: l})
}

func str(n *policy.Node) string {
	if n == nil || n.Kind != policy.String {
		return ""
	}
	return n.Str
}

// authDetails walks get-account-authorization-details output.
func (in *inputs) authDetails(root *policy.Node) {
	for _, l := range []struct{ list, kind, nameKey, policiesKey string }{
		{"UserDetailList", "user", "UserName", "UserPolicyList"},
		{"GroupDetailList", "group", "GroupName", "GroupPolicyList"},
		{"RoleDetailList", "role", "RoleName", "RolePolicyList"},
	} {
		ln := root.Get(l.list)
		if ln == nil || ln.Kind != policy.Array {
			continue
		}
		for _, ent := range ln.Elems {
			who := str(ent.Get(l.nameKey))
			if l.kind == "role" {
				if tp := ent.Get("AssumeRolePolicyDocument"); tp != nil {
					in.doc(tp, fmt.Sprintf("role/%s trust policy", who), Trust)
				}
			}
			pl := ent.Get(l.policiesKey)
			if pl == nil || pl.Kind != policy.Array {
				continue
			}
			for _, pol := range pl.Elems {
				if d := pol.Get("PolicyDocument"); d != nil {
					in.doc(d, fmt.Sprintf("%s/%s inline policy %s", l.kind, who, str(pol.Get("PolicyName"))), Identity)
				}
			}
		}
	}
	pl := root.Get("Policies")
	if pl == nil || pl.Kind != policy.Array {
		return
	}
	for _, pol := range pl.Elems {
		def := str(pol.Get("DefaultVersionId"))
		vl := pol.Get("PolicyVersionList")
		if vl == nil || vl.Kind != policy.Array {
			continue
		}
		for _, v := range vl.Elems {
			isDef := v.Get("IsDefaultVersion")
			if !(isDef != nil && isDef.Kind == policy.Bool && isDef.Bool) && str(v.Get("VersionId")) != def {
				continue
			}
			if d := v.Get("Document"); d != nil {
				name := fmt.Sprintf("policy/%s (%s)", str(pol.Get("PolicyName")), str(v.Get("VersionId")))
				in.doc(d, name, Identity)
			}
			break
		}
	}
}
