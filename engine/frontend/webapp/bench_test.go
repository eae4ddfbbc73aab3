package webapp

import (
	"os"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// The screens recompute on every keystroke: these measure one
// recomputation of a golden case (dataset loaded).

func BenchmarkCompareScreen(b *testing.B) {
	db, err := dataset.Default()
	if err != nil {
		b.Fatal(err)
	}
	var s CompareState
	readCase(b, "testdata/compare/guardrails.yml", &s)
	b.ReportAllocs()
	for b.Loop() {
		if v := Compare(db, s); !v.Failed {
			b.Fatal("the case no longer fails")
		}
	}
}

func BenchmarkSimulateScreen(b *testing.B) {
	db, err := dataset.Default()
	if err != nil {
		b.Fatal(err)
	}
	var s SimulateState
	readCase(b, "testdata/simulate/explicit-deny-scp.yml", &s)
	b.ReportAllocs()
	for b.Loop() {
		if v := Simulate(db, s); len(v.Results) != 1 {
			b.Fatal("no decision")
		}
	}
}

// readCase reads a case's YAML into the state (keys as in the state's
// JSON names, lowercase for yaml.v3).
func readCase(b *testing.B, path string, into any) {
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(src, &m); err != nil {
		b.Fatal(err)
	}
	switch s := into.(type) {
	case *CompareState:
		s.Old, _ = m["old"].(string)
		s.New, _ = m["new"].(string)
		s.Guardrails, _ = m["guardrails"].(string)
		s.MustNotGrant, _ = m["mustNotGrant"].(string)
	case *SimulateState:
		for _, bx := range SimulateBoxes {
			t, _ := m[bx.Key].(string)
			s.SetText(bx.Key, t)
		}
		s.Action, _ = m["action"].(string)
		s.ResourceARN, _ = m["arn"].(string)
		s.Context, _ = m["context"].(string)
	}
}

// BenchmarkWriteWithChecks is one keystroke on a write screen: the
// policy written and validated; BenchmarkWriteWithoutChecks is the
// write alone, for the validation's share.
func BenchmarkWriteWithChecks(b *testing.B) { benchWrite(b, WritePolicyWith) }

func BenchmarkWriteWithoutChecks(b *testing.B) { benchWrite(b, writePolicy) }

func benchWrite(b *testing.B, write func(*iamdb.DB, string, OutputOptions) PolicyOutput) {
	db, src := crudCase(b)
	b.ReportAllocs()
	for b.Loop() {
		if out := write(db, string(src), OutputOptions{}); out.JSON == "" {
			b.Fatal("no policy")
		}
	}
}
