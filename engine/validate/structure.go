package validate

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
	"github.com/leastpriv/policysentry/engine/policy"
)

// item is one string of a string-or-array element, with its node and path.
type item struct {
	s    string
	n    *policy.Node
	path string
}

// statement is one statement as the checks see it.
type statement struct {
	n      *policy.Node
	path   string
	index  int
	sid    *policy.Node
	effect string

	action, notAction, resource, notResource *policy.Node
	principal, notPrincipal, condition       *policy.Node

	actions, notActions, resources, notResources []item
	// allActions: Action holds "*".
	allActions bool
	// granted are the dataset actions Action names (patterns expanded),
	// each with the item that names it; nil when allActions.
	granted []grant
	// condKeys are the condition keys the statement tests, lower-cased.
	condKeys map[string]bool
	// condValues are the statement's conditions, key by key.
	condValues []condEntry
}

// condEntry is one condition key under one operator, with its values.
type condEntry struct {
	op     string
	key    string
	values []item
}

type grant struct {
	a   *iamdb.Action
	it  *item
	pat bool // named by a wildcard pattern
}

var topElements = []string{"Version", "Id", "Statement"}
var statementElements = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

// document checks the top level and walks the statements.
func (v *validator) document(root *policy.Node) {
	var stmtNode *policy.Node
	seen := map[string]bool{}
	for i := range root.Members {
		m := &root.Members[i]
		path := "$." + m.Key
		if seen[m.Key] {
			v.emit("DUPLICATE_KEY", m.KeyStart, m.KeyEnd, path, fmt.Sprintf("duplicate key %q: IAM rejects a policy with the same element twice", m.Key))
			continue
		}
		seen[m.Key] = true
		switch m.Key {
		case "Version":
			v.hasVersion = true
			if m.Value.Kind != policy.String {
				v.at("DATA_TYPE_MISMATCH", m.Value, path, fmt.Sprintf("Version is %s: expected the string \"2012-10-17\"", m.Value.Kind))
				continue
			}
			v.version = m.Value.Str
			if v.version != "2012-10-17" && v.version != "2008-10-17" {
				v.at("INVALID_VERSION", m.Value, path, fmt.Sprintf("Version %q is not valid: use \"2012-10-17\" (the policy language version, not a date of yours)", v.version), "2012-10-17")
			} else if v.version == "2008-10-17" {
				v.at("OLD_VERSION", m.Value, path, "Version 2008-10-17 is the old policy language: policy variables are literal text; use \"2012-10-17\"", "2012-10-17")
			}
		case "Id":
			if m.Value.Kind != policy.String {
				v.at("DATA_TYPE_MISMATCH", m.Value, path, fmt.Sprintf("Id is %s: expected a string", m.Value.Kind))
			}
		case "Statement":
			stmtNode = m.Value
		default:
			v.emit("INVALID_POLICY_ELEMENT", m.KeyStart, m.KeyEnd, path, fmt.Sprintf("%q is not a policy element: the top level holds Version, Id and Statement", m.Key), suggest.Nearest(m.Key, topElements, 1)...)
		}
	}
	if !v.hasVersion {
		v.emit("MISSING_VERSION", root.Start, root.Start+1, "$", "the policy has no Version: add \"Version\": \"2012-10-17\" (without it policy variables are literal text)", "2012-10-17")
	}
	if stmtNode == nil {
		v.emit("MISSING_STATEMENT", root.Start, root.Start+1, "$", "the policy has no Statement element")
		return
	}
	switch stmtNode.Kind {
	case policy.Object:
		v.statement(stmtNode, "$.Statement", 0)
	case policy.Array:
		if len(stmtNode.Elems) == 0 {
			v.at("MISSING_STATEMENT", stmtNode, "$.Statement", "Statement is an empty array: a policy needs at least one statement")
		}
		for i, e := range stmtNode.Elems {
			path := fmt.Sprintf("$.Statement[%d]", i)
			if e.Kind != policy.Object {
				v.at("DATA_TYPE_MISMATCH", e, path, fmt.Sprintf("the statement is %s: expected an object", e.Kind))
				continue
			}
			v.statement(e, path, i)
		}
	default:
		v.at("DATA_TYPE_MISMATCH", stmtNode, "$.Statement", fmt.Sprintf("Statement is %s: expected an object or an array of objects", stmtNode.Kind))
	}
}

