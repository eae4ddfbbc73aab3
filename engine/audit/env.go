package audit

import (
	"math/bits"
	"sort"
	"strings"
	"sync"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// names is a dataset's actions in sorted order: each action's full name
// and rank, built once per dataset (datasets are immutable once loaded).
type names struct {
	of     map[*iamdb.Action]actionName
	byRank []*iamdb.Action
	// services holds lower-cased prefixes and action names, in dataset
	// order, for expanding wildcards without lower-casing every name at
	// every match.
	services []lowerService
	// svcRanges are each service's actions as a range of ranks (names
	// sorted by "prefix:Action" keep a service's actions together).
	svcRanges []svcRange
	// levelMasks are the actions at each access level; wildcardOnly the
	// actions without resource types.
	levelMasks   map[iamdb.AccessLevel]actionSet
	wildcardOnly actionSet
	any          actionSet // every action
	// svcOf is each rank's index in svcRanges; levelTotals the number of
	// actions per service and access level (index AccessLevel-1).
	svcOf       []int32
	levelTotals [][5]int32
}

// svcRange is one service's actions: ranks lo to hi-1.
type svcRange struct {
	prefix string
	lo, hi int
}

// count is the number of the range's actions in mask.
func (sr svcRange) count(mask actionSet) int { return mask.countIn(sr.lo, sr.hi) }

type lowerService struct {
	prefix  string
	svc     *iamdb.Service
	actions []string
}

type actionName struct {
	name string
	rank int
}

var namesByDB sync.Map // *iamdb.DB -> *names

func namesFor(db *iamdb.DB) *names {
	if n, ok := namesByDB.Load(db); ok {
		return n.(*names)
	}
	var all []*iamdb.Action
	for _, s := range db.Services {
		all = append(all, s.Actions()...)
	}
	full := make([]string, len(all))
	for i, a := range all {
		full[i] = a.FullName()
	}
	order := make([]int, len(all))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return full[order[i]] < full[order[j]] })
	n := &names{of: make(map[*iamdb.Action]actionName, len(all)), byRank: make([]*iamdb.Action, len(all))}
	for rank, i := range order {
		n.of[all[i]] = actionName{full[i], rank}
		n.byRank[rank] = all[i]
	}
	n.levelMasks = map[iamdb.AccessLevel]actionSet{}
	for _, l := range iamdb.AccessLevels {
		n.levelMasks[l] = newActionSet(len(all))
	}
	n.wildcardOnly = newActionSet(len(all))
	n.any = newActionSet(len(all))
	for i := range all {
		n.any.add(i)
	}
	for rank, a := range n.byRank {
		if m, ok := n.levelMasks[a.AccessLevel]; ok {
			m.add(rank)
		}
		if a.WildcardOnly() {
			n.wildcardOnly.add(rank)
		}
		if len(n.svcRanges) == 0 || n.byRank[n.svcRanges[len(n.svcRanges)-1].lo].Service != a.Service {
			n.svcRanges = append(n.svcRanges, svcRange{prefix: a.Service.Prefix, lo: rank, hi: rank + 1})
		} else {
			n.svcRanges[len(n.svcRanges)-1].hi = rank + 1
		}
	}
	n.svcOf = make([]int32, len(all))
	n.levelTotals = make([][5]int32, len(n.svcRanges))
	for si, sr := range n.svcRanges {
		for r := sr.lo; r < sr.hi; r++ {
			n.svcOf[r] = int32(si)
			if l := n.byRank[r].AccessLevel; l >= 1 && l <= 5 {
				n.levelTotals[si][l-1]++
			}
		}
	}
	for _, svc := range db.Services {
		ls := lowerService{prefix: strings.ToLower(svc.Prefix), svc: svc, actions: make([]string, len(svc.Actions()))}
		for i, a := range svc.Actions() {
			ls.actions[i] = strings.ToLower(a.Name)
		}
		n.services = append(n.services, ls)
	}
	v, _ := namesByDB.LoadOrStore(db, n)
	return v.(*names)
}

