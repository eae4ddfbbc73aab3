package diff

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/golden"
	"github.com/leastpriv/policysentry/engine/policy"
)

var realDB = sync.OnceValues(dataset.Default)

func db(t testing.TB) *iamdb.DB {
	t.Helper()
	d, err := realDB()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func loadDocs(t testing.TB, path string) []*policy.Document {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := policy.Load(src, filepath.Base(path))
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// TestCompareGolden runs every case folder in testdata/compare: old.json
// and new.json in, want.txt (the text report) out. Each case's README line
// (the first line of want.txt is not special: read the folder name) names
// the kind of change it exercises.
func TestCompareGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/compare/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			res, err := Compare(db(t), loadDocs(t, filepath.Join(dir, "old.json")), loadDocs(t, filepath.Join(dir, "new.json")))
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := res.WriteText(&buf); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join(dir, "want.txt"), buf.Bytes(), "")
		})
	}
}
