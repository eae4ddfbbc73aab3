//go:build !(js && wasm)

package main

import (
	"bytes"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedCodeIsFresh regenerates the Vugu components into a copy of
// the package with the pinned generator (testdata/vugugen) and checks
// that the committed 0_components_gen.go is what it writes (both gofmt'ed
// before comparing). Run `make generate` after editing a .vugu file.
func TestGeneratedCodeIsFresh(t *testing.T) {
	tmp := t.TempDir()
	files, err := filepath.Glob("*")
	if err != nil {
		t.Fatal(err)
	}
	copied := 0
	for _, f := range files {
		if !(strings.HasSuffix(f, ".vugu") || strings.HasSuffix(f, ".go")) || f == genFile || strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, ".vugu") {
			copied++
		}
	}
	if copied < 2 {
		t.Fatalf("only %d .vugu files found", copied)
	}
	cmd := exec.Command("go", "run", "github.com/vugu/vugu/cmd/vugugen", "-s", "-skip-go-mod", "-skip-main", tmp)
	cmd.Dir = filepath.Join("testdata", "vugugen")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("vugugen: %v\n%s", err, out)
	}
	want := gofmt(t, filepath.Join(tmp, genFile))
	got := gofmt(t, genFile)
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: regenerate it (see this test's doc comment)", genFile)
	}
}

// genFile is vugugen's single-file output (-s).
const genFile = "0_components_gen.go"

func gofmt(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := format.Source(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f
}
