package workbench

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
	"github.com/leastpriv/policysentry/engine/simulate"
)

// CodeInvalidSimulation is the Code of a problem in a simulation's
// requests or its JSON body (not in one of its policies).
const CodeInvalidSimulation = "INVALID_SIMULATION_INPUT"

// SimulateInput is a simulation from files: the policy files of each
// kind, and the requests.
type SimulateInput struct {
	// Identity are identity-based policy files; each may hold several
	// documents (anything policy.Load reads).
	Identity []Input
	// Resource and Boundary are one policy document each, or nil.
	Resource, Boundary *Input
	// Session are session policy files.
	Session []Input
	// SCPs and RCPs: the files of each organization level, root first.
	SCPs, RCPs [][]Input
	// ResourcePolicyRequired: see simulate.Set.
	ResourcePolicyRequired bool
	// AuthDetails and Principal: the user or role named Principal in
	// get-account-authorization-details output brings its policies, its
	// groups', its boundary (unless Boundary is given) and its tags; its
	// ARN is the principal of requests without one.
	AuthDetails *Input
	Principal   string
	// Requests are the requests; actions with wildcards expand against
	// the dataset (see ExpandActions).
	Requests []simulate.Request
}

// SimulateResult is a simulation's answer.
type SimulateResult struct {
	// Output has one result per request (after wildcard expansion), in
	// order, and the counts.
	Output *simulate.Output
	// Diagnostics are the input's errors when nothing could be evaluated.
	Diagnostics diag.List
}

// Simulate evaluates the requests against the policy files. When an input
// cannot be read the error is a diag.List at the problem; a request whose
// action matches nothing in the dataset is a CodeInvalidSimulation error.
func Simulate(db *iamdb.DB, in SimulateInput) (*SimulateResult, error) {
	fail := func(err error) (*SimulateResult, error) {
		var l diag.List
		if errors.As(err, &l) {
			return &SimulateResult{Diagnostics: l}, l
		}
		return &SimulateResult{}, err
	}
	set := &simulate.Set{ResourcePolicyRequired: in.ResourcePolicyRequired}
	var err error
	for _, f := range in.Identity {
		ps, err := loadPolicies(f)
		if err != nil {
			return fail(err)
		}
		set.Identity = append(set.Identity, ps...)
	}
	for _, f := range in.Session {
		ps, err := loadPolicies(f)
		if err != nil {
			return fail(err)
		}
		set.Session = append(set.Session, ps...)
	}
	if set.Resource, err = loadOne(in.Resource); err != nil {
		return fail(err)
	}
	if set.Boundary, err = loadOne(in.Boundary); err != nil {
		return fail(err)
	}
	levels := func(files [][]Input) ([][]*simulate.Policy, error) {
		var out [][]*simulate.Policy
		for _, l := range files {
			var lv []*simulate.Policy
			for _, f := range l {
				ps, err := loadPolicies(f)
				if err != nil {
					return nil, err
				}
				lv = append(lv, ps...)
			}
			out = append(out, lv)
		}
		return out, nil
	}
	if set.SCPs, err = levels(in.SCPs); err != nil {
		return fail(err)
	}
	if set.RCPs, err = levels(in.RCPs); err != nil {
		return fail(err)
	}
	reqs := append([]simulate.Request(nil), in.Requests...)
	if in.AuthDetails != nil {
		who, err := simulate.LoadPrincipal(in.AuthDetails.Data, in.AuthDetails.Name, in.Principal)
		if err != nil {
			return fail(err)
		}
		set.Identity = append(who.Identity, set.Identity...)
		if set.Boundary == nil {
			set.Boundary = who.Boundary
		}
		for i := range reqs {
			if reqs[i].PrincipalARN == "" {
				reqs[i].PrincipalARN = who.PrincipalARN()
			}
			reqs[i].Context = who.Context(reqs[i].Context)
		}
	}
	if reqs, err = ExpandRequests(db, reqs, ""); err != nil {
		return fail(err)
	}
	for i := range reqs {
		if reqs[i].PrincipalARN == "" {
			reqs[i].PrincipalARN = DefaultPrincipal(&reqs[i])
		}
	}
	out := &simulate.Output{}
	for _, r := range set.EvaluateAll(reqs) {
		out.Add(r)
	}
	return &SimulateResult{Output: out}, nil
}

