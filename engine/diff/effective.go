package diff

import (
	"regexp"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// placeholder matches the ${...} fields of an ARN format.
var placeholder = regexp.MustCompile(`\$\{[^}]*\}`)

// effective decides whether a resource pattern can apply to an action at
// all: it must overlap the ARN format of one of the action's resource
// types (placeholders read as *), or, for an action without resource
// types, an ARN of the action's service or "*". A pattern that cannot
// (s3:GetObject on a bucket ARN) grants nothing, so a diff must not report
// it. The test over-approximates (a placeholder's * also matches "/"), so
// it never hides access that exists.
type effective struct {
	db    *iamdb.DB
	cache map[string][]string
}

func newEffective(db *iamdb.DB) *effective {
	return &effective{db: db, cache: map[string][]string{}}
}

// globs returns the ARN globs of the action with lower-case key a; nil for
// an action the dataset does not know (then every pattern counts).
func (e *effective) globs(a string) []string {
	if g, ok := e.cache[a]; ok {
		return g
	}
	var out []string
	if act := e.db.Action(a); act != nil {
		for _, r := range act.Resources {
			if r.Resource != nil && r.Resource.ARN != "" {
				out = append(out, placeholder.ReplaceAllString(r.Resource.ARN, "*"))
			}
		}
		if len(out) == 0 {
			out = []string{"arn:*:" + act.Service.Prefix + ":*:*:*"}
		}
	}
	e.cache[a] = out
	return out
}

// applies reports whether pattern p can match a resource of action a.
func (e *effective) applies(a, p string) bool {
	if p == "*" || strings.Contains(p, "${") {
		return true
	}
	gs := e.globs(a)
	if gs == nil {
		return true
	}
	for _, g := range gs {
		if arnOverlaps(p, g) {
			return true
		}
	}
	return false
}

// arnOverlaps is overlaps for ARN patterns, segment by segment: IAM's
// wildcards do not cross the colons between an ARN's first five fields
// (the resource part, the sixth, may hold colons of its own). A pattern
// that is not a six-field ARN is compared as a whole.
func arnOverlaps(p, q string) bool {
	ps := strings.SplitN(p, ":", 6)
	qs := strings.SplitN(q, ":", 6)
	if len(ps) < 6 || len(qs) < 6 {
		return overlaps(p, q)
	}
	for i := range ps {
		if !overlaps(ps[i], qs[i]) {
			return false
		}
	}
	return true
}
