// Package minimize shortens IAM action lists with safe wildcards, the
// policyuniverse method that Policy Sentry uses: each action becomes the
// shortest prefix that matches no action of its service that was not
// asked for, plus "*". It never widens a policy.
package minimize

import (
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// Universe is every action of a dataset, lower-cased, by service.
type Universe struct {
	byService map[string][]string // "s3:" -> ["s3:abortmultipartupload", ...]
}

// NewUniverse indexes the dataset's actions.
func NewUniverse(db *iamdb.DB) *Universe {
	u := &Universe{byService: make(map[string][]string, len(db.Services))}
	for _, s := range db.Services {
		key := strings.ToLower(s.Prefix) + ":"
		for _, a := range s.Actions {
			u.byService[key] = append(u.byService[key], key+strings.ToLower(a.Name))
		}
	}
	return u
}

// Minimize returns the minimized, lower-cased, sorted action list for the
// desired actions. Prefixes shorter than minLength characters (after the
// colon) are not used. Unlike Policy Sentry, an action whose name is a
// prefix of another desired action never swallows it: the longer action
// gets "prefix*" instead of being dropped.
func (u *Universe) Minimize(desired []string, minLength int) []string {
	want := make(map[string]bool, len(desired))
	services := map[string]bool{}
	for _, d := range desired {
		l := strings.ToLower(d)
		want[l] = true
		if i := strings.IndexByte(l, ':'); i >= 0 {
			services[l[:i+1]] = true
		}
	}
	denied := map[string]bool{}
	for svc := range services {
		for _, a := range u.byService[svc] {
			if want[a] {
				continue
			}
			colon := strings.IndexByte(a, ':')
			for i := colon + 1; i <= len(a); i++ {
				denied[a[:i]] = true
			}
		}
	}
	out := map[string]bool{}
	for action := range want {
		if denied[action] {
			out[action] = true
			continue
		}
		colon := strings.IndexByte(action, ':')
		found := false
		for i := colon + 1; i <= len(action); i++ {
			prefix := action[:i]
			perm := prefix[colon+1:]
			if perm == "" || (minLength > 0 && len(perm) < minLength) {
				continue
			}
			if denied[prefix] {
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