// SimulateJSON evaluates a simulation given as JSON (simulate.Input: the
// policies, as documents or as policy text, and the requests), as the
// API and the web app receive it; name names the body in diagnostics.
// Policies are named after their place ("identity[0]", "scps[1][0]"),
// and their diagnostics point into their own text.
func SimulateJSON(db *iamdb.DB, src []byte, name string) (*SimulateResult, error) {
	fail := func(err error) (*SimulateResult, error) {
		l := asList(name, err)
		return &SimulateResult{Diagnostics: l}, l
	}
	in, err := simulate.ParseInput(src)
	if err != nil {
		var ie *simulate.InputError
		if errors.As(err, &ie) {
			d := diag.Errorf(diag.Position{File: name, Line: ie.Line, Column: ie.Column}, "%s", ie.Msg)
			d.Code = CodeInvalidSimulation
			return fail(diag.List{d})
		}
		return fail(err)
	}
	if in.Requests, err = ExpandRequests(db, in.Requests, name); err != nil {
		return fail(err)
	}
	for i := range in.Requests {
		if in.Requests[i].PrincipalARN == "" {
			in.Requests[i].PrincipalARN = DefaultPrincipal(&in.Requests[i])
		}
	}
	out, err := simulate.Run(in)
	if err != nil {
		return fail(err)
	}
	return &SimulateResult{Output: out}, nil
}

// loadPolicies reads and compiles every policy document of a file.
func loadPolicies(f Input) ([]*simulate.Policy, error) {
	docs, err := policy.Load(f.Data, f.Name)
	if err != nil {
		return nil, err
	}
	out := make([]*simulate.Policy, 0, len(docs))
	for _, d := range docs {
		p, err := simulate.Compile(d)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// loadOne reads a file that must hold one policy document.
func loadOne(f *Input) (*simulate.Policy, error) {
	if f == nil {
		return nil, nil
	}
	ps, err := loadPolicies(*f)
	if err != nil {
		return nil, err
	}
	if len(ps) != 1 {
		return nil, diag.List{diag.Errorf(diag.Position{File: f.Name}, "expected one policy document, found %d", len(ps))}
	}
	return ps[0], nil
}

// DefaultPrincipal is the caller of a request that names none: an IAM
// user in the resource's account (from resource_account or the ARN, else
// 123456789012).
func DefaultPrincipal(r *simulate.Request) string {
	acct := r.ResourceAccount
	if acct == "" {
		if p := strings.SplitN(r.Resource, ":", 6); len(p) == 6 {
			acct = p[4]
		}
	}
	if acct == "" {
		acct = "123456789012"
	}
	return "arn:aws:iam::" + acct + ":user/simulated"
}

// ExpandActions turns action patterns into actions: a pattern with * or
// ? becomes every matching action of the dataset (an error when none
// does); an exact name takes the dataset's spelling when it is known and
// stays as written otherwise.
func ExpandActions(db *iamdb.DB, patterns []string) ([]string, error) {
	var out []string
	for _, a := range patterns {
		if !strings.Contains(a, ":") && a != "*" {
			return nil, fmt.Errorf("action %q: expected service:Action", a)
		}
		if !strings.ContainsAny(a, "*?") {
			if act := db.Action(a); act != nil {
				a = act.FullName()
			}
			out = append(out, a)
			continue
		}
		acts := db.Expand(a)
		if len(acts) == 0 {
			return nil, fmt.Errorf("action %q matches no action in the dataset", a)
		}
		for _, act := range acts {
			out = append(out, act.FullName())
		}
	}
	return out, nil
}

// ExpandRequests replaces each request whose action has a wildcard with
// one request per matching action; name names the input in diagnostics.
func ExpandRequests(db *iamdb.DB, reqs []simulate.Request, name string) ([]simulate.Request, error) {
	out := make([]simulate.Request, 0, len(reqs))
	for i, r := range reqs {
		if !strings.ContainsAny(r.Action, "*?") {
			out = append(out, r)
			continue
		}
		acts, err := ExpandActions(db, []string{r.Action})
		if err != nil {
			d := diag.Errorf(diag.Position{File: name}, "%v", err)
			d.Code, d.Path = CodeInvalidSimulation, fmt.Sprintf("$.requests[%d].action", i)
			return nil, diag.List{d}
		}
		for _, a := range acts {
			c := r
			c.Action = a
			out = append(out, c)
		}
	}
	return out, nil
}

// ParseContext reads key=value pairs into a request context. Each value
// is checked against the key's type: a global key's (engine/condition),
// a service key's from the dataset, String when unknown; the values of
// multivalued (ArrayOf...) keys are comma-separated, and a key given
// twice collects both values.
func ParseContext(db *iamdb.DB, pairs []string) (simulate.Context, error) {
	ctx := simulate.Context{}
	for _, kv := range pairs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%q: expected key=value", kv)
		}
		kt := KeyType(db, k)
		vals := []string{v}
		if kt.MultiValued {
			vals = []string{}
			if v != "" {
				vals = strings.Split(v, ",")
			}
		}
		for _, x := range vals {
			if err := condition.CheckValue(kt.Type, x); err != nil {
				return nil, fmt.Errorf("%s: %v (the key's type is %s)", k, err, kt)
			}
		}
		ctx[k] = append(ctx[k], vals...)
	}
	return ctx, nil
}