// env is the state shared by the documents of one Analyze call: the
// dataset, its sorted names, and the expansions of the action patterns
// seen so far (managed policies repeat the same patterns).
type env struct {
	db            *iamdb.DB
	names         *names
	expanded      map[string][]*iamdb.Action
	sorted        map[string][]*iamdb.Action
	sets          map[string]actionSet
	namedBy       map[*List]actionSet
	suggest       map[string][]string
	coverage      map[covKey]Coverage
	cover         coverer
	levelsOf      map[string][]LevelActions
	pool, scratch []actionSet
	methods       map[*List][]methodRanks
	entries       map[*List]map[int][]int
	ruleMask      map[*List]actionSet
	// wildcardOnly is names.wildcardOnly.
	wildcardOnly actionSet
	// interest maps the ranks of the actions the lists and paths name to
	// 0..len(interestRanks)-1, for the small per-policy risk sets.
	interest      map[int]int
	interestRanks []int
	interestMask  actionSet
}

func newEnv(db *iamdb.DB) *env {
	n := namesFor(db)
	return &env{db: db, names: n, expanded: map[string][]*iamdb.Action{}, sorted: map[string][]*iamdb.Action{},
		sets: map[string]actionSet{}, namedBy: map[*List]actionSet{}, suggest: map[string][]string{},
		coverage: map[covKey]Coverage{}, levelsOf: map[string][]LevelActions{}, wildcardOnly: n.wildcardOnly,
		methods: map[*List][]methodRanks{}, entries: map[*List]map[int][]int{}, ruleMask: map[*List]actionSet{}}
}

// methodRanks is a list method with its actions' ranks (-1: not in the
// dataset, so the method never applies).
type methodRanks struct {
	Method
	ranks []int
}

// methodsOf resolves a list's methods once.
func (e *env) methodsOf(l *List) []methodRanks {
	if m, ok := e.methods[l]; ok {
		return m
	}
	out := make([]methodRanks, len(l.Methods))
	for i, m := range l.Methods {
		out[i].Method = m
		for _, name := range m.Actions {
			r := -1
			if a := e.db.Action(name); a != nil {
				r = e.rank(a)
			}
			out[i].ranks = append(out[i].ranks, r)
		}
	}
	e.methods[l] = out
	return out
}

// entriesOf maps each action a list names to its entries' indexes.
func (e *env) entriesOf(l *List) map[int][]int {
	if m, ok := e.entries[l]; ok {
		return m
	}
	m := map[int][]int{}
	for i, entry := range l.Actions {
		for _, a := range e.expandSorted(entry.Action) {
			r := e.rank(a)
			m[r] = append(m[r], i)
		}
	}
	e.entries[l] = m
	return m
}

// levelRuleMask is the actions a list's level rule concerns: its access
// levels, less the actions it names and the wildcard-only actions.
func (e *env) levelRuleMask(l *List) actionSet {
	if m, ok := e.ruleMask[l]; ok {
		return m
	}
	mask := e.newSet()
	for _, name := range l.Levels.Levels {
		if lv, err := iamdb.ParseAccessLevel(name); err == nil {
			mask.or(e.levelMask(lv))
		}
	}
	mask.andNot(e.namedSet(l))
	mask.andNot(e.wildcardOnly)
	e.ruleMask[l] = mask
	return mask
}

// rank is the action's index in name order.
func (e *env) rank(a *iamdb.Action) int { return e.names.of[a].rank }

func (e *env) newSet() actionSet { return newActionSet(len(e.names.byRank)) }

// tmpSet is an empty set that lives until releaseTmp: the sets of one
// document's analysis are reused for the next (an account has tens of
// thousands of documents). Nothing that outlives the document may hold one.
func (e *env) tmpSet() actionSet {
	var s actionSet
	if n := len(e.pool); n > 0 {
		s, e.pool = e.pool[n-1], e.pool[:n-1]
		clear(s)
	} else {
		s = e.newSet()
	}
	e.scratch = append(e.scratch, s)
	return s
}

// releaseTmp returns every tmpSet to the pool.
func (e *env) releaseTmp() {
	e.pool = append(e.pool, e.scratch...)
	clear(e.scratch)
	e.scratch = e.scratch[:0]
}

func (e *env) fullSet() actionSet {
	s := e.newSet()
	for i := range e.names.byRank {
		s.add(i)
	}
	return s
}

func (e *env) levelMask(l iamdb.AccessLevel) actionSet { return e.names.levelMasks[l] }

