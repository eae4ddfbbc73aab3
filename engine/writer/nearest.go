package writer

import (
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// NearestFormats returns up to n ARN formats of the service that look most
// like the given ARN, nearest first, for "matches no resource type"
// warnings. A format's ${...} placeholders match any text at no cost, so
// the distance counts only the literal characters that differ: a typo in
// "tabel/orders" is one edit away from table/${TableName}. Ties keep the
// dataset's order.
func NearestFormats(svc *iamdb.Service, arnStr string, n int) []string {
	type scored struct {
		format string
		cost   int
		index  int
	}
	text := strings.ToLower(arnStr)
	var all []scored
	seen := map[string]bool{}
	for i, r := range svc.Resources {
		if seen[r.ARN] {
			continue
		}
		seen[r.ARN] = true
		all = append(all, scored{r.ARN, wildcardDistance(formatTokens(strings.ToLower(r.ARN)), text), i})
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].cost != all[j].cost {
			return all[i].cost < all[j].cost
		}
		return all[i].index < all[j].index
	})
	out := make([]string, 0, n)
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, all[i].format)
	}
	return out
}

// anyRun stands for a ${...} placeholder in a tokenised format (or a *
// in an action pattern); anyOne for a ? in an action pattern.
const (
	anyRun = -1
	anyOne = -2
)

// formatTokens turns a format into bytes, with anyRun for placeholders.
func formatTokens(format string) []int {
	var out []int
	for i := 0; i < len(format); i++ {
		if strings.HasPrefix(format[i:], "${") {
			if j := strings.IndexByte(format[i:], '}'); j > 0 {
				out = append(out, anyRun)
				i += j
				continue
			}
		}
		out = append(out, int(format[i]))
	}
	return out
}

// wildcardDistance is the edit distance between a tokenised format and a
// text, where anyRun tokens match any run of characters for free and
// anyOne tokens any one character.
func wildcardDistance(pat []int, text string) int {
	prev := make([]int, len(text)+1)
	cur := make([]int, len(text)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(pat); i++ {
		p := pat[i-1]
		if p == anyRun {
			cur[0] = prev[0]
		} else {
			cur[0] = prev[0] + 1
		}
		for j := 1; j <= len(text); j++ {
			if p == anyRun {
				cur[j] = min(prev[j], cur[j-1])
				continue
			}
			cost := 1
			if p == int(text[j-1]) || p == anyOne {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(text)]
}
