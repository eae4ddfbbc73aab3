package writer_test

import (
	"fmt"
	"github.com/leastpriv/policysentry/engine/diag"
	"regexp"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/leastpriv/policysentry/engine/writer"
)

var placeholder = regexp.MustCompile(`\$\{[^}]*\}`)

// manyARNs builds a CRUD template of n ARNs across the first services (by
// dataset order) that have resource types in their own namespace: each
// ARN is a resource type's format with its placeholders filled in, and
// the ARNs are spread over the five access levels.
func manyARNs(t testing.TB, db *iamdb.DB, n, services int) *template.Template {
	var svcs []*iamdb.Service
	for _, s := range db.Services {
		own := 0
		for _, r := range s.Resources {
			if strings.HasPrefix(r.ARN, "arn:${Partition}:"+s.Prefix+":") {
				own++
			}
		}
		if own > 0 {
			svcs = append(svcs, s)
		}
		if len(svcs) == services {
			break
		}
	}
	if len(svcs) < services {
		t.Fatalf("only %d services with resource types", len(svcs))
	}
	tmpl := &template.Template{Mode: template.ModeCRUD}
	levels := []*[]template.Entry{&tmpl.Read, &tmpl.Write, &tmpl.List, &tmpl.Tagging, &tmpl.PermissionsManagement}
	for i := 0; i < n; i++ {
		s := svcs[i%len(svcs)]
		r := s.Resources[(i/len(svcs))%len(s.Resources)]
		k := 0
		arn := placeholder.ReplaceAllStringFunc(r.ARN, func(p string) string {
			k++
			switch p {
			case "${Partition}":
				return "aws"
			case "${Region}":
				return "us-east-1"
			case "${Account}":
				return "123456789012"
			}
			return fmt.Sprintf("r%d-%d", i, k)
		})
		l := levels[(i/len(svcs))%len(levels)]
		*l = append(*l, template.Entry{Value: arn, Pos: diag.Position{Line: i + 1, Column: 3}})
	}
	return tmpl
}

// BenchmarkWrite1000ARNs50Services writes one policy from 1,000 ARNs
// across 50 services (dataset already loaded).
func BenchmarkWrite1000ARNs50Services(b *testing.B) {
	db := defaultDB(b)
	tmpl := manyARNs(b, db, 1000, 50)
	res, err := writer.Write(db, tmpl, writer.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Policy.Statement) < 50 {
		b.Fatalf("only %d statements from 1,000 ARNs", len(res.Policy.Statement))
	}
	b.ReportMetric(float64(len(res.Policy.Statement)), "statements")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := writer.Write(db, tmpl, writer.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite1000ARNs50ServicesMinimized is the same with --minimize.
func BenchmarkWrite1000ARNs50ServicesMinimized(b *testing.B) {
	db := defaultDB(b)
	tmpl := manyARNs(b, db, 1000, 50)
	for i := 0; i < b.N; i++ {
		if _, err := writer.Write(db, tmpl, writer.Options{Minimize: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestManyARNs checks the benchmark's input: every generated ARN matches
// a resource type, so the benchmark measures real matching work.
func TestManyARNs(t *testing.T) {
	db := defaultDB(t)
	tmpl := manyARNs(t, db, 1000, 50)
	res, err := writer.Write(db, tmpl, writer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range res.Warnings {
		if strings.Contains(w.Message, "matches no resource type") {
			t.Errorf("generated ARN matches nothing: %s", w)
		}
	}
	services := map[string]bool{}
	for _, s := range res.Policy.Statement {
		for _, r := range s.Resource {
			if p := strings.SplitN(r, ":", 4); len(p) == 4 {
				services[p[2]] = true
			}
		}
	}
	if len(services) < 45 {
		t.Errorf("the policy covers %d services, want about 50", len(services))
	}
}

// conditionBlocks are the condition blocks the conditions benchmark adds
// to the 1,000-ARN template: keys every action supports, keys only some
// support (so statements split), and per-section blocks.
const conditionBlocks = `condition:
  source-ip: [203.0.113.0/24, 198.51.100.0/24]
  requested-region: [us-east-1, eu-west-1]
  resource-tags: {team: payments}
  request-tags: {env: prod}
  mfa: true
read-condition:
  vpc-endpoint: vpce-1a2b3c4d
write-condition:
  StringEquals:
    aws:ResourceAccount: "123456789012"
`

// BenchmarkWrite1000ARNsWithConditions parses the 1,000-ARN template of
// BenchmarkWrite1000ARNs50Services with condition blocks added (its YAML
// text) and writes its policy: the whole in-process write of a template
// with conditions.
func BenchmarkWrite1000ARNsWithConditions(b *testing.B) {
	db := defaultDB(b)
	text, err := manyARNs(b, db, 1000, 50).Marshal()
	if err != nil {
		b.Fatal(err)
	}
	src := append(text, conditionBlocks...)
	tmpl, err := template.Parse(src, "bench.yml")
	if err != nil {
		b.Fatal(err)
	}
	res, err := writer.Write(db, tmpl, writer.Options{})
	if err != nil {
		b.Fatal(err)
	}
	withCond := 0
	for _, s := range res.Policy.Statement {
		if len(s.Condition) > 0 {
			withCond++
		}
	}
	if withCond < 50 {
		b.Fatalf("only %d statements with conditions", withCond)
	}
	b.ReportMetric(float64(len(res.Policy.Statement)), "statements")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tmpl, err := template.Parse(src, "bench.yml")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := writer.Write(db, tmpl, writer.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