// expandSet is expand as a set, cached; nil when nothing matches. The
// set is shared: callers must not change it.
func (e *env) expandSet(pattern string) actionSet {
	key := strings.ToLower(pattern)
	if s, ok := e.sets[key]; ok {
		return s
	}
	acts := e.expand(pattern)
	var s actionSet
	if len(acts) > 0 {
		s = e.newSet()
		for _, a := range acts {
			s.add(e.rank(a))
		}
	}
	e.sets[key] = s
	return s
}

// compact names a set's actions, sorted: first the candidate patterns
// (the document's own action patterns) whose every match in mask (every
// action when mask is nil) is in the set, written as given; then
// "prefix:*" for a service whose every action in mask is in the set;
// then the remaining actions one by one.
func (e *env) compact(s, mask actionSet, candidates []string) []string {
	out := []string{}
	rest := s
	if len(candidates) > 0 {
		rest = s.clone()
		for _, p := range candidates {
			got := e.expandSet(p)
			if got == nil {
				continue
			}
			m := got.clone()
			if mask != nil {
				m.and(mask)
			}
			if m.count() < 2 || !m.subsetOf(s) {
				continue
			}
			out = append(out, p)
			rest.andNot(m)
		}
	}
	for _, sr := range e.names.svcRanges {
		n := rest.countIn(sr.lo, sr.hi)
		if n == 0 {
			continue
		}
		total := sr.hi - sr.lo
		if mask != nil {
			total = sr.count(mask)
		}
		if n == total && n > 1 {
			out = append(out, sr.prefix+":*")
			continue
		}
		for r := sr.lo; r < sr.hi; r++ {
			if rest.has(r) {
				out = append(out, e.name(e.names.byRank[r]))
			}
		}
	}
	sort.Strings(out)
	return out
}

// levels groups a set by access level (compact, as compact does),
// cached for large sets (managed policies and generated accounts repeat
// them). One pass over the set counts each service's actions per level.
func (e *env) levels(allowed actionSet, candidates []string) []LevelActions {
	var key string
	if allowed.count() > 64 {
		key = setKey(allowed) + strings.Join(candidates, ",")
		if l, ok := e.levelsOf[key]; ok {
			return l
		}
	}
	n := e.names
	out := make([]LevelActions, len(iamdb.AccessLevels))
	for i, l := range iamdb.AccessLevels {
		out[i].Level = l.Key()
	}
	// Candidate patterns that are whole at a level.
	covered := [5]actionSet{}
	for _, p := range candidates {
		got := e.expandSet(p)
		if got == nil {
			continue
		}
		for li, l := range iamdb.AccessLevels {
			m := n.levelMasks[l]
			cnt, whole := 0, true
			for w := range got {
				x := got[w] & m[w]
				if x&^allowed[w] != 0 {
					whole = false
					break
				}
				cnt += bits.OnesCount64(x)
			}
			if !whole || cnt < 2 {
				continue
			}
			if covered[li] == nil {
				covered[li] = e.tmpSet()
			}
			for w := range got {
				covered[li][w] |= got[w] & m[w]
			}
			out[li].Actions = append(out[li].Actions, p)
		}
	}
	type key2 struct{ svc, lvl int32 }
	counts := map[key2]int32{}
	allowed.each(func(r int) {
		l := int32(n.byRank[r].AccessLevel) - 1
		if l < 0 || l > 4 {
			return
		}
		out[l].Count++
		if covered[l] != nil && covered[l].has(r) {
			return
		}
		counts[key2{n.svcOf[r], l}]++
	})
	for li := range out {
		if len(counts) == 0 {
			break
		}
		for si, sr := range n.svcRanges {
			c := counts[key2{int32(si), int32(li)}]
			if c == 0 {
				continue
			}
			if c == n.levelTotals[si][li] && c > 1 {
				out[li].Actions = append(out[li].Actions, sr.prefix+":*")
				continue
			}
			for r := sr.lo; r < sr.hi; r++ {
				if allowed.has(r) && int(n.byRank[r].AccessLevel)-1 == li && (covered[li] == nil || !covered[li].has(r)) {
					out[li].Actions = append(out[li].Actions, e.name(n.byRank[r]))
				}
			}
		}
	}
	for li := range out {
		if out[li].Actions == nil {
			out[li].Actions = []string{}
		}
		sort.Strings(out[li].Actions)
	}
	if key != "" {
		e.levelsOf[key] = out
	}
	return out
}

