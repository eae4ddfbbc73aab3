package policyfmt

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/leastpriv/policysentry/engine/writer"
)

// LookupLimit finds a quota by what users type: its name with hyphens or
// spaces, with or without "policy" ("managed", "managed-policy",
// "role-inline", "user inline policy"), any case, or a number of
// characters (at least MinSplitChars).
func LookupLimit(s string) (Limit, error) {
	key := func(n string) string {
		n = strings.ToLower(strings.Join(strings.FieldsFunc(n, func(r rune) bool { return r == '-' || r == '_' || unicode.IsSpace(r) }), " "))
		return strings.TrimSuffix(n, " policy")
	}
	for _, l := range Limits {
		if key(l.Name) == key(s) {
			return l, nil
		}
	}
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		if n < MinSplitChars {
			return Limit{}, fmt.Errorf("split quota %d: a quota must be at least %d characters", n, MinSplitChars)
		}
		return Limit{Name: fmt.Sprintf("%d-character quota", n), Chars: n}, nil
	}
	names := make([]string, len(Limits))
	for i, l := range Limits {
		names[i] = strings.ReplaceAll(key(l.Name), " ", "-") + fmt.Sprintf(" (%d)", l.Chars)
	}
	return Limit{}, fmt.Errorf("unknown split quota %q: use %s, or a number of characters", s, strings.Join(names, ", "))
}

// LimitKeys are the quota names LookupLimit reads, smallest quota first:
// "user-inline", "group-inline", "managed", "role-inline".
func LimitKeys() []string {
	out := make([]string, len(Limits))
	for i, l := range Limits {
		out[i] = strings.ReplaceAll(strings.TrimSuffix(l.Name, " policy"), " ", "-")
	}
	return out
}

// MinSplitChars is the smallest quota Split accepts: room for a policy
// with one short statement.
const MinSplitChars = 200

// SplitResult is a policy split to fit a quota.
type SplitResult struct {
	// Limit is the quota every part fits.
	Limit Limit
	// Parts are the policies, named policy-1, policy-2, ...; together
	// they grant exactly what the policy grants.
	Parts []Named
	// Sizes are the parts' sizes, as Size counts them.
	Sizes []int
	// Divided lists the Sids of statements too long for the quota on
	// their own, whose Action or Resource list was divided.
	Divided []string
	// Optimal is true when no fewer parts can hold the statements as
	// Split cut them (proven by search), false when the search ran out
	// of its budget and first-fit decreasing's answer was kept.
	Optimal bool
}

// Summary says what the split did in one line ("no split needed: ..."
// for one part), e.g. "split into 2 policies that each fit the group
// inline policy quota (5120 characters) and together grant exactly what
// the single policy grants: policy-1 4303, policy-2 1671 characters".
func (r *SplitResult) Summary() string {
	sizes := make([]string, len(r.Parts))
	for i, n := range r.Parts {
		sizes[i] = fmt.Sprintf("%s %d", n.Name, r.Sizes[i])
	}
	if len(r.Parts) == 1 {
		return fmt.Sprintf("no split needed: the policy fits the %s quota (%d characters) as policy-1 (%s characters)",
			r.Limit.Name, r.Limit.Chars, strings.TrimPrefix(sizes[0], "policy-1 "))
	}
	out := fmt.Sprintf("split into %d policies that each fit the %s quota (%d characters) and together grant exactly what the single policy grants: %s characters",
		len(r.Parts), r.Limit.Name, r.Limit.Chars, strings.Join(sizes, ", "))
	if len(r.Divided) > 0 {
		out += "; statements too long for one policy had their Action or Resource list divided: " + strings.Join(r.Divided, ", ")
	}
	return out
}

// splitSearchBudget bounds the exact bin-packing search (nodes visited,
// not time, so the result is the same on every machine).
const splitSearchBudget = 50000

