package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/frontend/api"
)

// siteFS is a dist/-like folder: manifest.json naming a hashed dataset file.
func siteFS(t *testing.T, sha string) fstest.MapFS {
	t.Helper()
	m, err := dataset.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	m.File = "iam.0123456789ab.bin.zst"
	m.SHA256 = sha
	mb, _ := json.Marshal(m)
	return fstest.MapFS{
		"manifest.json":            {Data: mb},
		"iam.0123456789ab.bin.zst": {Data: dataset.Compressed()},
	}
}

func getFrom(fsys fs.FS, calls *[]string) func(context.Context, string) ([]byte, error) {
	return func(_ context.Context, name string) ([]byte, error) {
		*calls = append(*calls, name)
		return fs.ReadFile(fsys, name)
	}
}

// TestSiteDataset checks the dataset loads from a site's files (as the
// Worker reads its static assets), once, and that a bad file is refused.
func TestSiteDataset(t *testing.T) {
	sum := sha256.Sum256(dataset.Compressed())
	good := siteFS(t, hex.EncodeToString(sum[:]))
	var calls []string
	load := api.SiteDataset(getFrom(good, &calls))
	db, err := load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := dataset.Default()
	if len(db.Services) != len(want.Services) || db.Manifest.File != "iam.0123456789ab.bin.zst" {
		t.Errorf("loaded %d services, file %q; want %d, iam.0123456789ab.bin.zst", len(db.Services), db.Manifest.File, len(want.Services))
	}
	if _, err := load(context.Background()); err != nil || len(calls) != 2 {
		t.Errorf("second load: err %v, %d reads (want the cached dataset, 2 reads in all)", err, len(calls))
	}

	bad := siteFS(t, strings.Repeat("0", 64))
	calls = nil
	load = api.SiteDataset(getFrom(bad, &calls))
	if _, err := load(context.Background()); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Errorf("a dataset with the wrong sha256 loaded: %v", err)
	}
	if _, err := load(context.Background()); err == nil || len(calls) != 4 {
		t.Errorf("a failed load is not retried: %d reads", len(calls))
	}

	calls = nil
	load = api.SiteDataset(getFrom(fstest.MapFS{}, &calls))
	if _, err := load(context.Background()); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "manifest.json") {
		t.Errorf("missing manifest: %v", err)
	}
	evil := fstest.MapFS{"manifest.json": {Data: []byte(`{"file":"../secret","sha256":"00"}`)}}
	load = api.SiteDataset(getFrom(evil, &calls))
	if _, err := load(context.Background()); err == nil || !strings.Contains(err.Error(), "must name the dataset file") {
		t.Errorf("a manifest naming ../secret: %v", err)
	}
	// The handler answers 200 through such a loader.
	h := api.New(api.Options{DB: api.SiteDataset(getFrom(good, new([]string)))})
	if w := do(h, "GET", "/api/v1/query/services", "", nil); w.Code != 200 {
		t.Errorf("handler on a site dataset: status %d", w.Code)
	}
}
