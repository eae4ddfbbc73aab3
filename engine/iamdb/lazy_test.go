package iamdb_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// TestLoadVerified checks that the lazy load of the real dataset gives the
// same database as the full load: the same counts and look-ups, and, once
// every service's actions are decoded (by many goroutines at once, for the
// race detector), the same encoding byte for byte.
func TestLoadVerified(t *testing.T) {
	c := dataset.Compressed()
	m, err := dataset.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if err := iamdb.CheckSHA256(c, m.SHA256); err != nil {
		t.Fatal(err)
	}
	want, err := iamdb.Load(c, m.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	db, err := iamdb.LoadVerified(c)
	if err != nil {
		t.Fatal(err)
	}
	if db.Manifest.Counts != want.Manifest.Counts {
		t.Errorf("lazy counts %+v, full load %+v", db.Manifest.Counts, want.Manifest.Counts)
	}
	if iamdb.Decoded(db) != 0 {
		t.Errorf("%d services decoded their actions before any was asked for", iamdb.Decoded(db))
	}
	// A look-up decodes the one service it needs.
	if a := db.Action("s3:GetObject"); a == nil || a.AccessLevel != iamdb.Read || a.Service.Prefix != "s3" {
		t.Fatalf("s3:GetObject = %+v", a)
	}
	if got := iamdb.Decoded(db); got != 1 {
		t.Errorf("after one look-up %d services are decoded, want 1", got)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := len(db.Services) - 1 - g; i >= 0; i -= 2 {
				for _, a := range db.Services[i].Actions() {
					if a.Service != db.Services[i] {
						t.Errorf("%s: action linked to %v", a.Name, a.Service)
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	if err := db.LazyErr(); err != nil {
		t.Fatal(err)
	}
	got, err := iamdb.Encode(db)
	if err != nil {
		t.Fatal(err)
	}
	full, err := iamdb.Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, full) {
		t.Error("the lazily decoded DB encodes differently from the fully loaded one")
	}
}

// TestCheckSHA256 checks the integrity errors say what is wrong and what
// to do.
func TestCheckSHA256(t *testing.T) {
	c := dataset.Compressed()
	err := iamdb.CheckSHA256(c, strings.Repeat("0", 64))
	if err == nil || !strings.Contains(err.Error(), "corrupt or stale") || !strings.Contains(err.Error(), "reload") {
		t.Errorf("wrong sha256: %v", err)
	}
	if err := iamdb.CheckDigest("ab", "ab"); err != nil {
		t.Errorf("equal digests: %v", err)
	}
}
