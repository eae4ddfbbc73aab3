// Package wildcard matches IAM wildcard patterns: '*' matches any run of
// characters (including none) and '?' exactly one. It is the one matcher
// the engine's packages share for actions (lower-cased by the caller) and
// resource ARNs (case-sensitive).
package wildcard

// Match reports whether s is matched by the pattern p, byte by byte and
// case-sensitively. A '*' or '?' in p is always a wildcard, also where s
// holds the same character. It uses the classic single-star backtracking:
// linear in practice, quadratic at worst, no allocation.
func Match(p, s string) bool { return match(p, s, false) }

// MatchFold is Match with the ASCII letters A to Z compared without
// regard to case (as IAM compares action names). It allocates nothing,
// where lower-casing both strings first would allocate for each one that
// holds an upper-case letter; bytes outside ASCII are compared as they
// are, so a caller that must fold other letters lower-cases first.
func MatchFold(p, s string) bool { return match(p, s, true) }

func match(p, s string, fold bool) bool {
	px, sx := 0, 0
	starP, starS := -1, 0
	for sx < len(s) {
		switch {
		case px < len(p) && (p[px] == '?' || (p[px] != '*' && same(p[px], s[sx], fold))):
			px++
			sx++
		case px < len(p) && p[px] == '*':
			starP, starS = px, sx
			px++
		case starP >= 0:
			starS++
			px, sx = starP+1, starS
		default:
			return false
		}
	}
	for px < len(p) && p[px] == '*' {
		px++
	}
	return px == len(p)
}

// same compares two bytes, ASCII letters without regard to case when
// fold is set.
func same(a, b byte, fold bool) bool {
	if a == b {
		return true
	}
	return fold && lower(a) == lower(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
