package policy

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Load reads a policy file of any supported shape and returns its policy
// documents:
//   - a policy document ({"Version", "Statement"});
//   - an array of policy documents;
//   - `aws iam get-policy-version` output ({"PolicyVersion": {"Document"}});
//   - `aws iam get-account-authorization-details` output: every user's,
//     group's and role's inline policies and every managed policy's default
//     version, each a document named after its owner.
//
// Policy documents given as strings, URL-encoded as some AWS APIs return
// them, are decoded.
func Load(src []byte, name string) ([]*Document, error) {
	return LoadParsed(src, nil, name)
}

// LoadParsed is Load of src that the caller has already scanned with
// ParseNode (root; nil when it has not, or when the scan failed): the
// scanned tree is converted instead of reading src again, with the same
// result as Load. The auditor scans each input once for its rejection
// check (validate.RejectionsParsed) and its audit.
func LoadParsed(src []byte, root *Node, name string) ([]*Document, error) {
	p := &parser{file: name, src: src}
	var tree *node
	if root != nil {
		tree, _ = fromNode(root) // nil for a string that is not valid UTF-8: read as Load reads it
	}
	if tree == nil {
		var err error
		if tree, err = p.tree(src); err != nil {
			return nil, err
		}
	}
	return p.load(tree, name)
}

// load returns the documents of an input's tree (see Load).
func (p *parser) load(root *node, name string) ([]*Document, error) {
	switch {
	case root.kind == kArray:
		var docs []*Document
		for i, n := range root.arr {
			d, err := p.embedded(n, fmt.Sprintf("$[%d]", i), fmt.Sprintf("%s[%d]", name, i))
			if err != nil {
				return nil, err
			}
			docs = append(docs, d)
		}
		return docs, nil
	case root.kind == kObject && isAuthDetails(root):
		return p.authDetails(root, name)
	case root.kind == kObject && root.get("PolicyVersion") != nil:
		pv := root.get("PolicyVersion")
		if pv.kind != kObject || pv.get("Document") == nil {
			return nil, p.errAt(pv, "$.PolicyVersion", "expected an object with Document")
		}
		d, err := p.embedded(pv.get("Document"), "$.PolicyVersion.Document", name)
		if err != nil {
			return nil, err
		}
		return []*Document{d}, nil
	}
	d, err := p.document(root, "$", name)
	if err != nil {
		return nil, err
	}
	return []*Document{d}, nil
}

func isAuthDetails(n *node) bool {
	for _, k := range []string{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"} {
		if n.get(k) != nil {
			return true
		}
	}
	return false
}

// embedded reads a policy document given as an object or as a JSON
// string, URL-encoded or not.
func (p *parser) embedded(n *node, path, name string) (*Document, error) {
	if n.kind != kString {
		return p.document(n, path, name)
	}
	text := n.str
	if strings.HasPrefix(text, "%7B") || strings.HasPrefix(text, "%7b") || strings.Contains(text, "%22") {
		dec, err := url.QueryUnescape(text)
		if err != nil {
			return nil, p.errAt(n, path, "the URL-encoded policy document cannot be decoded: %v", err)
		}
		text = dec
	}
	inner := &parser{file: p.file + " " + path, src: []byte(text)}
	root, err := inner.tree(inner.src)
	if err != nil {
		return nil, err
	}
	return inner.document(root, "$", name)
}

