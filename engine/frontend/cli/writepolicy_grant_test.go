package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/grant"
	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// TestWritePolicyGrant runs write-policy on every template of
// testdata/grant (resource and trust templates), in json and yaml, and
// compares exit code, stdout and stderr with the golden files.
func TestWritePolicyGrant(t *testing.T) {
	files, _ := filepath.Glob("testdata/grant/*.yml")
	if len(files) == 0 {
		t.Fatal("no templates in testdata/grant")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			var b strings.Builder
			for _, format := range []string{"json", "yaml"} {
				code, out, errOut := run(t, "", "write-policy", "--input-file", f, "--fmt", format)
				fmt.Fprintf(&b, "=== --fmt %s: exit %d\n--- stderr\n%s--- stdout\n%s", format, code, errOut, out)
			}
			golden.Check(t, strings.TrimSuffix(f, ".yml")+".golden", []byte(b.String()), "go test ./engine/frontend/cli -run TestWritePolicyGrant -update")
		})
	}
}

// TestWritePolicyGrantStdin: a trust template on stdin; flags that do
// not apply to grant templates are usage errors.
func TestWritePolicyGrantStdin(t *testing.T) {
	src, _ := os.ReadFile("testdata/grant/trust-eks.yml")
	code, out, errOut := run(t, string(src), "write-policy")
	if code != 0 || !strings.Contains(out, "sts:AssumeRoleWithWebIdentity") || !strings.Contains(errOut, "<stdin>: validated as a trust policy") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := run(t, string(src), "write-policy", "--minimize"); code != 2 || !strings.Contains(errOut, "--minimize applies to identity policies") {
		t.Errorf("--minimize: exit %d %s", code, errOut)
	}
	if code, _, errOut := run(t, string(src), "write-policy", "--fmt", "terraform"); code == 0 || !strings.Contains(errOut, "json or yaml") {
		t.Errorf("--fmt terraform: exit %d %s", code, errOut)
	}
}

// TestCreateTemplateGrant: create-template writes the grant skeletons,
// and write-policy writes them.
func TestCreateTemplateGrant(t *testing.T) {
	dir := t.TempDir()
	for _, m := range grant.Modes {
		code, out, errOut := run(t, "", "create-template", "--template-type", string(m))
		if code != 0 || out != string(grant.Skeleton(m)) {
			t.Fatalf("%s: exit %d %s", m, code, errOut)
		}
		p := filepath.Join(dir, string(m)+".yml")
		if code, out, errOut := run(t, "", "create-template", "-t", string(m), "-o", p); code != 0 || out != fmt.Sprintf("%s template file written to: %s\n", m, p) {
			t.Fatalf("%s -o: exit %d %q %s", m, code, out, errOut)
		}
		if code, _, errOut := run(t, "", "write-policy", "-i", p); code != 0 {
			t.Errorf("write-policy of the %s skeleton: exit %d\n%s", m, code, errOut)
		}
	}
}
