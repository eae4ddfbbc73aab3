package simulate

import (
	"github.com/leastpriv/policysentry/engine/internal/wildcard"

	"strings"
	"unicode/utf8"
)

// glob matches s against an IAM wildcard pattern, case-sensitively: '*'
// matches any run of characters (including none) and '?' exactly one
// character.
func glob(p, s string) bool {
	if isASCII(p) && isASCII(s) {
		return wildcard.Match(p, s)
	}
	return globRunes([]rune(p), nil, []rune(s))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// globRunes is glob over runes; lit (nil or as long as p) marks pattern
// characters that are literal even when they are '*' or '?' (from the
// escapes ${*} and ${?} and from substituted variable values).
func globRunes(p []rune, lit []bool, s []rune) bool {
	wild := func(i int, c rune) bool { return p[i] == c && (lit == nil || !lit[i]) }
	px, sx := 0, 0
	starP, starS := -1, 0
	for sx < len(s) {
		switch {
		case px < len(p) && (wild(px, '?') || (!wild(px, '*') && p[px] == s[sx])):
			px++
			sx++
		case px < len(p) && wild(px, '*'):
			starP, starS = px, sx
			px++
		case starP >= 0:
			starS++
			px, sx = starP+1, starS
		default:
			return false
		}
	}
	for px < len(p) && wild(px, '*') {
		px++
	}
	return px == len(p)
}

// arnGlob matches an ARN against an ARN pattern the way the Arn*
// condition operators do ("each of the six colon-delimited components of
// the ARN is checked separately"): the six colon-separated parts
// (arn:partition:service:region:account:resource) are matched one by one,
// so a wildcard never crosses one of the first five colons; within the
// resource part '*' matches '/' and ':' too. The pattern "*" matches
// everything; a pattern or value with fewer than six parts matches only
// an identical string.
func arnGlob(p, s string) bool { return arnMatch(p, s, false) }

// resourceGlob matches an ARN against a Resource element's pattern: as
// arnGlob, except that a '*' ending one of the first five parts "can
// expand to match beyond the colon boundaries" (IAM User Guide, Resource
// element), so "arn:aws:s3:*" matches every S3 ARN.
func resourceGlob(p, s string) bool { return arnMatch(p, s, true) }

func arnMatch(p, s string, expand bool) bool {
	if p == "*" {
		return true
	}
	g := wildcard.Match
	if !isASCII(p) || !isASCII(s) {
		g = glob
	}
	for i := 0; i < 5; i++ {
		pi := strings.IndexByte(p, ':')
		if expand && (pi < 0 && strings.HasSuffix(p, "*") || pi > 0 && p[pi-1] == '*') {
			return g(p, s)
		}
		si := strings.IndexByte(s, ':')
		if pi < 0 || si < 0 {
			return p == s && i == 0
		}
		if !g(p[:pi], s[:si]) {
			return false
		}
		p, s = p[pi+1:], s[si+1:]
	}
	return g(p, s)
}

// masked is a pattern after variable substitution: its runes and which of
// them are literal.
type masked struct {
	r   []rune
	lit []bool
}

func (m masked) String() string { return string(m.r) }

// arnGlobMasked is arnGlob for a substituted pattern; resourceGlobMasked
// is resourceGlob for one.
func arnGlobMasked(m masked, s string) bool { return arnMatchMasked(m, s, false) }

func resourceGlobMasked(m masked, s string) bool { return arnMatchMasked(m, s, true) }

func arnMatchMasked(m masked, s string, expand bool) bool {
	if len(m.r) == 1 && m.r[0] == '*' && !m.lit[0] {
		return true
	}
	sr := []rune(s)
	p, lit := m.r, m.lit
	for i := 0; i < 5; i++ {
		pi := indexRune(p, ':')
		if expand && (pi < 0 && len(p) > 0 && p[len(p)-1] == '*' && !lit[len(p)-1] || pi > 0 && p[pi-1] == '*' && !lit[pi-1]) {
			return globRunes(p, lit, sr)
		}
		si := indexRune(sr, ':')
		if pi < 0 || si < 0 {
			return false
		}
		if !globRunes(p[:pi], lit[:pi], sr[:si]) {
			return false
		}
		p, lit, sr = p[pi+1:], lit[pi+1:], sr[si+1:]
	}
	return globRunes(p, lit, sr)
}

func indexRune(r []rune, c rune) int {
	for i, x := range r {
		if x == c {
			return i
		}
	}
	return -1
}