// Split divides a policy into the fewest policies that each fit the
// quota, granting together exactly what it grants. Identity policies
// attached together are evaluated together (an explicit Deny in one
// applies to all), so any partition of the statements grants the same.
//
// Statements stay whole where they fit the quota alone; one that does
// not has its Action list (or its Resource list, whichever gives fewer
// pieces; both when one action with every resource is too long) cut into
// pieces that each keep the statement's other elements, which grants the
// same as the whole: a statement grants its actions × its resources.
// NotAction and NotResource lists are never cut (that would grant more).
// The statements are then packed into the fewest policies: first-fit
// decreasing, then an exact search for fewer within a fixed budget. Each
// part keeps its statements in the policy's order; parts are ordered by
// their first statement. The result is deterministic.
//
// The error says which statement cannot be made to fit.
func Split(p *writer.Policy, limit Limit) (*SplitResult, error) {
	overhead := sizeOf(&writer.Policy{Version: p.Version, Statement: []writer.Statement{}})
	capacity := limit.Chars - overhead + 1 // each statement costs its size and a comma
	if capacity <= 1 {
		return nil, fmt.Errorf("the %s quota (%d characters) cannot hold an empty policy (%d)", limit.Name, limit.Chars, overhead)
	}
	type item struct {
		s      writer.Statement
		weight int
		order  int
	}
	var items []item
	res := &SplitResult{Limit: limit}
	for i, s := range p.Statement {
		w := sizeOf(s) + 1
		if w <= capacity {
			items = append(items, item{s, w, i})
			continue
		}
		pieces, err := cutStatement(s, capacity)
		if err != nil {
			return nil, fmt.Errorf("statement %d (Sid %q): %w; the %s quota is %d characters", i+1, s.Sid, err, limit.Name, limit.Chars)
		}
		res.Divided = append(res.Divided, s.Sid)
		for _, x := range pieces {
			items = append(items, item{x, sizeOf(x) + 1, i})
		}
	}
	weights := make([]int, len(items))
	for i, it := range items {
		weights[i] = it.weight
	}
	bins, optimal := pack(weights, capacity)
	res.Optimal = optimal
	for _, b := range bins {
		slices.Sort(b) // items are in policy order: keep it within a part
	}
	// sort.Slice: the same algorithm and order as slices.SortFunc, with code that every element type shares (the web app links one copy instead of one per struct type).
	sort.Slice(bins, func(i, j int) bool { return bins[i][0] < bins[j][0] })
	if len(bins) == 0 {
		bins = [][]int{nil}
	}
	for i, b := range bins {
		q := &writer.Policy{Version: p.Version, Statement: []writer.Statement{}}
		for _, j := range b {
			q.Statement = append(q.Statement, items[j].s)
		}
		n := Size(q).Chars
		if n > limit.Chars {
			return nil, fmt.Errorf("internal error: part %d has %d characters, over the %s quota (%d)", i+1, n, limit.Name, limit.Chars)
		}
		res.Parts = append(res.Parts, Named{Name: fmt.Sprintf("policy-%d", i+1), Policy: q})
		res.Sizes = append(res.Sizes, n)
	}
	return res, nil
}

