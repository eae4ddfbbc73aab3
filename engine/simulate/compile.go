package simulate

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/internal/arn"
	"github.com/leastpriv/policysentry/engine/policy"
)

// Policy is a policy document compiled for evaluation. Compile it once
// and evaluate many requests against it; it is safe for concurrent use.
type Policy struct {
	// Name identifies the policy in answers (file name, policy name).
	Name string
	// File is the input the statement positions point into (Name unless
	// the policy came from a larger file, e.g. an authorization-details
	// dump).
	File string
	// Doc is the parsed document.
	Doc        *policy.Document
	statements []*statement
}

// statement is a compiled policy statement.
type statement struct {
	src  *policy.Statement
	deny bool
	// actions: lower-cased (service, action) patterns; notAction negates.
	notAction bool
	actions   []actionPattern
	// resources: nil with anyResource when the statement has no Resource
	// element (trust and resource policies, where it is implied).
	anyResource bool
	notResource bool
	resources   []resourcePattern
	principal   *principalSet
	notPrinc    bool
	conds       []*cond
}

type actionPattern struct {
	svc, act string
	all      bool
	// svcWild: the service part has a wildcard (else compare it as is).
	svcWild bool
}

type resourcePattern struct {
	text string
	tmpl *template
}

// The codes of Compile's diagnostics.
const (
	// CodeInvalidAction: an Action entry that is not service:Action.
	CodeInvalidAction = "INVALID_ACTION"
	// CodeInvalidPrincipal: a Principal or NotPrincipal of the wrong shape.
	CodeInvalidPrincipal = "INVALID_PRINCIPAL"
	// CodeInvalidCondition: an unknown condition operator, or a value
	// that does not have its operator's type.
	CodeInvalidCondition = "INVALID_CONDITION"
)

// compileError is one problem of a statement, before it gets its place.
type compileError struct {
	code, element, msg string
	suggestions        []string
}

func (e *compileError) Error() string { return e.element + ": " + e.msg }

// Compile compiles a parsed policy document. Policy variables are
// substituted only in Version 2012-10-17 documents; in 2008-10-17 or
// without a Version they are literal text, as in AWS. A statement the
// simulator cannot evaluate is an error: a diag.List of one Error at the
// statement, with the JSON path of the element.
func Compile(doc *policy.Document) (*Policy, error) {
	p := &Policy{Name: doc.Name, File: doc.Name, Doc: doc}
	vars := doc.Version == "2012-10-17"
	for i := range doc.Statement {
		s := &doc.Statement[i]
		st, err := compileStatement(s, vars)
		if err != nil {
			ce := err.(*compileError)
			return nil, diag.List{{Severity: diag.Error, Code: ce.code, Message: ce.msg, Suggestions: ce.suggestions,
				Path:  fmt.Sprintf("$.Statement[%d].%s", s.Index, ce.element),
				Start: diag.Position{File: doc.Name, Line: s.Line, Column: s.Column}}}
		}
		p.statements = append(p.statements, st)
	}
	return p, nil
}

func compileStatement(s *policy.Statement, vars bool) (*statement, error) {
	st := &statement{src: s, deny: s.Effect == "Deny"}
	acts := s.Action
	if s.NotAction != nil {
		st.notAction, acts = true, s.NotAction
	}
	for _, a := range acts {
		la := strings.ToLower(a)
		if la == "*" {
			st.actions = append(st.actions, actionPattern{all: true})
			continue
		}
		svc, act, ok := strings.Cut(la, ":")
		if !ok {
			elem := "Action"
			if st.notAction {
				elem = "NotAction"
			}
			return nil, &compileError{code: CodeInvalidAction, element: elem, msg: fmt.Sprintf("%q: expected service:Action", a)}
		}
		st.actions = append(st.actions, actionPattern{svc: svc, act: act, svcWild: strings.ContainsAny(svc, "*?")})
	}
	res := s.Resource
	switch {
	case s.NotResource != nil:
		st.notResource, res = true, s.NotResource
	case s.Resource == nil:
		st.anyResource = true
	}
	for _, r := range res {
		// API Gateway's short form in an API's resource policy
		// ("execute-api:/prod/GET/pets") is that path of the API.
		r = arn.ExpandAPIShortForm(r)
		rp := resourcePattern{text: r}
		if vars {
			rp.tmpl = parseTemplate(r)
		}
		st.resources = append(st.resources, rp)
	}
	var err error
	switch {
	case len(s.NotPrinc) > 0:
		st.notPrinc = true
		if st.principal, err = compilePrincipal(s.NotPrinc); err != nil {
			return nil, &compileError{code: CodeInvalidPrincipal, element: "NotPrincipal", msg: err.Error()}
		}
	case len(s.Principal) > 0:
		if st.principal, err = compilePrincipal(s.Principal); err != nil {
			return nil, &compileError{code: CodeInvalidPrincipal, element: "Principal", msg: err.Error()}
		}
	}
	if s.HasCondition() {
		if st.conds, err = compileConditions(s.Condition, vars); err != nil {
			ce := &compileError{code: CodeInvalidCondition, element: "Condition", msg: err.Error()}
			var pe *condError
			if errors.As(err, &pe) {
				ce.element += pe.path
			}
			var oe *condition.OperatorError
			if errors.As(err, &oe) {
				ce.suggestions = oe.Suggestions
			}
			return nil, ce
		}
	}
	return st, nil
}

