package writer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/template"
)

// broadPatternActions is how many actions a pattern may match before it
// gets a CodeBroadActionPattern warning (a pattern granting a whole
// service gets one whatever the count).
const broadPatternActions = 100

// expandPattern expands one action pattern of an actions list ("s3:Get*",
// "sqs:*", "*Object*", "ec2:Describe?pcs"). Action names are
// case-insensitive, as in AWS. A pattern matching nothing is a problem
// naming the nearest actions; a very broad one gets a warning and still
// grants what it matches.
func (b *builder) expandPattern(e template.Entry) []*iamdb.Action {
	got := expandPattern(b.db, e.Value)
	if len(got) == 0 {
		near := NearestActions(b.db, e.Value, 3)
		msg := fmt.Sprintf("%s matches no action of the dataset", e.Value)
		if len(near) > 0 {
			msg += "; nearest actions: " + strings.Join(near, ", ")
		}
		b.problem(e.Pos, CodeInvalidAction, "%s", msg)
		b.suggest(near...)
		return nil
	}
	if whole := wholeServices(b.db, e.Value, got); len(whole) > 0 || len(got) > broadPatternActions {
		why := fmt.Sprintf("%d actions", len(got))
		if len(whole) > 0 {
			why += " (every action of " + strings.Join(firstN(whole, 3), ", ")
			if len(whole) > 3 {
				why += fmt.Sprintf(" and %d more services", len(whole)-3)
			}
			why += ")"
		}
		b.warn(e.Pos, CodeBroadActionPattern, "%s matches %s: granted, but name the actions the role needs for least privilege", e.Value, why)
	}
	return got
}

// expandPattern returns the actions a pattern matches, in dataset order:
// "service:Action" patterns as iamdb.Expand reads them, and a pattern
// without a colon ("*Object*") against each action's full name.
func expandPattern(db *iamdb.DB, pattern string) []*iamdb.Action {
	if strings.Contains(pattern, ":") || pattern == "*" {
		return db.Expand(pattern)
	}
	p := strings.ToLower(pattern)
	var out []*iamdb.Action
	for _, s := range db.Services {
		prefix := strings.ToLower(s.Prefix) + ":"
		for _, a := range s.Actions() {
			if iamdb.GlobLower(p, prefix+strings.ToLower(a.Name)) {
				out = append(out, a)
			}
		}
	}
	return out
}

// wholeServices returns the services every action of which the pattern
// matched (got is the pattern's expansion, in dataset order).
func wholeServices(db *iamdb.DB, pattern string, got []*iamdb.Action) []string {
	count := map[*iamdb.Service]int{}
	for _, a := range got {
		count[a.Service]++
	}
	var out []string
	for s, n := range count {
		if n == len(s.Actions()) && n > 1 {
			out = append(out, s.Prefix)
		}
	}
	sort.Strings(out)
	return out
}

func firstN(list []string, n int) []string {
	if len(list) > n {
		return list[:n]
	}
	return list
}

// NearestActions returns up to n actions ("prefix:Name") nearest to an
// action pattern that matched nothing, nearest first: the edit distance
// counts only the literal characters that differ, a * matching any run
// and a ? any one character at no cost ("s3:Gett*" is one edit from
// s3:GetObject). When the pattern's service part names services, only
// their actions are candidates. Ties go to the shorter name, then to the
// dataset's order.
func NearestActions(db *iamdb.DB, pattern string, n int) []string {
	pat := patternTokens(strings.ToLower(pattern))
	svcPat, _, hasColon := strings.Cut(strings.ToLower(pattern), ":")
	var services []*iamdb.Service
	if hasColon {
		for _, s := range db.Services {
			if iamdb.GlobLower(svcPat, strings.ToLower(s.Prefix)) {
				services = append(services, s)
			}
		}
	}
	if len(services) == 0 {
		services = db.Services
	}
	type scored struct {
		name string
		cost int
	}
	var all []scored
	for _, s := range services {
		prefix := strings.ToLower(s.Prefix) + ":"
		for _, a := range s.Actions() {
			all = append(all, scored{a.FullName(), wildcardDistance(pat, prefix+strings.ToLower(a.Name))})
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].cost != all[j].cost {
			return all[i].cost < all[j].cost
		}
		return len(all[i].name) < len(all[j].name)
	})
	// Suggestions farther than half the pattern's literal length are
	// noise.
	limit := max(2, literalLen(pattern)/2)
	out := make([]string, 0, n)
	for i := 0; i < len(all) && len(out) < n; i++ {
		if all[i].cost > limit {
			break
		}
		out = append(out, all[i].name)
	}
	return out
}

// patternTokens turns an action pattern into tokens for wildcardDistance:
// anyRun for *, anyOne for ?, bytes otherwise.
func patternTokens(p string) []int {
	out := make([]int, 0, len(p))
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '*':
			out = append(out, anyRun)
		case '?':
			out = append(out, anyOne)
		default:
			out = append(out, int(p[i]))
		}
	}
	return out
}

func literalLen(p string) int {
	return len(p) - strings.Count(p, "*") - strings.Count(p, "?")
}