// sizeOf counts v's JSON without whitespace, as Size does.
func sizeOf(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	n := 0
	for _, r := range string(b) {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// cutStatement cuts a statement too long for capacity (a statement's
// size plus its comma) into pieces that fit, dividing its Action and
// Resource lists.
func cutStatement(s writer.Statement, capacity int) ([]writer.Statement, error) {
	fits := func(x writer.Statement) bool { return sizeOf(x)+1 <= capacity }
	with := func(actions, resources []string) writer.Statement {
		x := s
		if s.Action != nil {
			x.Action = actions
		}
		if s.Resource != nil {
			x.Resource = resources
		}
		return x
	}
	longest := func(l []string) []string {
		if len(l) == 0 {
			return l
		}
		best := l[0]
		for _, v := range l[1:] {
			if sizeOf(v) > sizeOf(best) {
				best = v
			}
		}
		return []string{best}
	}
	// Cut only the actions, or only the resources, when that can work;
	// take the one giving fewer pieces (actions on a tie).
	var best []writer.Statement
	if len(s.Action) > 1 && fits(with(longest(s.Action), s.Resource)) {
		best = cutList(s.Action, func(l []string) writer.Statement { return with(l, s.Resource) }, capacity)
	}
	if len(s.Resource) > 1 && fits(with(s.Action, longest(s.Resource))) {
		if r := cutList(s.Resource, func(l []string) writer.Statement { return with(s.Action, l) }, capacity); best == nil || len(r) < len(best) {
			best = r
		}
	}
	if best != nil {
		return best, nil
	}
	if len(s.Action) == 0 || len(s.Resource) == 0 {
		return nil, fmt.Errorf("it is %d characters and has no Action and Resource lists to divide (NotAction and NotResource cannot be divided without granting more)", sizeOf(s))
	}
	one := with(longest(s.Action), longest(s.Resource))
	if !fits(one) {
		return nil, fmt.Errorf("one action with one resource is already %d characters", sizeOf(one))
	}
	// Both: resources in groups that fit with the longest action, then
	// each group's actions cut to fit.
	var out []writer.Statement
	for _, g := range cutList(s.Resource, func(l []string) writer.Statement { return with(longest(s.Action), l) }, capacity) {
		out = append(out, cutList(s.Action, func(l []string) writer.Statement { return with(l, g.Resource) }, capacity)...)
	}
	return out, nil
}

// cutList cuts list into consecutive pieces, each as long as fits: build
// builds the statement of a piece. Every single item fits (the caller
// checked).
func cutList(list []string, build func([]string) writer.Statement, capacity int) []writer.Statement {
	var out []writer.Statement
	start := 0
	size := sizeOf(build([]string{})) + 1
	cur := size
	for i, v := range list {
		add := sizeOf(v)
		if i > start {
			add++ // the comma
		}
		if cur+add > capacity && i > start {
			out = append(out, build(slices.Clone(list[start:i])))
			start, cur = i, size+sizeOf(v)
			continue
		}
		cur += add
	}
	return append(out, build(slices.Clone(list[start:])))
}

// pack puts weights into the fewest bins of capacity: first-fit
// decreasing, then an exact search for fewer bins, within
// splitSearchBudget nodes. optimal is true when the count is proven the
// fewest. Every weight fits in a bin.
func pack(weights []int, capacity int) (bins [][]int, optimal bool) {
	order := make([]int, len(weights))
	total := 0
	for i := range order {
		order[i] = i
		total += weights[i]
	}
	sort.SliceStable(order, func(i, j int) bool { return weights[order[j]] < weights[order[i]] })
	var loads []int
	for _, i := range order {
		placed := false
		for b := range bins {
			if loads[b]+weights[i] <= capacity {
				bins[b] = append(bins[b], i)
				loads[b] += weights[i]
				placed = true
				break
			}
		}
		if !placed {
			bins = append(bins, []int{i})
			loads = append(loads, weights[i])
		}
	}
	lower := (total + capacity - 1) / capacity
	if len(bins) <= max(lower, 1) {
		return bins, true
	}
	budget := splitSearchBudget
	proven := true
	for k := lower; k < len(bins); k++ {
		assign, complete := exactPack(weights, order, capacity, k, &budget)
		if assign != nil {
			out := make([][]int, k)
			for _, i := range order {
				out[assign[i]] = append(out[assign[i]], i)
			}
			return out, proven
		}
		proven = proven && complete
		if budget <= 0 {
			break
		}
	}
	return bins, proven && budget > 0
}

// exactPack looks for an assignment of the items (in order, heaviest
// first) to k bins by depth-first search, skipping bins whose load equals
// one already tried for the same item. complete is false when the budget
// ran out before the search finished.
func exactPack(weights, order []int, capacity, k int, budget *int) (assign []int, complete bool) {
	loads := make([]int, k)
	a := make([]int, len(weights))
	var try func(pos int) bool
	try = func(pos int) bool {
		if pos == len(order) {
			return true
		}
		*budget--
		if *budget <= 0 {
			return false
		}
		i := order[pos]
		var tried []int
		for b := 0; b < k; b++ {
			if loads[b]+weights[i] > capacity || slices.Contains(tried, loads[b]) {
				continue
			}
			tried = append(tried, loads[b])
			loads[b] += weights[i]
			a[i] = b
			if try(pos + 1) {
				return true
			}
			loads[b] -= weights[i]
			if loads[b] == 0 {
				break // every empty bin is the same
			}
		}
		return false
	}
	if try(0) {
		return a, true
	}
	return nil, *budget > 0
}
