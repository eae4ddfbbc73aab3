package simulate

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/leastpriv/policysentry/engine/diag"
)

// Set is every policy that applies to the requests of one principal.
type Set struct {
	// Identity are the principal's identity-based policies (inline,
	// attached managed, and its groups').
	Identity []*Policy
	// Resource is the resource-based policy (bucket policy, key policy,
	// trust policy, ...), or nil.
	Resource *Policy
	// Boundary is the principal's permissions boundary, or nil.
	Boundary *Policy
	// Session are the session policies passed when the session was
	// created (inline and managed); none means no session policy.
	Session []*Policy
	// SCPs are the service control policies of the principal's account,
	// one list per level of the organization (root, OUs, account): each
	// level must allow. None means the account is not in an organization.
	SCPs [][]*Policy
	// RCPs are the resource control policies of the resource's account,
	// one list per level, like SCPs; an empty level stands for
	// RCPFullAWSAccess alone (AWS attaches it everywhere and it cannot be
	// detached), which allows everything.
	RCPs [][]*Policy
	// ResourcePolicyRequired says the resource's service requires its
	// resource-based policy to allow even within the account (KMS key
	// policies, role trust policies).
	ResourcePolicyRequired bool
}

// slot is one policy with its place in the evaluation.
type slot struct {
	kind  Kind
	level int
	p     *Policy
}

func (s *Set) slots() []slot {
	out := make([]slot, 0, len(s.Identity)+len(s.Session)+len(s.SCPs)+len(s.RCPs)+2)
	add := func(k Kind, lvl int, ps ...*Policy) {
		for _, p := range ps {
			if p != nil {
				out = append(out, slot{k, lvl, p})
			}
		}
	}
	for i, l := range s.RCPs {
		add(KindRCP, i+1, l...)
	}
	for i, l := range s.SCPs {
		add(KindSCP, i+1, l...)
	}
	add(KindResource, 0, s.Resource)
	add(KindIdentity, 0, s.Identity...)
	add(KindBoundary, 0, s.Boundary)
	add(KindSession, 0, s.Session...)
	return out
}

// of returns the slots of one kind (they are contiguous in all).
func of(all []slot, k Kind) []slot {
	i := 0
	for i < len(all) && all[i].kind != k {
		i++
	}
	j := i
	for j < len(all) && all[j].kind == k {
		j++
	}
	return all[i:j:j]
}

// state is one evaluation in progress.
type state struct {
	x   *prepared
	ids []principalEntry
	// boundary: the principal has a permissions boundary (then a
	// resource-based Deny with NotPrincipal applies whatever it lists).
	boundary bool
}

// applies reports whether statement st applies to the request, and with
// which principal grant.
func (e *state) applies(st *statement, kind Kind) grant {
	if !st.matchAction(e.x.svc, e.x.act) || !st.matchResource(e.x.resource, e.x.keys) {
		return noGrant
	}
	g, _ := st.matchPrincipal(e.ids, kind == KindResource)
	if g == noGrant && st.deny && st.notPrinc && e.boundary && kind == KindResource {
		// AWS (access_policies_boundaries): "The NotPrincipal element with
		// a Deny effect will always deny any IAM principal that has a
		// permissions boundary policy attached, regardless of the values
		// specified in the NotPrincipal element."
		g = grantDirect
	}
	if g == noGrant || !st.matchConditions(e.x.keys) {
		return noGrant
	}
	return g
}

// firstAllow finds the first Allow statement of the policies that
// applies; for a resource-based policy, the first with the strongest
// grant over all its statements (the one that decides).
func (e *state) firstAllow(slots []slot) (*statement, slot, grant) {
	var first *statement
	var at slot
	best := noGrant
	for _, sl := range slots {
		for _, st := range sl.p.statements {
			if st.deny {
				continue
			}
			if g := e.applies(st, sl.kind); g > best {
				first, at, best = st, sl, g
				if sl.kind != KindResource || g == grantDirect {
					return first, at, best
				}
			}
		}
	}
	return first, at, best
}

