package minimize_test

import (
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/minimize"
)

// TestMinimizeNeverWidensOrLoses is the property test of issue 3: for
// every service of the embedded dataset and several action sets (each
// access level, seeded random halves, everything but one action, and the
// actions whose names are prefixes of others), the minimized list,
// expanded against the whole dataset, grants exactly the desired set.
func TestMinimizeNeverWidensOrLoses(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	u := minimize.NewUniverse(db)
	rng := rand.New(rand.NewSource(1))
	checked, shortened := 0, 0
	for _, svc := range db.Services {
		names := lowerNames(svc)
		for _, set := range actionSets(svc, names, rng) {
			for _, minLen := range []int{0, 3, 8} {
				got := u.Minimize(set, minLen)
				checked++
				if len(got) < len(set) {
					shortened++
				}
				checkExact(t, svc, names, set, got, minLen)
			}
		}
	}
	if checked < 5*len(db.Services) {
		t.Fatalf("only %d action sets checked", checked)
	}
	// The property is trivially true of a minimizer that changes nothing:
	// make sure this one does shorten lists.
	if shortened < checked/4 {
		t.Errorf("only %d of %d lists got shorter", shortened, checked)
	}
}

// actionSets returns the desired action sets to try for a service.
func actionSets(svc *iamdb.Service, lower []string, rng *rand.Rand) [][]string {
	var all []string
	byLevel := map[iamdb.AccessLevel][]string{}
	for _, a := range svc.Actions() {
		all = append(all, a.FullName())
		byLevel[a.AccessLevel] = append(byLevel[a.AccessLevel], a.FullName())
	}
	var sets [][]string
	for _, l := range iamdb.AccessLevels {
		if len(byLevel[l]) > 0 {
			sets = append(sets, byLevel[l])
		}
	}
	for i := 0; i < 2; i++ {
		var half []string
		for _, a := range all {
			if rng.Intn(2) == 0 {
				half = append(half, a)
			}
		}
		if len(half) > 0 {
			sets = append(sets, half)
		}
	}
	if len(all) > 1 {
		drop := rng.Intn(len(all))
		sets = append(sets, append(append([]string{}, all[:drop]...), all[drop+1:]...))
	}
	// Names that are prefixes of other names (ssm:GetParameters and
	// ssm:GetParametersByPath): the case Policy Sentry gets wrong.
	var prefixes []string
	for i, a := range lower {
		for j, b := range lower {
			if i != j && strings.HasPrefix(b, a) {
				prefixes = append(prefixes, all[i], all[j])
				break
			}
		}
	}
	if len(prefixes) > 0 {
		sets = append(sets, prefixes)
	}
	return sets
}

// lowerNames returns the service's full action names, lower-cased, in
// dataset order.
func lowerNames(svc *iamdb.Service) []string {
	out := make([]string, len(svc.Actions()))
	for i, a := range svc.Actions() {
		out[i] = strings.ToLower(a.FullName())
	}
	return out
}

// checkExact expands the minimized patterns against the dataset and
// compares with the desired set.
func checkExact(t *testing.T, svc *iamdb.Service, names, desired, minimized []string, minLen int) {
	t.Helper()
	want := map[string]bool{}
	for _, d := range desired {
		want[strings.ToLower(d)] = true
	}
	got := map[string]bool{}
	for _, p := range minimized {
		prefix, name, ok := strings.Cut(p, ":")
		if !ok || strings.ContainsAny(prefix, "*?") || !strings.EqualFold(prefix, svc.Prefix) {
			t.Fatalf("%s: pattern %q is not within the service", svc.Prefix, p)
		}
		if strings.HasSuffix(name, "*") && minLen > 0 && len(name)-1 < minLen {
			t.Errorf("%s: pattern %q is shorter than the minimum length %d", svc.Prefix, p, minLen)
		}
		matched := 0
		lp := strings.ToLower(p)
		stem, star := strings.CutSuffix(lp, "*")
		for _, full := range names {
			var ok bool
			switch {
			case strings.ContainsAny(stem, "*?"):
				ok = iamdb.Glob(p, full)
			case star:
				ok = strings.HasPrefix(full, stem)
			default:
				ok = full == lp
			}
			if ok {
				got[full] = true
				matched++
			}
		}
		if matched == 0 {
			t.Errorf("%s: pattern %q matches nothing", svc.Prefix, p)
		}
	}
	var lost, added []string
	for a := range want {
		if !got[a] {
			lost = append(lost, a)
		}
	}
	for a := range got {
		if !want[a] {
			added = append(added, a)
		}
	}
	sort.Strings(lost)
	sort.Strings(added)
	if len(lost) > 0 || len(added) > 0 {
		t.Errorf("%s (min length %d, %d actions): minimized list %v\n  lost %v\n  added %v", svc.Prefix, minLen, len(desired), minimized, lost, added)
	}
}

// TestMinimizeExamples pins the behaviour on hand-checked cases.
func TestMinimizeExamples(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	u := minimize.NewUniverse(db)
	for _, tc := range []struct {
		name    string
		desired []string
		minLen  int
		// mustCover are actions some output pattern must match;
		// mustNot are actions no output pattern may match.
		mustCover, mustNot []string
	}{
		{"prefix of another desired action", []string{"ssm:GetParameters", "ssm:GetParametersByPath"}, 0,
			[]string{"ssm:GetParameters", "ssm:GetParametersByPath"}, []string{"ssm:GetParameter", "ssm:GetParameterHistory"}},
		{"case-insensitive input", []string{"S3:GETOBJECT"}, 0,
			[]string{"s3:GetObject"}, []string{"s3:GetObjectAcl", "s3:GetObjectVersion"}},
		{"a whole access level", []string{"sqs:ListQueues", "sqs:ListQueueTags", "sqs:ListDeadLetterSourceQueues"}, 0,
			[]string{"sqs:ListQueueTags"}, []string{"sqs:SendMessage", "sqs:ListMessageMoveTasks"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := u.Minimize(tc.desired, tc.minLen)
			if !sort.StringsAreSorted(got) {
				t.Errorf("output not sorted: %v", got)
			}
			matches := func(a string) bool {
				for _, p := range got {
					if iamdb.Glob(p, a) {
						return true
					}
				}
				return false
			}
			for _, a := range tc.mustCover {
				if !matches(a) {
					t.Errorf("%v does not cover %s", got, a)
				}
			}
			for _, a := range tc.mustNot {
				if db.Action(a) == nil {
					t.Fatalf("test data: %s is not in the dataset", a)
				}
				if matches(a) {
					t.Errorf("%v widens the policy to %s", got, a)
				}
			}
		})
	}
}