// matchAction reports whether the statement's Action (or NotAction)
// covers the request's action. Action names are case-insensitive.
func (st *statement) matchAction(svc, act string) bool {
	in := false
	for i := range st.actions {
		a := &st.actions[i]
		if a.all || ((a.svc == svc || (a.svcWild && glob(a.svc, svc))) && glob(a.act, act)) {
			in = true
			break
		}
	}
	return in != st.notAction
}

// matchResource reports whether the statement's Resource (or
// NotResource) covers the request's resource. ARNs are case-sensitive.
func (st *statement) matchResource(res string, keys map[string][]string) bool {
	if st.anyResource {
		return true
	}
	in := false
	for i := range st.resources {
		r := &st.resources[i]
		if r.tmpl == nil {
			if resourceGlob(r.text, res) {
				in = true
				break
			}
			continue
		}
		if pat, resolved, ok := r.tmpl.expandSimple(keys); ok {
			if resolved && resourceGlob(pat, res) {
				in = true
				break
			}
			continue
		}
		for _, m := range r.tmpl.expand(keys) {
			if resourceGlobMasked(m, res) {
				in = true
				break
			}
		}
		if in {
			break
		}
	}
	return in != st.notResource
}

// matchPrincipal reports whether the statement applies to the caller and
// how (the grant, for resource-based policies). A statement without
// Principal or NotPrincipal applies to everyone; requirePrincipal (for
// resource-based policies) makes it apply to no one.
func (st *statement) matchPrincipal(ids []principalEntry, requirePrincipal bool) (grant, string) {
	switch {
	case st.principal == nil && requirePrincipal:
		return noGrant, ""
	case st.principal == nil:
		return grantDirect, ""
	case st.notPrinc:
		if st.principal.excludes(ids) {
			return noGrant, ""
		}
		return grantDirect, "NotPrincipal"
	}
	return st.principal.match(ids)
}

// matchConditions reports whether every condition holds.
func (st *statement) matchConditions(keys map[string][]string) bool {
	for _, c := range st.conds {
		if ok, _, _ := c.eval(keys); !ok {
			return false
		}
	}
	return true
}

// Cache keeps compiled policies by their source text, so that front ends
// re-reading the same files or request bodies compile each policy once.
type Cache struct {
	mu  sync.Mutex
	max int
	m   map[[sha256.Size]byte]*Policy
}

// NewCache returns a cache of at most max policies (when full it starts
// over).
func NewCache(max int) *Cache {
	return &Cache{max: max, m: map[[sha256.Size]byte]*Policy{}}
}

// DefaultCache is the process-wide cache Parse uses.
var DefaultCache = NewCache(1024)

// Parse parses and compiles one policy document (see policy.Parse),
// through the cache.
func (c *Cache) Parse(src []byte, name string) (*Policy, error) {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write(src)
	var key [sha256.Size]byte
	h.Sum(key[:0])
	c.mu.Lock()
	p := c.m[key]
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	doc, err := policy.Parse(src, name)
	if err != nil {
		return nil, err
	}
	if p, err = Compile(doc); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= c.max {
		c.m = map[[sha256.Size]byte]*Policy{}
	}
	c.m[key] = p
	c.mu.Unlock()
	return p, nil
}

// Parse parses and compiles a policy document through DefaultCache.
func Parse(src []byte, name string) (*Policy, error) { return DefaultCache.Parse(src, name) }