// authDetails walks get-account-authorization-details output.
func (p *parser) authDetails(root *node, file string) ([]*Document, error) {
	var docs []*Document
	inline := func(list, kind, nameKey, policiesKey string) error {
		ln := root.get(list)
		if ln == nil || ln.kind == kNull { // null: an empty list, as JSON decoders read it
			return nil
		}
		if ln.kind != kArray {
			return p.errAt(ln, "$."+list, "expected an array, found %s", ln.kind)
		}
		for i, ent := range ln.arr {
			path := fmt.Sprintf("$.%s[%d]", list, i)
			if ent.kind != kObject {
				return p.errAt(ent, path, "expected an object, found %s", ent.kind)
			}
			who := str(ent.get(nameKey))
			pl := ent.get(policiesKey)
			if pl == nil || pl.kind == kNull {
				continue
			}
			if pl.kind != kArray {
				return p.errAt(pl, path+"."+policiesKey, "expected an array, found %s", pl.kind)
			}
			for j, pol := range pl.arr {
				pp := fmt.Sprintf("%s.%s[%d]", path, policiesKey, j)
				if pol.kind != kObject || pol.get("PolicyDocument") == nil {
					return p.errAt(pol, pp, "expected an object with PolicyName and PolicyDocument")
				}
				d, err := p.embedded(pol.get("PolicyDocument"), pp+".PolicyDocument",
					fmt.Sprintf("%s/%s inline policy %s", kind, who, str(pol.get("PolicyName"))))
				if err != nil {
					return err
				}
				docs = append(docs, d)
			}
		}
		return nil
	}
	if err := inline("UserDetailList", "user", "UserName", "UserPolicyList"); err != nil {
		return nil, err
	}
	if err := inline("GroupDetailList", "group", "GroupName", "GroupPolicyList"); err != nil {
		return nil, err
	}
	if err := inline("RoleDetailList", "role", "RoleName", "RolePolicyList"); err != nil {
		return nil, err
	}
	attached := attachments(root)
	if pl := root.get("Policies"); pl != nil && pl.kind != kNull {
		if pl.kind != kArray {
			return nil, p.errAt(pl, "$.Policies", "expected an array, found %s", pl.kind)
		}
		for i, pol := range pl.arr {
			path := fmt.Sprintf("$.Policies[%d]", i)
			if pol.kind != kObject {
				return nil, p.errAt(pol, path, "expected an object, found %s", pol.kind)
			}
			def := str(pol.get("DefaultVersionId"))
			vl := pol.get("PolicyVersionList")
			if vl == nil || vl.kind != kArray {
				return nil, p.errAt(pol, path, "expected PolicyVersionList, an array of policy versions")
			}
			for j, v := range vl.arr {
				if v.kind != kObject {
					continue
				}
				isDef := v.get("IsDefaultVersion")
				if !(isDef != nil && isDef.kind == kBool && isDef.bool) && str(v.get("VersionId")) != def {
					continue
				}
				name := fmt.Sprintf("policy/%s (%s)", str(pol.get("PolicyName")), str(v.get("VersionId")))
				if who := attached[str(pol.get("Arn"))]; len(who) > 0 {
					name += ", attached to " + strings.Join(who, ", ")
				}
				vp := fmt.Sprintf("%s.PolicyVersionList[%d]", path, j)
				if v.get("Document") == nil {
					return nil, p.errAt(v, vp, "the default policy version has no Document: expected an object with VersionId, IsDefaultVersion and Document")
				}
				d, err := p.embedded(v.get("Document"), vp+".Document", name)
				if err != nil {
					return nil, err
				}
				docs = append(docs, d)
				break
			}
		}
	}
	return docs, nil
}

// attachments maps managed policy ARNs to the principals that attach them.
func attachments(root *node) map[string][]string {
	out := map[string][]string{}
	for _, l := range []struct{ list, kind, nameKey string }{
		{"UserDetailList", "user", "UserName"}, {"GroupDetailList", "group", "GroupName"}, {"RoleDetailList", "role", "RoleName"},
	} {
		ln := root.get(l.list)
		if ln == nil || ln.kind != kArray {
			continue
		}
		for _, ent := range ln.arr {
			if ent.kind != kObject {
				continue
			}
			am := ent.get("AttachedManagedPolicies")
			if am == nil || am.kind != kArray {
				continue
			}
			for _, a := range am.arr {
				if a.kind == kObject {
					arn := str(a.get("PolicyArn"))
					out[arn] = append(out[arn], l.kind+"/"+str(ent.get(l.nameKey)))
				}
			}
		}
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

func str(n *node) string {
	if n == nil || n.kind != kString {
		return ""
	}
	return n.str
}