// statement checks one statement's elements.
func (v *validator) statement(n *policy.Node, path string, index int) {
	st := &statement{n: n, path: path, index: index}
	v.stmts = append(v.stmts, st)
	seen := map[string]bool{}
	for i := range n.Members {
		m := &n.Members[i]
		ep := path + "." + m.Key
		if seen[m.Key] {
			v.emit("DUPLICATE_KEY", m.KeyStart, m.KeyEnd, ep, fmt.Sprintf("duplicate key %q in the statement: IAM rejects it", m.Key))
			continue
		}
		seen[m.Key] = true
		switch m.Key {
		case "Sid":
			st.sid = m.Value
			v.sid(st, m.Value, ep)
		case "Effect":
			switch {
			case m.Value.Kind != policy.String:
				v.at("DATA_TYPE_MISMATCH", m.Value, ep, fmt.Sprintf("Effect is %s: expected \"Allow\" or \"Deny\"", m.Value.Kind))
			case m.Value.Str == "Allow" || m.Value.Str == "Deny":
				st.effect = m.Value.Str
			default:
				v.at("INVALID_EFFECT", m.Value, ep, fmt.Sprintf("Effect %q is not valid: use \"Allow\" or \"Deny\" (case-sensitive)", m.Value.Str), suggest.Nearest(m.Value.Str, []string{"Allow", "Deny"}, 1)...)
			}
		case "Action":
			st.action = m.Value
			st.actions = v.strings(m.Value, ep, "EMPTY_ARRAY_ACTION")
		case "NotAction":
			st.notAction = m.Value
			st.notActions = v.strings(m.Value, ep, "EMPTY_ARRAY_ACTION")
		case "Resource":
			st.resource = m.Value
			st.resources = v.strings(m.Value, ep, "EMPTY_ARRAY_RESOURCE")
		case "NotResource":
			st.notResource = m.Value
			st.notResources = v.strings(m.Value, ep, "EMPTY_ARRAY_RESOURCE")
		case "Principal":
			st.principal = m.Value
		case "NotPrincipal":
			st.notPrincipal = m.Value
		case "Condition":
			st.condition = m.Value
		default:
			v.emit("INVALID_POLICY_ELEMENT", m.KeyStart, m.KeyEnd, ep, fmt.Sprintf("%q is not a statement element: use Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource or Condition", m.Key), suggest.Nearest(m.Key, statementElements, 1)...)
		}
	}
	if !seen["Effect"] {
		v.emit("MISSING_EFFECT", n.Start, n.Start+1, path, "the statement has no Effect: add \"Effect\": \"Allow\" or \"Deny\"")
	}
	if st.action == nil && st.notAction == nil {
		v.emit("MISSING_ACTION", n.Start, n.Start+1, path, "the statement has neither Action nor NotAction")
	}
	if st.action != nil && st.notAction != nil {
		v.combo(st.notAction, path, "Action", "NotAction")
	}
	if st.resource != nil && st.notResource != nil {
		v.combo(st.notResource, path, "Resource", "NotResource")
	}
	if st.principal != nil && st.notPrincipal != nil {
		v.combo(st.notPrincipal, path, "Principal", "NotPrincipal")
	}
	if st.resource == nil && st.notResource == nil && v.resourceRequired() {
		v.emit("MISSING_RESOURCE", n.Start, n.Start+1, path, "the statement has neither Resource nor NotResource: add \"Resource\" with the ARNs it applies to")
	}
	if v.opts.rejectsOnly {
		// Of the action, resource, privilege and redundancy checks only
		// INVALID_ARN_PREFIX rejects a policy; the actions they resolve
		// (st.granted) feed only checks that do not reject.
		v.arnPrefixes(st)
		v.conditions(st)
		v.principals(st)
		v.policyTypeRules(st)
		return
	}
	v.actionsOf(st)
	v.resourcesOf(st)
	v.conditions(st)
	v.principals(st)
	v.policyTypeRules(st)
	v.privileged(st)
	v.redundantItems(st.actions, true)
	v.redundantItems(st.resources, false)
}

