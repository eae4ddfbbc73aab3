// Package dataset embeds the default IAM database (iam.bin.zst, built by
// scripts/builddataset from the pinned source) for the native CLI and server.
// The WebAssembly app does not import this package: it fetches the same
// file from its own origin.
package dataset

import (
	_ "embed"
	"fmt"
	"sync"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

//go:embed iam.bin.zst
var compressed []byte

//go:embed manifest.json
var manifestJSON []byte

// Compressed returns the embedded dataset file (zstd).
func Compressed() []byte { return compressed }

// ManifestJSON returns dataset/manifest.json as committed.
func ManifestJSON() []byte { return manifestJSON }

// Manifest returns the parsed manifest.
func Manifest() (iamdb.Manifest, error) {
	m, err := iamdb.DecodeManifest(manifestJSON)
	if err != nil {
		return m, fmt.Errorf("dataset/manifest.json: %w", err)
	}
	return m, nil
}

var (
	once   sync.Once
	loaded *iamdb.DB
	errLd  error
)

// Fresh decodes the embedded dataset into a new DB that the caller owns
// and may change (for example, apply a user's access-level overrides to)
// without affecting Default's shared copy.
func Fresh() (*iamdb.DB, error) {
	m, err := Manifest()
	if err != nil {
		return nil, err
	}
	// No sha256 check: the file is embedded in the binary, and a test
	// checks that it matches manifest.json.
	db, err := iamdb.Load(compressed, "")
	if err != nil {
		return nil, err
	}
	db.Manifest.File, db.Manifest.SHA256, db.Manifest.Size = m.File, m.SHA256, m.Size
	return db, nil
}

// Default returns the embedded dataset, decoded once and shared: callers
// must not change it (use Fresh for a private copy). Only the file's
// header (services, resource types, condition keys) is decompressed at
// first; each service's actions are decompressed and decoded when first
// asked for (iamdb.LoadPermanentVerified), so a command that needs a few
// services, such as write-policy of a template naming three, does not
// decompress the other four hundred. On Linux the decompressed bytes lie
// outside the Go heap (see iamdb.LoadPermanent): the collector would not
// see a pointer stored into them.
func Default() (*iamdb.DB, error) {
	once.Do(func() {
		m, err := Manifest()
		if err != nil {
			errLd = err
			return
		}
		// No sha256 check (see Fresh): the embedded file is verified by
		// TestManifest. The shared DB lives as long as the
		// process: its bytes are in memory that is never freed.
		loaded, errLd = iamdb.LoadPermanentVerified(compressed, permanentMemory(iamdb.RawSize(compressed)))
		if errLd == nil {
			loaded.Manifest.File, loaded.Manifest.SHA256, loaded.Manifest.Size = m.File, m.SHA256, m.Size
		}
	})
	return loaded, errLd
}
