package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/audit"
)

// TestGenerateDeterministic checks that a seed gives the same file and
// that the file has the principals and policies asked for.
func TestGenerateDeterministic(t *testing.T) {
	c := config{principals: 200, policies: 20, inline: 2, attached: 2, star: 0.5, seed: 7}
	a, err := generate(c)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := generate(c)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different output")
	}
	var doc struct {
		UserDetailList, GroupDetailList, RoleDetailList, Policies []json.RawMessage
	}
	if err := json.Unmarshal(a, &doc); err != nil {
		t.Fatal(err)
	}
	if n := len(doc.UserDetailList) + len(doc.GroupDetailList) + len(doc.RoleDetailList); n != 200 || len(doc.Policies) != 20 {
		t.Errorf("%d principals, %d policies", n, len(doc.Policies))
	}
}

// BenchmarkAnalyzeGeneratedAccount analyzes a generated account of 10,000
// principals and 500 managed policies per principal (at 5 % and 50 % of
// policies holding a "service:*" action) and writes the JSON report,
// reporting its size.
func BenchmarkAnalyzeGeneratedAccount(b *testing.B) {
	db, err := dataset.Default()
	if err != nil {
		b.Fatal(err)
	}
	for _, star := range []float64{0.05, 0.5} {
		src, err := generate(config{principals: 10000, policies: 500, inline: 2, attached: 2, star: star, seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("star=%.0f%%", star*100), func(b *testing.B) {
			b.ReportMetric(float64(len(src))/1e6, "input-MB")
			for i := 0; i < b.N; i++ {
				rep, err := audit.AnalyzeAccount(db, src, "account.json", audit.Options{InfrastructureModification: true})
				if err != nil {
					b.Fatal(err)
				}
				var n countingWriter
				if err := rep.WriteJSON(&n); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(n)/1e6, "report-MB")
			}
		})
	}
}

type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
