package api_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/frontend/api"
	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// TestGrantPolicy posts every template of testdata/grant (resource-*.yml
// to /api/v1/resource-policy, trust-*.yml to /api/v1/trust-policy) in
// json and yaml and compares status, headers and body with the golden
// files; the body is what `write-policy --fmt` prints.
func TestGrantPolicy(t *testing.T) {
	h := newHandler(t)
	files, _ := filepath.Glob("testdata/grant/*.yml")
	if len(files) == 0 {
		t.Fatal("no templates in testdata/grant")
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			endpoint := "/api/v1/" + strings.SplitN(name, "-", 2)[0] + "-policy"
			var b strings.Builder
			for _, format := range []string{"json", "yaml"} {
				w := do(h, http.MethodPost, endpoint+"?fmt="+format, "application/yaml", src)
				fmt.Fprintf(&b, "=== POST %s?fmt=%s: %d\n", endpoint, format, w.Code)
				for _, k := range []string{"Content-Type", api.ValidatedAsHeader, api.FindingsHeader} {
					if v := w.Header().Get(k); v != "" {
						fmt.Fprintf(&b, "%s: %s\n", k, v)
					}
				}
				fmt.Fprintf(&b, "\n%s", w.Body)
				if w.Code == http.StatusOK {
					if cli := runCLI(t, "write-policy", "--input-file", f, "--fmt", format); cli != w.Body.String() {
						t.Errorf("fmt=%s: the body differs from write-policy's output", format)
					}
					// POST /api/v1/policy dispatches on the mode too.
					if p := do(h, http.MethodPost, "/api/v1/policy?fmt="+format, "application/yaml", src); p.Body.String() != w.Body.String() {
						t.Errorf("fmt=%s: /api/v1/policy answers differently: %d %s", format, p.Code, p.Body)
					}
				}
			}
			golden.Check(t, strings.TrimSuffix(f, ".yml")+".golden", []byte(b.String()), "go test ./engine/frontend/api -run TestGrantPolicy -update")
		})
	}
}

// TestGrantPolicyErrors: the wrong endpoint for the mode, parameters that
// do not apply, JSON bodies.
func TestGrantPolicyErrors(t *testing.T) {
	h := newHandler(t)
	trust := readTestdata(t, "grant/trust-github.yml")
	for _, tc := range []struct {
		target, ctype string
		body          []byte
		status        int
		want          string
	}{
		{"/api/v1/resource-policy", "application/yaml", trust, 400, "POST it to /api/v1/trust-policy"},
		{"/api/v1/trust-policy?fmt=terraform", "application/yaml", trust, 400, "fmt"},
		{"/api/v1/trust-policy?minimize=1", "application/yaml", trust, 400, "minimize"},
		{"/api/v1/policy?minimize=1", "application/yaml", trust, 400, "minimize applies to identity policies"},
		{"/api/v1/policy?fmt=terraform", "application/yaml", trust, 400, "json or yaml"},
		{"/api/v1/trust-policy", "text/plain", trust, 415, "Content-Type"},
		{"/api/v1/trust-policy", "application/json", []byte(`{"mode": "trust", "grants": [{"services": "ec2.amazonaws.com"}]}`), 200, "ec2.amazonaws.com"},
		{"/api/v1/trust-policy", "application/json", []byte(`{"mode": "trust", "grants": [{"services": 1}`), 400, "malformed JSON"},
		{"/api/v1/trust-policy", "application/yaml", []byte("grants: []\n"), 400, `"line": 1`},
	} {
		w := do(h, http.MethodPost, tc.target, tc.ctype, tc.body)
		if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("%s %s: %d, want %d with %q:\n%s", tc.target, tc.ctype, w.Code, tc.status, tc.want, w.Body)
		}
	}
	if w := do(h, http.MethodGet, "/api/v1/trust-policy", "", nil); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", w.Code)
	}
}
