package policyfmt

import (
	"math/rand/v2"
	"testing"

	"github.com/leastpriv/policysentry/engine/writer"
)

// BenchmarkSplit splits a 12-statement random policy (about 60,000
// characters) for the managed policy quota.
func BenchmarkSplit(b *testing.B) {
	p := benchPolicy()
	limit, _ := LookupLimit("managed")
	var parts int
	for b.Loop() {
		res, err := Split(p, limit)
		if err != nil {
			b.Fatal(err)
		}
		parts = len(res.Parts)
	}
	b.ReportMetric(float64(Size(p).Chars), "chars")
	b.ReportMetric(float64(parts), "parts")
}

// BenchmarkRender renders the same policy in each format.
func BenchmarkRender(b *testing.B) {
	p := benchPolicy()
	for _, f := range Formats() {
		b.Run(f.Name, func(b *testing.B) {
			for b.Loop() {
				f.Render(p)
			}
		})
	}
}

func benchPolicy() *writer.Policy {
	r := rand.New(rand.NewPCG(1, 2))
	for {
		p := randomPolicy(r, 12)
		if n := Size(p).Chars; n > 40000 && n < 80000 {
			return p
		}
	}
}
