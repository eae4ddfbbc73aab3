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
