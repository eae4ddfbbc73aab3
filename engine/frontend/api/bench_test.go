package api_test

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkPolicy measures a warm POST /api/v1/policy of crud.yml through
// the handler, the request the Worker's figures are of (make
// bench-worker): the dataset is loaded before the timer starts.
func BenchmarkPolicy(b *testing.B) {
	crud, err := os.ReadFile(filepath.Join("testdata", "crud.yml"))
	if err != nil {
		b.Fatal(err)
	}
	h := newHandler(b)
	for _, c := range []struct{ name, target string }{
		{"json", "/api/v1/policy"},
		{"yaml-minimize", "/api/v1/policy?fmt=yaml&minimize=0"},
	} {
		target := c.target
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest("POST", target, bytes.NewReader(crud))
				r.Header.Set("Content-Type", "application/yaml")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}

// BenchmarkEndpoints measures one warm request of each other POST
// endpoint through the handler, with the test bodies.
func BenchmarkEndpoints(b *testing.B) {
	read := func(name string) []byte {
		src, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		return src
	}
	policy := read("policy.json")
	diff := []byte(`{"old": {"Version": "2012-10-17", "Statement": []}, "new": ` + string(policy) + `}`)
	h := newHandler(b)
	for _, c := range []struct {
		name, target, ctype string
		body                []byte
	}{
		{"analyze", "/api/v1/analyze", "application/json", policy},
		{"validate", "/api/v1/validate", "application/json", policy},
		{"diff", "/api/v1/diff", "application/json", diff},
		{"simulate", "/api/v1/simulate", "application/json", read("simulate.json")},
		{"resource-policy", "/api/v1/resource-policy", "application/yaml", read("grant/resource-s3.yml")},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest("POST", c.target, bytes.NewReader(c.body))
				r.Header.Set("Content-Type", c.ctype)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}
