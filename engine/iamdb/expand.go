package iamdb

import "strings"

// Glob matches name against an IAM wildcard pattern: * (any run) and ?
// (any one character), ignoring ASCII case, as IAM matches action names.
func Glob(pattern, name string) bool {
	return GlobLower(strings.ToLower(pattern), strings.ToLower(name))
}

// GlobLower is Glob for a pattern and a name that are already lower-cased
// (callers matching many names against one pattern lower-case it once).
func GlobLower(p, n string) bool {
	px, nx := 0, 0
	starP, starN := -1, 0
	for nx < len(n) {
		switch {
		case px < len(p) && (p[px] == '?' || p[px] == n[nx]):
			px++
			nx++
		case px < len(p) && p[px] == '*':
			starP, starN = px, nx
			px++
		case starP >= 0:
			starN++
			px, nx = starP+1, starN
		default:
			return false
		}
	}
	for px < len(p) && p[px] == '*' {
		px++
	}
	return px == len(p)
}

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
