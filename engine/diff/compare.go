package diff

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
)

// Kind says how sure a change is.
type Kind string

// Kinds of change.
const (
	// NewAccess: NEW grants it and OLD did not, whatever the request's
	// context.
	NewAccess Kind = "new-access"
	// MayGrantNewAccess: NEW grants it under conditions OLD did not
	// accept (a condition removed or loosened, a conditional Deny gone).
	MayGrantNewAccess Kind = "may-grant-new-access"
	// RemovedAccess: OLD granted it and NEW does not.
	RemovedAccess Kind = "removed-access"
)

// Reason codes, one per kind of change.
const (
	ReasonNewAction        = "NEW_ACTION"
	ReasonWiderResource    = "WIDER_RESOURCE"
	ReasonNewPrincipal     = "NEW_PRINCIPAL"
	ReasonConditionRemoved = "CONDITION_REMOVED_OR_LOOSENED"
	ReasonDenyRemoved      = "DENY_REMOVED_OR_NARROWED"

	// The reasons of removed access (OLD grants it, NEW does not), each
	// the counterpart of one above.
	ReasonRemovedAction      = "REMOVED_ACTION"
	ReasonNarrowerResource   = "NARROWER_RESOURCE"
	ReasonRemovedPrincipal   = "REMOVED_PRINCIPAL"
	ReasonConditionAdded     = "CONDITION_ADDED_OR_TIGHTENED"
	ReasonDenyAddedOrWidened = "DENY_ADDED_OR_WIDENED"
)

// Change is one group of actions that a statement grants differently.
type Change struct {
	Kind Kind `json:"kind"`
	// Reason is one of the Reason* codes.
	Reason string `json:"reason"`
	// Detail explains the reason in one sentence.
	Detail string `json:"detail"`
	// Actions are the actions concerned, in the dataset's spelling, sorted.
	Actions []string `json:"actions"`
	// Resource is the resource pattern ("NotResource: ..." for a
	// NotResource statement).
	Resource string `json:"resource"`
	// Principal is set for resource and trust policies.
	Principal string `json:"principal,omitempty"`
	// Condition is the responsible statement's condition, canonical.
	Condition string `json:"condition,omitempty"`
	// Statement is the statement responsible (in NEW for new access, in
	// OLD for removed access).
	Statement StatementRef `json:"statement"`
	// Related are the statements of the other side the change is
	// measured against (the OLD grant that was narrower, the removed Deny).
	Related []StatementRef `json:"related,omitempty"`
}

// Result is the comparison of two policy sets.
type Result struct {
	// New is the access NEW grants that OLD did not (NewAccess and
	// MayGrantNewAccess changes).
	New []Change `json:"newAccess"`
	// Removed is the access OLD granted that NEW does not.
	Removed []Change `json:"removedAccess"`
}

// GrantsNewAccess reports whether NEW may grant anything OLD did not.
func (r *Result) GrantsNewAccess() bool { return len(r.New) > 0 }

// Compare reduces both policy sets to grants and returns what NEW grants
// that OLD did not, and what it no longer grants.
func Compare(db *iamdb.DB, old, new []*policy.Document) (*Result, error) {
	sp := newSpace(db)
	var ids int
	og, err := build(sp, old, &ids)
	if err != nil {
		return nil, fmt.Errorf("old: %w", err)
	}
	ng, err := build(sp, new, &ids)
	if err != nil {
		return nil, fmt.Errorf("new: %w", err)
	}
	og.finish(sp)
	ng.finish(sp)
	eff := newEffective(sp)
	cls := classes(sp, og, ng)
	res := &Result{New: newAccess(cls, 0, 1, eff, false)}
	res.Removed = newAccess(cls, 1, 0, eff, true)
	return res, nil
}

// groupKey groups actions with the same change from the same statement.
type groupKey struct {
	kind                                 Kind
	reason, detail, res, princ, cond, st string
}

type grouper struct {
	order []groupKey
	m     map[groupKey]*Change
}

func (g *grouper) add(k groupKey, action string, c Change) {
	if g.m == nil {
		g.m = map[groupKey]*Change{}
	}
	if e := g.m[k]; e != nil {
		e.Actions = append(e.Actions, action)
		for _, r := range c.Related {
			if !slices.Contains(e.Related, r) {
				e.Related = append(e.Related, r)
			}
		}
		return
	}
	c.Actions = []string{action}
	g.m[k] = &c
	g.order = append(g.order, k)
}

