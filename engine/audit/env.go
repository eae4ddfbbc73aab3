package audit

import (
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
}

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
	db       *iamdb.DB
	names    *names
	expanded map[string][]*iamdb.Action
	sorted   map[string][]*iamdb.Action
	namedBy  map[*List]map[*iamdb.Action]bool
	suggest  map[string][]string
}

func newEnv(db *iamdb.DB) *env {
	return &env{db: db, names: namesFor(db), expanded: map[string][]*iamdb.Action{}, sorted: map[string][]*iamdb.Action{},
		namedBy: map[*List]map[*iamdb.Action]bool{}, suggest: map[string][]string{}}
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

// named returns the set of actions a list names one by one.
func (e *env) named(l *List) map[*iamdb.Action]bool {
	if m, ok := e.namedBy[l]; ok {
		return m
	}
	m := map[*iamdb.Action]bool{}
	for _, entry := range l.Actions {
		for _, a := range e.expand(entry.Action) {
			m[a] = true
		}
	}
	e.namedBy[l] = m
	return m
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
