// Package minimize shortens IAM action lists with safe wildcards, the
// policyuniverse method that Policy Sentry uses: each action becomes the
// shortest prefix that matches no action of its service that was not
// asked for, plus "*". It never widens a policy.
package minimize

import (
	"sort"
	"strings"
	"sync"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// Universe is every action of a dataset, lower-cased and sorted, by
// service.
type Universe struct {
	byService map[string][]string // "s3:" -> ["s3:abortmultipartupload", ...], sorted
}

// NewUniverse indexes the dataset's actions.
func NewUniverse(db *iamdb.DB) *Universe {
	u := &Universe{byService: make(map[string][]string, len(db.Services))}
	for _, s := range db.Services {
		key := strings.ToLower(s.Prefix) + ":"
		names := u.byService[key]
		for _, a := range s.Actions() {
			names = append(names, key+strings.ToLower(a.Name))
		}
		u.byService[key] = names
	}
	for _, names := range u.byService {
		sort.Strings(names)
	}
	return u
}

var universes sync.Map // *iamdb.DB -> *Universe

// For returns the dataset's Universe, built once per dataset (datasets
// are immutable once loaded).
func For(db *iamdb.DB) *Universe {
	if u, ok := universes.Load(db); ok {
		return u.(*Universe)
	}
	u, _ := universes.LoadOrStore(db, NewUniverse(db))
	return u.(*Universe)
}

// unwanted answers "does any action that was not asked for start with
// this prefix?" for one service, with a binary search over the sorted
// names and a running count of the unwanted ones.
type unwanted struct {
	names []string
	count []int // count[i] = unwanted actions among names[:i]
}

func newUnwanted(names []string, want map[string]bool) *unwanted {
	u := &unwanted{names: names, count: make([]int, len(names)+1)}
	for i, n := range names {
		u.count[i+1] = u.count[i]
		if !want[n] {
			u.count[i+1]++
		}
	}
	return u
}

func (u *unwanted) any(prefix string) bool {
	lo := sort.SearchStrings(u.names, prefix)
	hi := lo + sort.Search(len(u.names)-lo, func(k int) bool { return !strings.HasPrefix(u.names[lo+k], prefix) })
	return u.count[hi]-u.count[lo] > 0
}

// Minimize returns the minimized, lower-cased, sorted action list for the
// desired actions. Prefixes shorter than minLength characters (after the
// colon) are not used. Unlike Policy Sentry, an action whose name is a
// prefix of another desired action never swallows it: the longer action
// gets "prefix*" instead of being dropped.
func (u *Universe) Minimize(desired []string, minLength int) []string {
	want := make(map[string]bool, len(desired))
	for _, d := range desired {
		want[strings.ToLower(d)] = true
	}
	denied := map[string]*unwanted{}
	out := map[string]bool{}
	for action := range want {
		colon := strings.IndexByte(action, ':')
		svc := action[:colon+1]
		if colon < 0 {
			svc = ""
		}
		d := denied[svc]
		if d == nil {
			d = newUnwanted(u.byService[svc], want)
			denied[svc] = d
		}
		if d.any(action) {
			out[action] = true
			continue
		}
		found := false
		for i := colon + 1; i <= len(action); i++ {
			prefix := action[:i]
			perm := prefix[colon+1:]
			if perm == "" || (minLength > 0 && len(perm) < minLength) {
				continue
			}
			if d.any(prefix) {
				continue
			}
			if prefix == action {
				out[prefix] = true
			} else {
				out[prefix+"*"] = true
			}
			found = true
			break
		}
		if !found {
			out[action] = true
		}
	}
	res := make([]string, 0, len(out))
	for a := range out {
		res = append(res, a)
	}
	sort.Strings(res)
	return res
}
