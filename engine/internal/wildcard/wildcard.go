// Package wildcard matches IAM wildcard patterns: '*' matches any run of
// characters (including none) and '?' exactly one. It is the one matcher
// the engine's packages share for actions (lower-cased by the caller) and
// resource ARNs (case-sensitive).
package wildcard

// Match reports whether s is matched by the pattern p, byte by byte and
// case-sensitively. A '*' or '?' in p is always a wildcard, also where s
// holds the same character. It uses the classic single-star backtracking:
// linear in practice, quadratic at worst, no allocation.
func Match(p, s string) bool {
	px, sx := 0, 0
	starP, starS := -1, 0
	for sx < len(s) {
		switch {
		case px < len(p) && (p[px] == '?' || (p[px] != '*' && p[px] == s[sx])):
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
