package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/testshared"
	"github.com/leastpriv/policysentry/engine/internal/testshared/psdb"
)

// TestParity runs every case in ../shared/parity through the CLI with
// Policy Sentry's dataset and compares with Policy Sentry's real output
// (the rules are in ../shared/README.md).
func TestParity(t *testing.T) {
	sharedDir := testshared.Dir(t)
	db := psdb.Load(t)
	dirs, _ := filepath.Glob(filepath.Join(sharedDir, "parity/*/*"))
	if len(dirs) < 100 {
		t.Fatalf("only %d parity cases under %s", len(dirs), sharedDir)
	}
	for _, dir := range dirs {
		dir, _ := filepath.Abs(dir)
		name := filepath.Base(filepath.Dir(dir)) + "/" + filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			t.Chdir(dir)
			args := lines(mustRead(t, "args"))
			wantCode := strings.TrimSpace(mustRead(t, "exit_code"))
			var stdin []byte
			if !hasInputFile(args) {
				stdin, _ = os.ReadFile("input.yml")
			}
			var out, errb bytes.Buffer
			app := &App{Stdin: bytes.NewReader(stdin), Stdout: &out, Stderr: &errb, ProgName: "policy_sentry", Preloaded: db}
			code := app.Run(args)
			switch wantCode {
			case "0":
				if code != 0 {
					t.Fatalf("exit code %d, want 0; stderr:\n%s", code, errb.String())
				}
				want, file := expected(t)
				got := out.String()
				if len(args) == 1 && args[0] == "--help" {
					// Our root help lists more commands than Policy
					// Sentry's; its own part must be identical.
					if !strings.HasPrefix(got, want) {
						t.Errorf("root help does not start with Policy Sentry's:\n--- got\n%s\n--- want prefix\n%s", got, want)
					}
					return
				}
				if got != want {
					t.Errorf("stdout differs from %s\n--- got\n%s\n--- want\n%s", file, clip(got), clip(want))
				}
			case "2":
				if code != 2 {
					t.Fatalf("exit code %d, want 2 (usage error); stderr:\n%s", code, errb.String())
				}
				if !strings.HasPrefix(errb.String(), "Usage: ") || !strings.Contains(errb.String(), "Error: ") {
					t.Errorf("usage error without a usage message:\n%s", errb.String())
				}
			default:
				t.Fatalf("unhandled expected exit code %s", wantCode)
			}
		})
	}
}

func expected(t *testing.T) (string, string) {
	for _, f := range []string{"expected.json", "expected.txt"} {
		if b, err := os.ReadFile(f); err == nil {
			if f == "expected.json" && !json.Valid(b) {
				t.Fatalf("%s is not valid JSON", f)
			}
			return string(b), f
		}
	}
	t.Fatal("no expected.json or expected.txt")
	return "", ""
}

func hasInputFile(args []string) bool {
	for _, a := range args {
		if a == "-i" || a == "--input-file" || strings.HasPrefix(a, "--input-file=") {
			return true
		}
	}
	return false
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func clip(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "\n...(clipped)"
	}
	return s
}
