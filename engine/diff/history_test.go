package diff

import (
	"slices"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/managedcorpus"
	"github.com/leastpriv/policysentry/engine/policy"
)

// TestManagedPolicyHistory diffs every consecutive version pair of every
// AWS managed policy with more than one version (the corpus make test
// fetches), and checks every 50th pair against a literal expansion of
// both: each action of the services NEW names that NEW allows on a sample
// ARN of its resource types and OLD does not (conditions ignored) must be
// reported as new access.
func TestManagedPolicyHistory(t *testing.T) {
	corpus, err := managedcorpus.Load()
	if err != nil {
		t.Fatal(err)
	}
	d := db(t)
	names := make([]string, 0, len(corpus))
	for n, p := range corpus {
		if len(p.Versions) > 1 {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	if len(names) < 500 {
		t.Fatalf("only %d policies with history: is the corpus complete?", len(names))
	}
	pairs, withNew := 0, 0
	for _, n := range names {
		p := corpus[n]
		ids := p.VersionIDs()
		for i := 1; i < len(ids); i++ {
			old, err1 := policy.Load(p.Versions[ids[i-1]].Document, n+"@"+ids[i-1])
			nw, err2 := policy.Load(p.Versions[ids[i]].Document, n+"@"+ids[i])
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: %v %v", n, err1, err2)
			}
			res, err := Compare(d, old, nw)
			if err != nil {
				t.Fatalf("%s %s→%s: %v", n, ids[i-1], ids[i], err)
			}
			pairs++
			if res.GrantsNewAccess() {
				withNew++
			}
			if pairs%50 == 0 {
				checkSound(t, d, n+" "+ids[i-1]+"→"+ids[i], old, nw, res)
			}
		}
	}
	t.Logf("%d version pairs of %d policies; %d grant new access", pairs, len(names), withNew)
	if withNew == 0 || withNew == pairs {
		t.Errorf("%d of %d pairs grant new access: the diff cannot be telling them apart", withNew, pairs)
	}
}

func checkSound(t *testing.T, d *iamdb.DB, label string, old, nw []*policy.Document, res *Result) {
	t.Helper()
	reported := map[string]bool{}
	for _, c := range res.New {
		for _, a := range c.Actions {
			reported[strings.ToLower(a)] = true
		}
	}
	co, cn := compile(old), compile(nw)
	for _, svc := range d.Services {
		for _, a := range svc.Actions() {
			name := svc.Prefix + ":" + a.Name
			lower := strings.ToLower(name)
			if reported[lower] || !cn.namedByAllow(lower) {
				continue
			}
			for _, arn := range actionARNs(a) {
				if cn.allowed(lower, arn) && !co.allowed(lower, arn) {
					t.Errorf("%s: NEW allows %s on %s, OLD does not, not reported", label, name, arn)
					return
				}
			}
		}
	}
}

// namedByAllow reports whether some Allow statement takes the action:
// only those can be newly allowed.
func (c compiled) namedByAllow(lower string) bool {
	for _, s := range c {
		if s.s.Effect == "Allow" && s.matchesAction(lower) {
			return true
		}
	}
	return false
}

// BenchmarkManagedHistory diffs every consecutive version pair of the
// managed policy corpus once per iteration (4,600 pairs).
func BenchmarkManagedHistory(b *testing.B) {
	corpus, err := managedcorpus.Load()
	if err != nil {
		b.Fatal(err)
	}
	d := db(b)
	type pair struct{ old, nw []*policy.Document }
	var pairs []pair
	for n, p := range corpus {
		ids := p.VersionIDs()
		for i := 1; i < len(ids); i++ {
			old, _ := policy.Load(p.Versions[ids[i-1]].Document, n)
			nw, _ := policy.Load(p.Versions[ids[i]].Document, n)
			pairs = append(pairs, pair{old, nw})
		}
	}
	b.ResetTimer()
	for b.Loop() {
		for _, p := range pairs {
			if _, err := Compare(d, p.old, p.nw); err != nil {
				b.Fatal(err)
			}
		}
	}
}
