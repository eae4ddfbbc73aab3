package diff

import (
	"strings"

	"github.com/leastpriv/policysentry/engine/internal/lazyre"
)

// placeholder matches the ${...} fields of an ARN format.
var placeholder = lazyre.New(`\$\{[^}]*\}`)

// effective decides whether a resource pattern can apply to an action at
// all: it must overlap the ARN format of one of the action's resource
// types (placeholders read as *), or, for an action without resource
// types, an ARN of the action's service or "*". A pattern that cannot
// (s3:GetObject on a bucket ARN) grants nothing, so a diff must not report
// it. The test over-approximates (a placeholder's * also matches "/"), so
// it never hides access that exists.
type effective struct {
	*matcher
	sp *space
	// memo caches answers by the action's glob list and the pattern;
	// memoID by the glob list and the pattern's interned ID.
	memo   map[applyKey]bool
	memoID map[uint64]bool
}

type applyKey struct {
	globs   int
	pattern string
}

func newEffective(sp *space) *effective {
	return &effective{matcher: newMatcher(), sp: sp, memo: map[applyKey]bool{}, memoID: map[uint64]bool{}}
}

// appliesUnit is applies for a grant unit, cached by the pattern's ID.
func (e *effective) appliesUnit(i int, u unit) bool {
	k := uint64(e.sp.globKey(i))<<32 | uint64(u.pid)
	if v, ok := e.memoID[k]; ok {
		return v
	}
	v := true
	if u.pattern != "*" && !strings.Contains(u.pattern, "${") && i < e.sp.u.n() {
		v = false
		pp := e.sp.patParts[u.pid]
		for _, g := range e.sp.u.globParts[i] {
			if overlapParts(pp, g) {
				v = true
				break
			}
		}
	}
	e.memoID[k] = v
	return v
}

// applies reports whether pattern p can match a resource of action i.
func (e *effective) applies(i int, p string) bool {
	if p == "*" || strings.Contains(p, "${") {
		return true
	}
	gs := e.sp.globs(i)
	if gs == nil {
		return true
	}
	k := applyKey{e.sp.globKey(i), p}
	if v, ok := e.memo[k]; ok {
		return v
	}
	v := false
	for _, g := range gs {
		if e.overlaps(p, g) {
			v = true
			break
		}
	}
	e.memo[k] = v
	return v
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
