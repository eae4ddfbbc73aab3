package workbench_test

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/internal/managedcorpus"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// managedInputs is every AWS managed policy's latest version as one
// input each, sorted by name: what `policy-sentry analyze --policy DIR`
// reads from a folder of the 1,594 files.
func managedInputs(tb testing.TB) []workbench.Input {
	tb.Helper()
	all, err := managedcorpus.Load()
	if err != nil {
		tb.Fatal(err)
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	inputs := make([]workbench.Input, len(names))
	for i, n := range names {
		inputs[i] = workbench.Input{Name: n + ".json", Data: all[n].Versions[all[n].LatestVersionID].Document}
	}
	return inputs
}

// BenchmarkAuditManaged is AuditAll over every AWS managed policy (one
// input each): reading, the checks AWS would reject on, and the audit;
// the work of `policy-sentry analyze --policy DIR` less the report.
func BenchmarkAuditManaged(b *testing.B) {
	db := defaultDB(b)
	inputs := managedInputs(b)
	b.ReportMetric(float64(len(inputs)), "policies")
	opts := workbench.AuditOptions{Options: audit.Options{InfrastructureModification: true}}
	b.ReportAllocs()
	for b.Loop() {
		res, err := workbench.AuditAll(db, inputs, opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Report.Policies) != len(inputs) {
			b.Fatalf("%d reports for %d inputs", len(res.Report.Policies), len(inputs))
		}
	}
}

// TestAuditAllParallel audits every AWS managed policy, with unreadable
// inputs and policies AWS would reject among them, on one core and on
// four goroutines, and checks that the reports (JSON and text) and the
// diagnostics are the same bytes: results are placed by input order,
// whatever finishes first. Under -race it also checks the workers share
// nothing unsynchronized.
func TestAuditAllParallel(t *testing.T) {
	db := defaultDB(t)
	inputs := managedInputs(t)
	bad, err := os.ReadFile("testdata/audit/bad-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	rejected := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","NotResource":"arn:aws:s3:::b/*"}]}`)
	for _, at := range []int{0, 17, 800, len(inputs)} {
		extra := []workbench.Input{{Name: fmt.Sprintf("bad-%d.json", at), Data: bad}, {Name: fmt.Sprintf("rejected-%d.json", at), Data: rejected}}
		inputs = slices.Insert(inputs, at, extra...)
	}
	render := func(procs int) string {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		res, err := workbench.AuditAll(db, inputs, workbench.AuditOptions{Options: audit.Options{InfrastructureModification: true}})
		if err != nil {
			t.Fatal(err)
		}
		js, _, err := res.Render("json")
		if err != nil {
			t.Fatal(err)
		}
		txt, _, err := res.Render("text")
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%s\n%s\n%v", js, txt, res.Diagnostics)
	}
	one, four := render(1), render(4)
	if one != four {
		t.Fatalf("reports differ between one core (%d bytes) and four goroutines (%d bytes)", len(one), len(four))
	}
	for _, want := range []string{`"name":"rejected-800.json","error":"AWS would reject this policy`, "bad-17.json:6:17", `"name":"AWSLambdaExecute.json"`} {
		if !strings.Contains(one, want) {
			t.Errorf("the report lacks %s", want)
		}
	}
}
