package iamdb

import (
	"strings"

	"github.com/leastpriv/policysentry/engine/internal/wildcard"
)

// Glob matches name against an IAM wildcard pattern: * (any run) and ?
// (any one character), ignoring ASCII case, as IAM matches action names.
func Glob(pattern, name string) bool {
	if isASCII(pattern) && isASCII(name) {
		return wildcard.MatchFold(pattern, name)
	}
	return GlobLower(strings.ToLower(pattern), strings.ToLower(name))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// GlobLower is Glob for a pattern and a name that are already lower-cased
// (callers matching many names against one pattern lower-case it once).
func GlobLower(p, n string) bool { return wildcard.Match(p, n) }

// Expand returns every action matching an action pattern such as
// "s3:Get*", "iam:*", "*:List*" or "*", in dataset order. Exact names
// (no wildcard) are looked up directly.
func (db *DB) Expand(pattern string) []*Action {
	if pattern == "*" {
		var out []*Action
		for _, s := range db.Services {
			out = append(out, s.Actions()...)
		}
		return out
	}
	svcPat, actPat, ok := strings.Cut(pattern, ":")
	if !ok {
		return nil
	}
	if !strings.ContainsAny(pattern, "*?") {
		if a := db.Action(pattern); a != nil {
			return []*Action{a}
		}
		return nil
	}
	var out []*Action
	for _, s := range db.Services {
		if !Glob(svcPat, s.Prefix) {
			continue
		}
		for _, a := range s.Actions() {
			if Glob(actPat, a.Name) {
				out = append(out, a)
			}
		}
	}
	return out
}
