package writer_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/testshared"
	"github.com/leastpriv/policysentry/engine/internal/testshared/psdb"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/leastpriv/policysentry/engine/writer"
)

// TestParityWritePolicy runs every write-policy case of ../shared/parity
// whose Policy Sentry run succeeded and compares the policy, statement by
// statement, in order.
func TestParityWritePolicy(t *testing.T) {
	sharedDir := testshared.Dir(t)
	db := psdb.Load(t)
	cases, _ := filepath.Glob(filepath.Join(sharedDir, "parity/*/*"))
	ran := 0
	for _, dir := range cases {
		args := readLines(t, filepath.Join(dir, "args"))
		if len(args) == 0 || args[0] != "write-policy" {
			continue
		}
		code := strings.TrimSpace(readFile(t, filepath.Join(dir, "exit_code")))
		expected := filepath.Join(dir, "expected.json")
		if code != "0" || !exists(expected) {
			continue
		}
		ran++
		name := filepath.Base(filepath.Dir(dir)) + "/" + filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			opts := minimizeOpts(args)
			src := readFile(t, filepath.Join(dir, "input.yml"))
			tmpl, err := template.Parse([]byte(src), "input.yml")
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			res, err := writer.Write(db, tmpl, opts)
			if err != nil {
				t.Fatalf("write: %v", err)
			}
			var want writer.Policy
			if err := json.Unmarshal([]byte(readFile(t, expected)), &want); err != nil {
				t.Fatalf("expected.json: %v", err)
			}
			if !reflect.DeepEqual(*res.Policy, want) {
				got, _ := json.MarshalIndent(res.Policy, "", "    ")
				t.Errorf("policy differs from Policy Sentry's\n--- got\n%s\n--- want\n%s", got, readFile(t, expected))
			}
		})
	}
	if ran < 50 {
		t.Fatalf("only %d write-policy parity cases found under %s", ran, sharedDir)
	}
}

func minimizeOpts(args []string) writer.Options {
	var o writer.Options
	for i, a := range args {
		if a == "--minimize" || a == "-m" {
			o.Minimize = true
			if i+1 < len(args) {
				if n, err := strconv.Atoi(args[i+1]); err == nil {
					o.MinLength = n
				}
			}
		}
		if v, ok := strings.CutPrefix(a, "--minimize="); ok {
			o.Minimize = true
			o.MinLength, _ = strconv.Atoi(v)
		}
	}
	return o
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readLines(t testing.TB, path string) []string {
	var out []string
	for _, l := range strings.Split(readFile(t, path), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
