package webapp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"go.yaml.in/yaml/v3"
)

// eachCase runs fn as a subtest for every testdata/<dir>/*.yml file with
// the built-in dataset, the file's path without ".yml" (where its .golden
// file is) and its bytes; a folder without cases fails.
func eachCase(t *testing.T, dir string, fn func(t *testing.T, db *iamdb.DB, base string, src []byte)) {
	t.Helper()
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.yml"))
	if len(files) == 0 {
		t.Fatalf("no cases in testdata/%s", dir)
	}
	for _, f := range files {
		base := strings.TrimSuffix(f, ".yml")
		t.Run(filepath.Base(base), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			fn(t, db, base, src)
		})
	}
}

// decodeCase decodes a case's YAML into v; a key v has no field for is
// an error.
func decodeCase(t *testing.T, src []byte, v any) {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(string(src)))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatal(err)
	}
}