// Evaluate decides one request with AWS's evaluation logic: an explicit
// Deny in any policy denies; then each level of RCPs and of SCPs must
// allow; then the resource-based and identity-based policies, limited by
// the permissions boundary and session policies, following AWS's
// same-account and cross-account rules; otherwise the request is
// implicitly denied.
func (s *Set) Evaluate(r *Request) *Result {
	x := prepare(r)
	e := &state{x: x, ids: x.p.identities(), boundary: s.Boundary != nil}
	res := &Result{Action: r.Action, Resource: x.resource, Principal: x.p.raw, CrossAccount: x.crossAcct, Derived: x.derivedKeys}
	all := s.slots()
	orgBound := x.p.kind != servicePrincipal && x.p.kind != anonymous

	// 1. Deny evaluation: any applicable Deny is final.
	for _, sl := range all {
		if sl.kind == KindSCP && !orgBound {
			continue
		}
		if !e.principalHas(sl.kind) {
			continue
		}
		for _, st := range sl.p.statements {
			if st.deny && e.applies(st, sl.kind) != noGrant {
				res.Deciding = append(res.Deciding, e.match(st, sl))
			}
		}
	}
	if len(res.Deciding) > 0 {
		res.Decision = ExplicitDeny
		m := res.Deciding[0]
		res.Reason = fmt.Sprintf("explicitly denied by %s %s (%s)", kindName(m.Kind, m.Level), m.Policy, m.Label())
		return res
	}
	deny := func(reason string, near []slot) *Result {
		res.Decision, res.Reason, res.Deciding = ImplicitDeny, reason, nil
		res.NearMiss = e.nearMiss(near)
		return res
	}
	allow := func(st *statement, sl slot) {
		if st != nil {
			res.Deciding = append(res.Deciding, e.match(st, sl))
		}
	}

	// 2. RCPs (resource's account), then 3. SCPs (principal's account):
	// every level must allow.
	for _, lv := range []struct {
		kind   Kind
		levels [][]*Policy
	}{{KindRCP, s.RCPs}, {KindSCP, s.SCPs}} {
		if lv.kind == KindSCP && !orgBound {
			continue
		}
		for i, l := range lv.levels {
			if len(l) == 0 && lv.kind == KindRCP {
				// RCPFullAWSAccess is attached to every level and cannot be
				// detached: a level without other RCPs allows everything.
				continue
			}
			var sls []slot
			for _, p := range l {
				sls = append(sls, slot{lv.kind, i + 1, p})
			}
			st, sl, _ := e.firstAllow(sls)
			if st == nil {
				return deny(fmt.Sprintf("no %s at organization level %d allows it (each level must allow)", kindName(lv.kind, 0), i+1), sls)
			}
			allow(st, sl)
		}
	}

	// 4. Resource-based policy, 5. identity-based policies, 6. boundary,
	// 7. session policies.
	rst, rsl, g := e.firstAllow(of(all, KindResource))
	root := x.p.kind == rootUser
	var ist *statement
	var isl slot
	idAllow := root
	if !root && e.principalHas(KindIdentity) {
		ist, isl, _ = e.firstAllow(of(all, KindIdentity))
		idAllow = ist != nil
	}
	var bst, sst *statement
	var bsl, ssl slot
	bOK, sOK := true, true
	if s.Boundary != nil && !root && e.principalHas(KindBoundary) {
		bst, bsl, _ = e.firstAllow(of(all, KindBoundary))
		bOK = bst != nil
	}
	if len(s.Session) > 0 && !root && e.principalHas(KindSession) {
		sst, ssl, _ = e.firstAllow(of(all, KindSession))
		sOK = sst != nil
	}
	identityPath := idAllow && bOK && sOK
	limits := func() {
		allow(bst, bsl)
		allow(sst, ssl)
	}
	resourceSlots := of(all, KindResource)
	identitySlots := append(append([]slot(nil), of(all, KindIdentity)...), resourceSlots...)
	idFail := func(prefix string) *Result {
		switch {
		case !idAllow:
			return deny(prefix+"no identity-based policy allows it", identitySlots)
		case !bOK:
			return deny(prefix+"the permissions boundary does not allow it", of(all, KindBoundary))
		}
		return deny(prefix+"no session policy allows it", of(all, KindSession))
	}

	switch {
	case !orgBound:
		// Service principals and anonymous callers have no identity
		// policies: only the resource-based policy can allow.
		if g == noGrant {
			return deny("only a resource-based policy can allow a "+principalTypes[x.p.kind]+" caller, and none allows it", resourceSlots)
		}
		allow(rst, rsl)
	case x.crossAcct:
		// AWS: for a cross-account request, the identity-based policies in
		// the trusted account and the resource-based policy in the trusting
		// account must both allow.
		if s.Resource == nil || g == noGrant {
			return deny(fmt.Sprintf("cross-account request (principal in %s, resource in %s): the resource-based policy must allow it and %s", x.p.account, x.resAccount, noneOr(s.Resource == nil, "there is none", "it does not")), resourceSlots)
		}
		if !identityPath {
			return idFail(fmt.Sprintf("cross-account request (principal in %s, resource in %s): ", x.p.account, x.resAccount))
		}
		allow(rst, rsl)
		allow(ist, isl)
		limits()
	default:
		if s.ResourcePolicyRequired && g == noGrant {
			return deny("the resource-based policy must allow this request and "+noneOr(s.Resource == nil, "there is none", "it does not"), resourceSlots)
		}
		// Same account: the resource-based policy's grant depends on the
		// principal it names.
		direct := false
		switch g {
		case grantDirect, grantService:
			direct = true
		case grantUser:
			direct = sOK
		case grantRole:
			direct = bOK && sOK
		}
		// An account grant (grantAccount) is never direct: it delegates to
		// the account's identity-based policies.
		switch {
		case direct:
			allow(rst, rsl)
			if g != grantDirect && g != grantService {
				limits()
			}
		case identityPath:
			if g != noGrant {
				allow(rst, rsl)
			}
			allow(ist, isl)
			limits()
		case g == grantRole || g == grantUser:
			if !bOK && g == grantRole {
				return deny(fmt.Sprintf("the resource-based policy allows the %s, which the permissions boundary limits, and the boundary does not allow it", g), of(all, KindBoundary))
			}
			return deny(fmt.Sprintf("the resource-based policy allows the %s, which session policies limit, and no session policy allows it", g), of(all, KindSession))
		default:
			return idFail("")
		}
	}
	res.Decision = Allowed
	res.Reason = allowReason(res.Deciding)
	if root && len(res.Deciding) == 0 {
		res.Reason = "allowed: the account root user needs no identity-based policy"
	}
	return res
}

