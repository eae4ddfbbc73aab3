package audit

import (
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// ActionsAt returns every action that some policy of the report allows at
// one access level: service:Action names in the dataset's casing, without
// duplicates, sorted. It is what `analyze --from-access-level` prints and
// what the API's access-level query answers. As Policy Sentry's, it
// follows the Action elements only: actions a statement names on
// resources of another type (Ineffective) are listed too; actions denied
// outright are not.
func (r *Report) ActionsAt(level iamdb.AccessLevel) []string {
	set := map[string]bool{}
	for _, p := range r.Policies {
		for _, la := range p.Allowed {
			if la.Level == level.Key() {
				for _, a := range r.Expand(la.Actions, level) {
					set[a] = true
				}
			}
		}
		if len(p.Ineffective) == 0 {
			continue
		}
		denied := map[string]bool{}
		for _, a := range r.Expand(p.Denied, AnyLevel) {
			denied[a] = true
		}
		for _, in := range p.Ineffective {
			for _, a := range r.Expand(in.Actions, level) {
				if !denied[a] {
					set[a] = true
				}
			}
		}
	}
	acts := make([]string, 0, len(set))
	for a := range set {
		acts = append(acts, a)
	}
	sort.Strings(acts)
	return acts
}

// AnyLevel, given to Expand, stands for every access level.
const AnyLevel iamdb.AccessLevel = 0

// Expand turns a compact action list of the report back into
// service:Action names: an entry with a wildcard stands for every action
// it matches at the access level (at every level for AnyLevel).
func (r *Report) Expand(compact []string, level iamdb.AccessLevel) []string {
	var out []string
	seen := map[string]bool{}
	for _, name := range compact {
		if !strings.ContainsAny(name, "*?") || r.db == nil {
			if level != AnyLevel && r.db != nil {
				if a := r.db.Action(name); a != nil && a.AccessLevel != level {
					continue
				}
			}
			if !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
			continue
		}
		for _, a := range r.db.Expand(name) {
			if level == AnyLevel || a.AccessLevel == level {
				if n := a.FullName(); !seen[n] {
					seen[n] = true
					out = append(out, n)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}