func (g *grouper) changes() []Change {
	out := make([]Change, 0, len(g.order))
	for _, k := range g.order {
		c := *g.m[k]
		slices.Sort(c.Actions)
		rel := c.Related
		// sort.Slice: the same algorithm and order as slices.SortFunc, with code that every element type shares (the web app links one copy instead of one per struct type).
		sort.Slice(rel, func(i, j int) bool { return compareRef(rel[i], rel[j]) < 0 })
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return cmp.Or(compareRef(a.Statement, b.Statement), strings.Compare(a.Resource, b.Resource),
			strings.Compare(a.Principal, b.Principal), strings.Compare(string(a.Kind), string(b.Kind)),
			strings.Compare(a.Reason, b.Reason), strings.Compare(a.Detail, b.Detail)) < 0
	})
	return out
}

func compareRef(a, b StatementRef) int {
	return cmp.Or(strings.Compare(a.Policy, b.Policy), cmp.Compare(a.Index, b.Index), strings.Compare(a.Label, b.Label))
}

// newAccess lists what set to grants that set from does not, class by
// class. With removed set, the result is phrased as access removed (to is
// OLD).
func newAccess(cls []*class, from, to int, eff *effective, removed bool) []Change {
	var g grouper
	for _, cl := range cls {
		a := cl.members[0]
		s := sides{fromAllow: cl.allow[from], fromDeny: cl.deny[from], toDeny: cl.deny[to]}
		for _, ng := range cl.allow[to] {
			for _, u := range units(ng) {
				if !u.not && !eff.appliesUnit(a, u) {
					continue
				}
				kind, reason, detail, related := eff.judge(s, ng, u)
				if kind == "" {
					continue
				}
				if removed {
					kind = RemovedAccess
					reason, detail = removedReason(reason)
				}
				c := Change{Kind: kind, Reason: reason, Detail: detail, Resource: u.resourceText(), Principal: u.principal,
					Condition: conditionText(ng.conds), Statement: *ng.stmt, Related: related}
				k := groupKey{kind, reason, detail, c.Resource, c.Principal, c.Condition, ng.stmt.String()}
				for _, m := range cl.members {
					g.add(k, eff.sp.full(m), c)
				}
			}
		}
	}
	return g.changes()
}

// sides are one class's grants that a judgement compares against.
type sides struct {
	fromAllow, fromDeny, toDeny []*grant
}

// removedReason turns the reason a grant of OLD is new against NEW (the
// comparison run the other way round) into the reason of removed access
// and its sentence.
func removedReason(reason string) (string, string) {
	switch reason {
	case ReasonNewAction:
		return ReasonRemovedAction, "NEW no longer grants the action"
	case ReasonWiderResource:
		return ReasonNarrowerResource, "NEW grants the action on fewer resources"
	case ReasonNewPrincipal:
		return ReasonRemovedPrincipal, "NEW no longer grants it to this principal"
	case ReasonConditionRemoved:
		return ReasonConditionAdded, "NEW grants it only under a condition OLD did not require"
	case ReasonDenyRemoved:
		return ReasonDenyAddedOrWidened, "NEW adds or widens a Deny"
	}
	return reason, reason
}

// unit is one resource pattern (or a NotResource list) for one principal
// of a grant: the smallest piece whose coverage is decided.
type unit struct {
	not       bool
	pattern   string   // when !not
	pid       int      // pattern's interned ID, when !not
	notList   []string // when not
	principal string   // "" in identity policies
}

func (u unit) resourceText() string {
	if u.not {
		return "NotResource: " + strings.Join(u.notList, ", ")
	}
	return u.pattern
}

func units(g *grant) []unit {
	if g.units != nil {
		return g.units
	}
	g.units = makeUnits(g)
	return g.units
}

func makeUnits(g *grant) []unit {
	princs := g.principals
	if princs == nil {
		princs = []string{""}
	}
	var out []unit
	for _, p := range princs {
		if g.not {
			out = append(out, unit{not: true, notList: g.patterns, principal: p})
			continue
		}
		for k, r := range g.patterns {
			out = append(out, unit{pattern: r, pid: g.pids[k], principal: p})
		}
	}
	return out
}

// resourceCovered reports whether grant og's resources include unit u's.
func (m *matcher) resourceCovered(og *grant, u unit) bool {
	switch {
	case !og.not && !u.not:
		return slices.ContainsFunc(og.patterns, func(p string) bool { return m.covers(p, u.pattern) })
	case !og.not && u.not:
		return slices.Contains(og.patterns, "*")
	case og.not && !u.not:
		// Everything but og.patterns includes u.pattern when the pattern
		// cannot match any excluded ARN.
		return !slices.ContainsFunc(og.patterns, func(p string) bool { return m.overlaps(p, u.pattern) })
	default:
		// Everything but A includes everything but B when A ⊆ B.
		for _, a := range og.patterns {
			if !slices.ContainsFunc(u.notList, func(b string) bool { return m.covers(b, a) }) {
				return false
			}
		}
		return true
	}
}