// principalHas reports whether policies of this kind can apply to the
// caller: service principals and anonymous callers have no identity
// policies, boundaries or sessions.
func (e *state) principalHas(k Kind) bool {
	switch k {
	case KindIdentity, KindBoundary, KindSession:
		return e.x.p.kind != servicePrincipal && e.x.p.kind != anonymous
	}
	return true
}

func noneOr(none bool, a, b string) string {
	if none {
		return a
	}
	return b
}

func allowReason(ms []Match) string {
	if len(ms) == 0 {
		return "allowed"
	}
	s := "allowed by "
	for i, m := range ms {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %s (%s)", kindName(m.Kind, m.Level), m.Policy, m.Label())
	}
	return s
}

func kindName(k Kind, level int) string {
	var n string
	switch k {
	case KindIdentity:
		n = "identity-based policy"
	case KindResource:
		n = "resource-based policy"
	case KindBoundary:
		n = "permissions boundary"
	case KindSession:
		n = "session policy"
	case KindSCP:
		n = "SCP"
	case KindRCP:
		n = "RCP"
	}
	if level > 0 {
		n += fmt.Sprintf(" (level %d)", level)
	}
	return n
}

// match describes statement st for an answer, with its conditions.
func (e *state) match(st *statement, sl slot) Match {
	src := st.src
	m := Match{Kind: sl.kind, Level: sl.level, Policy: sl.p.Name, Sid: src.Sid, Index: src.Index, Effect: src.Effect,
		At: diag.Position{File: sl.p.File, Line: src.Line, Column: src.Column}}
	if st.principal != nil {
		_, m.Principal = st.matchPrincipal(e.ids, sl.kind == KindResource)
	}
	for _, c := range st.conds {
		ok, vals, present := c.eval(e.x.keys)
		m.Conditions = append(m.Conditions, ConditionResult{Operator: c.op.Text, Key: c.key, Values: c.resolved(e.x.keys),
			Present: present, RequestValues: vals, Matched: ok})
	}
	return m
}

// nearMiss finds the Allow statement among slots with the fewest
// differences from the request (first in order on ties).
func (e *state) nearMiss(slots []slot) *NearMiss {
	best := 1 << 30
	var bst *statement
	var bsl slot
	for _, sl := range slots {
		for _, st := range sl.p.statements {
			if st.deny {
				continue
			}
			if n := e.differs(st, sl.kind, best, nil); n > 0 && n < best {
				best, bst, bsl = n, st, sl
			}
		}
	}
	if bst == nil {
		return nil
	}
	var d []string
	e.differs(bst, bsl.kind, 1<<30, &d)
	return &NearMiss{Match: e.match(bst, bsl), Differs: d}
}

// differs counts what keeps statement st from applying, cheapest checks
// first, stopping once limit differences are found (the caller already
// has a statement that close); with list it also names them.
func (e *state) differs(st *statement, kind Kind, limit int, list *[]string) int {
	n := 0
	add := func(what string) bool {
		n++
		if list != nil {
			*list = append(*list, what)
		}
		return n >= limit
	}
	if !st.matchAction(e.x.svc, e.x.act) && add("action") {
		return n
	}
	if !st.matchResource(e.x.resource, e.x.keys) && add("resource") {
		return n
	}
	if g, _ := st.matchPrincipal(e.ids, kind == KindResource); g == noGrant && add("principal") {
		return n
	}
	for _, c := range st.conds {
		if ok, _, _ := c.eval(e.x.keys); !ok {
			what := "condition"
			if list != nil {
				what += " " + c.key
			}
			if add(what) {
				return n
			}
		}
	}
	return n
}

// EvaluateAll evaluates many requests, in parallel on every CPU for
// large batches; results are in request order.
func (s *Set) EvaluateAll(reqs []Request) []*Result {
	out := make([]*Result, len(reqs))
	workers := runtime.GOMAXPROCS(0)
	if len(reqs) < 256 || workers < 2 {
		for i := range reqs {
			out[i] = s.Evaluate(&reqs[i])
		}
		return out
	}
	var wg sync.WaitGroup
	chunk := (len(reqs) + workers - 1) / workers
	for lo := 0; lo < len(reqs); lo += chunk {
		hi := min(lo+chunk, len(reqs))
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				out[i] = s.Evaluate(&reqs[i])
			}
		}(lo, hi)
	}
	wg.Wait()
	return out
}
