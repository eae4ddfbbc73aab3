package audit

import (
	"sort"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// ActionsAt returns every action that some policy of the report allows at
// one access level: service:Action names in the dataset's casing, without
// duplicates, sorted. It is what `analyze --from-access-level` prints and
// what the API's access-level query answers.
func (r *Report) ActionsAt(level iamdb.AccessLevel) []string {
	set := map[string]bool{}
	for _, p := range r.Policies {
		for _, la := range p.Allowed {
			if la.Level == level.Key() {
				for _, a := range la.Actions {
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
