// Package suggest finds "did you mean" candidates for misspelt names:
// actions, services, template keys, resource types.
package suggest

import (
	"sort"
	"strings"
)

// Nearest returns up to n candidates closest to word, nearest first. The
// comparison ignores case; a candidate that contains word, or that word
// contains, ranks before others at the same distance. Candidates farther
// than about a third of the word's length are not suggested. The result is
// deterministic (ties are broken by the candidate itself).
func Nearest(word string, candidates []string, n int) []string {
	w := strings.ToLower(word)
	if w == "" || n <= 0 {
		return nil
	}
	type scored struct {
		s     string
		score int
	}
	limit := len(w)/3 + 1
	var out []scored
	seen := map[string]bool{}
	for _, c := range candidates {
		if seen[c] {
			continue
		}
		seen[c] = true
		lc := strings.ToLower(c)
		d := distance(w, lc, limit+1)
		score := d * 2
		if strings.Contains(lc, w) || strings.Contains(w, lc) {
			score--
			if d > limit {
				d, score = limit, limit*2-1
			}
		}
		if d > limit {
			continue
		}
		out = append(out, scored{c, score})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score < out[j].score
		}
		return out[i].s < out[j].s
	})
	res := make([]string, 0, n)
	for i := 0; i < len(out) && i < n; i++ {
		res = append(res, out[i].s)
	}
	return res
}

// distance is the Levenshtein distance of a and b, cut off at max.
func distance(a, b string, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best >= max {
			return max
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
