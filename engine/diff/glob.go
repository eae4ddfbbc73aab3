package diff

// covers reports whether every string that pattern sub matches is also
// matched by pattern sup, for IAM's wildcards * (any run, possibly empty)
// and ? (one character). It is sound (never true when some string matches
// sub but not sup) and exact for the patterns policies use: sub's * can
// only be covered by a * of sup, and sub's ? by a ? or * of sup.
// Comparison is case-sensitive, as resource ARNs are.
func covers(sup, sub string) bool {
	// memo[i][j]: sup[i:] covers sub[j:]; 0 unknown, 1 yes, 2 no.
	memo := make([]uint8, (len(sup)+1)*(len(sub)+1))
	var rec func(i, j int) bool
	rec = func(i, j int) bool {
		k := i*(len(sub)+1) + j
		if memo[k] != 0 {
			return memo[k] == 1
		}
		var ok bool
		switch {
		case i == len(sup):
			ok = j == len(sub)
		case sup[i] == '*':
			ok = rec(i+1, j) || (j < len(sub) && rec(i, j+1))
		case j == len(sub):
			ok = false
		case sup[i] == '?':
			ok = sub[j] != '*' && rec(i+1, j+1)
		default:
			ok = sub[j] == sup[i] && rec(i+1, j+1)
		}
		if ok {
			memo[k] = 1
		} else {
			memo[k] = 2
		}
		return ok
	}
	return rec(0, 0)
}

// overlaps reports whether some string is matched by both patterns.
func overlaps(p, q string) bool {
	memo := make([]uint8, (len(p)+1)*(len(q)+1))
	var rec func(i, j int) bool
	rec = func(i, j int) bool {
		k := i*(len(q)+1) + j
		if memo[k] != 0 {
			return memo[k] == 1
		}
		var ok bool
		switch {
		case i < len(p) && p[i] == '*':
			ok = rec(i+1, j) || (j < len(q) && rec(i, j+1))
		case j < len(q) && q[j] == '*':
			ok = rec(i, j+1) || (i < len(p) && rec(i+1, j))
		case i == len(p) || j == len(q):
			ok = i == len(p) && j == len(q)
		default:
			ok = (p[i] == '?' || q[j] == '?' || p[i] == q[j]) && rec(i+1, j+1)
		}
		if ok {
			memo[k] = 1
		} else {
			memo[k] = 2
		}
		return ok
	}
	return rec(0, 0)
}
