package validate

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/internal/testshared"
)

// TestWriterPolicies: every policy the writer generates (its golden
// outputs for the golden templates in both modes, which TestGolden keeps
// equal to the writer's output, and the parity cases' policies, which
// TestParityWritePolicy keeps equal) has no ERROR and no SECURITY_WARNING
// except those listed with their reason in testdata/writer-exceptions.txt.
func TestWriterPolicies(t *testing.T) {
	db := loadDB(t)
	files, err := filepath.Glob("../writer/testdata/golden/*.json")
	if err != nil || len(files) < 20 {
		t.Fatalf("writer golden outputs: %d files, %v", len(files), err)
	}
	if dir, ok := testshared.Lookup(); ok {
		more, _ := filepath.Glob(filepath.Join(dir, "parity/*/*/expected.json"))
		for _, f := range more {
			if b, err := os.ReadFile(filepath.Join(filepath.Dir(f), "args")); err == nil && len(b) > 12 && string(b[:12]) == "write-policy" {
				files = append(files, f)
			}
		}
	}
	sort.Strings(files)
	var docs []namedDoc
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		if filepath.Base(f) == "expected.json" {
			name = "parity/" + filepath.Base(filepath.Dir(filepath.Dir(f))) + "/" + filepath.Base(filepath.Dir(f))
		}
		docs = append(docs, namedDoc{name, b})
	}
	t.Logf("%d writer policies", len(docs))
	checkExceptions(t, db, docs, "testdata/writer-exceptions.txt", diag.SecurityWarning,
		"ERROR and SECURITY_WARNING findings in policies the writer generates, with the reason each is expected.")
}
