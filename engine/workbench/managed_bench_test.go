package workbench_test

import (
	"sort"
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