func (m *matcher) principalOK(og *grant, u unit) bool {
	if u.principal == "" {
		return og.principals == nil
	}
	return slices.ContainsFunc(og.principals, func(p string) bool { return principalCovers(p, u.principal) })
}

// judge decides whether unit u of grant ng (in to) is new relative to
// from, and why. It returns an empty kind when from already grants it.
func (m *matcher) judge(s sides, ng *grant, u unit) (Kind, string, string, []StatementRef) {
	olds := s.fromAllow
	var resOnly, resPrinc []*grant
	for _, og := range olds {
		if !m.resourceCovered(og, u) {
			continue
		}
		resOnly = append(resOnly, og)
		if !m.principalOK(og, u) {
			continue
		}
		resPrinc = append(resPrinc, og)
		if len(looserBy(og.conds, ng.conds)) == 0 {
			// Covered by an allow; now check OLD's denies.
			return m.judgeDenies(s, ng, u)
		}
	}
	switch {
	case len(olds) == 0:
		return NewAccess, ReasonNewAction, "the action was not granted before", nil
	case len(resPrinc) > 0:
		lost := looserBy(resPrinc[0].conds, ng.conds)
		return MayGrantNewAccess, ReasonConditionRemoved,
			fmt.Sprintf("OLD granted it only with condition %s, which NEW does not require", conditionText(lost)), refs(resPrinc)
	case len(resOnly) > 0:
		return NewAccess, ReasonNewPrincipal, "OLD did not grant it to this principal", refs(resOnly)
	default:
		return NewAccess, ReasonWiderResource, "the resource matches ARNs that OLD's resources for the action do not: " + resourcesText(olds), refs(olds)
	}
}

// judgeDenies reports access that an OLD Deny blocked and that no NEW Deny
// blocks any more.
func (m *matcher) judgeDenies(s sides, ng *grant, u unit) (Kind, string, string, []StatementRef) {
	for _, od := range s.fromDeny {
		if !m.denyTouches(od, u) {
			continue
		}
		if slices.ContainsFunc(s.toDeny, func(nd *grant) bool { return m.denyCovers(nd, od) }) {
			continue
		}
		kind := NewAccess
		if len(od.conds) > 0 || len(ng.conds) > 0 {
			kind = MayGrantNewAccess
		}
		return kind, ReasonDenyRemoved, "OLD denied it with " + od.stmt.Label + ", and NEW has no Deny as broad", []StatementRef{*od.stmt}
	}
	return "", "", "", nil
}

// denyTouches reports whether Deny d may apply to unit u.
func (m *matcher) denyTouches(d *grant, u unit) bool {
	if u.principal != "" && d.principals != nil &&
		!slices.ContainsFunc(d.principals, func(p string) bool { return principalCovers(p, u.principal) || principalCovers(u.principal, p) }) {
		return false
	}
	if d.not || u.not {
		return true
	}
	return slices.ContainsFunc(d.patterns, func(p string) bool { return m.overlaps(p, u.pattern) })
}

// denyCovers reports whether Deny nd blocks at least what Deny od blocked:
// resources and principals at least as wide, conditions no stricter.
func (m *matcher) denyCovers(nd, od *grant) bool {
	if nd.not != od.not {
		if !nd.not && slices.Contains(nd.patterns, "*") {
			// Resource "*" covers any NotResource.
		} else {
			return false
		}
	} else if nd.not {
		// Everything but N includes everything but O when N ⊆ O.
		for _, n := range nd.patterns {
			if !slices.ContainsFunc(od.patterns, func(o string) bool { return m.covers(o, n) }) {
				return false
			}
		}
	} else {
		for _, o := range od.patterns {
			if !slices.ContainsFunc(nd.patterns, func(n string) bool { return m.covers(n, o) }) {
				return false
			}
		}
	}
	if od.principals != nil || nd.principals != nil {
		if !principalsCovered(nd.principals, od.principals) {
			return false
		}
	}
	return len(looserBy(nd.conds, od.conds)) == 0
}

func refs(gs []*grant) []StatementRef {
	var out []StatementRef
	for _, g := range gs {
		if !slices.Contains(out, *g.stmt) {
			out = append(out, *g.stmt)
		}
	}
	return out
}

func resourcesText(gs []*grant) string {
	var parts []string
	for _, g := range gs {
		t := strings.Join(g.patterns, ", ")
		if g.not {
			t = "NotResource " + t
		}
		if !slices.Contains(parts, t) {
			parts = append(parts, t)
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, "; ")
}
