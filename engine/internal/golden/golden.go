// Package golden compares test output with golden files in testdata and
// rewrites them when a test binary runs with -update (after an intended
// change; review the diff before committing).
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the current output")

// Updating reports whether the test binary runs with -update.
func Updating() bool { return *update }

// Check compares got with the golden file at path. An empty got means the
// file must not exist. With -update the file is written (or removed when
// got is empty) instead. hint, when not empty, is added to a mismatch
// report (for example, why the golden files may be out of date).
func Check(t testing.TB, path string, got []byte, hint string) {
	t.Helper()
	if *update {
		if len(got) == 0 {
			if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			return
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		if len(got) > 0 {
			t.Errorf("%s is missing (run go test -update to create it); got:\n%s%s", path, got, hint)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("output differs from %s (run go test -update if the change is intended)\n--- got\n%s\n--- want\n%s%s", path, got, want, hint)
	}
}