// resourceRequired reports whether statements need Resource or
// NotResource: not in trust policies, nor in resource policies of a type
// whose policies name no resource (ECR repositories) or of an unknown
// type (several services imply the resource).
func (v *validator) resourceRequired() bool {
	switch v.opts.PolicyType {
	case Trust:
		return false
	case Resource:
		return v.rt != nil && !v.rt.impliedResource
	}
	return true
}

func (v *validator) combo(n *policy.Node, path, a, b string) {
	v.at("UNSUPPORTED_ELEMENT_COMBINATION", n, path+"."+b, fmt.Sprintf("a statement cannot have both %s and %s: IAM rejects the policy; keep one", a, b))
}

// strings reads a string-or-array-of-strings element.
func (v *validator) strings(n *policy.Node, path, emptyCode string) []item {
	switch n.Kind {
	case policy.String:
		return []item{{s: n.Str, n: n, path: path}}
	case policy.Array:
		if len(n.Elems) == 0 {
			v.at(emptyCode, n, path, "the array is empty: the element grants or matches nothing; remove it or add values")
		}
		out := make([]item, 0, len(n.Elems))
		for i, e := range n.Elems {
			p := fmt.Sprintf("%s[%d]", path, i)
			if e.Kind != policy.String {
				v.at("DATA_TYPE_MISMATCH", e, p, fmt.Sprintf("the value is %s: expected a string", e.Kind))
				continue
			}
			out = append(out, item{s: e.Str, n: e, path: p})
		}
		return out
	}
	v.at("DATA_TYPE_MISMATCH", n, path, fmt.Sprintf("the value is %s: expected a string or an array of strings", n.Kind))
	return nil
}

// sid checks one Sid.
func (v *validator) sid(st *statement, n *policy.Node, path string) {
	if n.Kind != policy.String {
		v.at("DATA_TYPE_MISMATCH", n, path, fmt.Sprintf("Sid is %s: expected a string", n.Kind))
		return
	}
	if n.Str == "" {
		v.at("EMPTY_SID_VALUE", n, path, "the Sid is empty: remove it or name the statement")
		return
	}
	if v.opts.PolicyType == Resource {
		return
	}
	for _, r := range n.Str {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			fixed := strings.Map(func(r rune) rune {
				if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, n.Str)
			var sug []string
			if fixed != "" {
				sug = []string{fixed}
			}
			v.at("UNSUPPORTED_SID", n, path, fmt.Sprintf("the Sid %q has the character %q: %s policies allow only A-Z, a-z and 0-9 in Sids", n.Str, r, v.opts.PolicyType), sug...)
			return
		}
	}
}

// characters reports keys and strings holding characters IAM policies
// cannot hold (the first one of each string).
func (v *validator) characters(n *policy.Node) {
	check := func(s string, start, end int, path string) {
		for _, r := range s {
			if !(r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xFF)) || r == utf8.RuneError {
				v.emit("UNSUPPORTED_CHARACTER", start, end, path, fmt.Sprintf("the character %U (%q) is not allowed in IAM policies: only tab, newline, carriage return and U+0020-U+00FF", r, r))
				return
			}
		}
	}
	var walk func(n *policy.Node, path string)
	walk = func(n *policy.Node, path string) {
		switch n.Kind {
		case policy.String:
			check(n.Str, n.Start, n.End, path)
		case policy.Array:
			for i, e := range n.Elems {
				walk(e, fmt.Sprintf("%s[%d]", path, i))
			}
		case policy.Object:
			for _, m := range n.Members {
				check(m.Key, m.KeyStart, m.KeyEnd, path+"."+m.Key)
				walk(m.Value, path+"."+m.Key)
			}
		}
	}
	if !asciiOnly(v.src) || bytes.Contains(v.src, []byte(`\u`)) {
		walk(n, "$")
	}
}

func asciiOnly(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