func setKey(s actionSet) string {
	b := make([]byte, 0, len(s)*8)
	for _, w := range s {
		b = append(b, byte(w), byte(w>>8), byte(w>>16), byte(w>>24), byte(w>>32), byte(w>>40), byte(w>>48), byte(w>>56))
	}
	return string(b)
}

// namedSet is the set of actions a list names one by one.
func (e *env) namedSet(l *List) actionSet {
	if s, ok := e.namedBy[l]; ok {
		return s
	}
	s := e.newSet()
	for _, entry := range l.Actions {
		if got := e.expandSet(entry.Action); got != nil {
			s.or(got)
		}
	}
	e.namedBy[l] = s
	return s
}

// expand is db.Expand, cached by the lower-cased pattern.
func (e *env) expand(pattern string) []*iamdb.Action {
	key := strings.ToLower(pattern)
	if got, ok := e.expanded[key]; ok {
		return got
	}
	got := e.expandLower(pattern, key)
	e.expanded[key] = got
	return got
}

// expandLower is iamdb.DB.Expand on pre-lower-cased names: the same
// actions in the same (dataset) order.
func (e *env) expandLower(pattern, lower string) []*iamdb.Action {
	svcPat, actPat, ok := strings.Cut(lower, ":")
	if pattern == "*" || !ok || !strings.ContainsAny(pattern, "*?") {
		return e.db.Expand(pattern)
	}
	var out []*iamdb.Action
	for _, ls := range e.names.services {
		if !iamdb.GlobLower(svcPat, ls.prefix) {
			continue
		}
		if actPat == "*" {
			out = append(out, ls.svc.Actions()...)
			continue
		}
		for i, name := range ls.actions {
			if iamdb.GlobLower(actPat, name) {
				out = append(out, ls.svc.Actions()[i])
			}
		}
	}
	return out
}

// expandSorted is expand, sorted by full name.
func (e *env) expandSorted(pattern string) []*iamdb.Action {
	key := strings.ToLower(pattern)
	if got, ok := e.sorted[key]; ok {
		return got
	}
	got := append([]*iamdb.Action(nil), e.expand(pattern)...)
	e.sortActions(got)
	e.sorted[key] = got
	return got
}

// name returns "service:Action" in the dataset's casing.
func (e *env) name(a *iamdb.Action) string {
	if n, ok := e.names.of[a]; ok {
		return n.name
	}
	return a.FullName()
}

// sortActions sorts actions by full name: through their ranks, with a
// scan of the whole ranking when the list is a large part of it.
func (e *env) sortActions(acts []*iamdb.Action) {
	n := len(e.names.byRank)
	if len(acts) > n/16 {
		seen := make([]bool, n)
		var extra []*iamdb.Action // not in the dataset's ranking
		for _, a := range acts {
			if r, ok := e.names.of[a]; ok {
				seen[r.rank] = true
			} else {
				extra = append(extra, a)
			}
		}
		out := acts[:0]
		for rank, ok := range seen {
			if ok {
				out = append(out, e.names.byRank[rank])
			}
		}
		out = append(out, extra...)
		return
	}
	ranks := make([]int, len(acts))
	for i, a := range acts {
		r, ok := e.names.of[a]
		if !ok {
			sort.Slice(acts, func(i, j int) bool { return e.name(acts[i]) < e.name(acts[j]) })
			return
		}
		ranks[i] = r.rank
	}
	sort.Ints(ranks)
	for i, r := range ranks {
		acts[i] = e.names.byRank[r]
	}
}

// sortedNames returns the actions' full names, sorted; never nil.
func (e *env) sortedNames(acts []*iamdb.Action) []string {
	e.sortActions(acts)
	out := make([]string, len(acts))
	for i, a := range acts {
		out[i] = e.name(a)
	}
	return out
}

// suggestions returns did-you-mean candidates for an unknown pattern,
// cached per run.
func (e *env) suggestions(pattern string) []string {
	if s, ok := e.suggest[pattern]; ok {
		return s
	}
	s := suggestAction(e.db, pattern)
	e.suggest[pattern] = s
	return s
}