// KeyType is a condition key's type: a global key's, or the dataset's for
// a service key (with a tag-style suffix, "s3:RequestObjectTag/team",
// the type of "s3:RequestObjectTag/${TagKey}"); String when unknown.
func KeyType(db *iamdb.DB, key string) condition.KeyType {
	if g := condition.LookupGlobal(key); g != nil {
		return g.Type
	}
	if svc, _, ok := strings.Cut(key, ":"); ok && db != nil {
		if s := db.Service(strings.ToLower(svc)); s != nil {
			if c := s.Condition(key); c != nil {
				return condition.ParseKeyType(c.Type)
			}
			if i := strings.IndexByte(key, '/'); i > 0 {
				prefix := strings.ToLower(key[:i+1])
				for _, c := range s.Conditions {
					if strings.HasPrefix(strings.ToLower(c.Name), prefix) {
						return condition.ParseKeyType(c.Type)
					}
				}
			}
		}
	}
	return condition.KeyType{Type: condition.String}
}

// ContextKeys lists the condition keys a request for action on resource
// could carry, for pickers: the action's keys from the dataset (with a
// resource ARN, only those of the resource types it matches and the
// action-wide ones; with "" or "*", all of the action's) and the global
// keys, sorted, each with its type.
func ContextKeys(db *iamdb.DB, action, resource string) []ContextKey {
	seen := map[string]bool{}
	var out []ContextKey
	add := func(k ContextKey) {
		if !seen[strings.ToLower(k.Name)] {
			seen[strings.ToLower(k.Name)] = true
			out = append(out, k)
		}
	}
	if a := db.Action(action); a != nil {
		var types map[*iamdb.Resource]bool
		if resource != "" && resource != "*" {
			types = map[*iamdb.Resource]bool{}
			for _, r := range db.MatchARN(resource) {
				types[r] = true
			}
		}
		for _, r := range a.Resources {
			if types != nil && r.Name != "" && !types[r.Resource] {
				continue
			}
			for _, k := range r.ConditionKeys {
				add(ContextKey{Name: k, Type: KeyType(db, k).String()})
			}
		}
	}
	for _, g := range condition.GlobalKeys() {
		add(ContextKey{Name: g.Name, Type: g.Type.String(), Global: true})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ContextKey is a condition key offered for a request.
type ContextKey struct {
	Name string `json:"name"`
	// Type is AWS's type name ("String", "ArrayOfString", "IPAddress", ...).
	Type   string `json:"type"`
	Global bool   `json:"global,omitempty"`
}
