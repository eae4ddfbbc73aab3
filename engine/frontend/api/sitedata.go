package api

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"sync"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// SiteDataset returns an Options.DB function that loads the dataset the
// way the web app does: get("manifest.json") from the built site (dist/),
// then get(manifest.file), checked against manifest.sha256. The Cloudflare
// Worker uses it to read the dataset from its static assets instead of
// embedding a second copy. A successful load is kept; a failed one is
// retried on the next call.
func SiteDataset(get func(ctx context.Context, name string) ([]byte, error)) func(context.Context) (*iamdb.DB, error) {
	var mu sync.Mutex
	var db *iamdb.DB
	return func(ctx context.Context) (*iamdb.DB, error) {
		mu.Lock()
		defer mu.Unlock()
		if db != nil {
			return db, nil
		}
		mb, err := get(ctx, "manifest.json")
		if err != nil {
			return nil, fmt.Errorf("manifest.json: %w", err)
		}
		var m iamdb.Manifest
		if err := json.Unmarshal(mb, &m); err != nil {
			return nil, fmt.Errorf("manifest.json: %w", err)
		}
		if m.File == "" || m.SHA256 == "" || path.Base(m.File) != m.File {
			return nil, fmt.Errorf("manifest.json: file and sha256 must name the dataset file (got file %q)", m.File)
		}
		b, err := get(ctx, m.File)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.File, err)
		}
		// Checked against the manifest, the file is ours: decode each
		// service's actions when a request first needs them (a Worker
		// instance often answers one request).
		if err := iamdb.CheckSHA256(b, m.SHA256); err != nil {
			return nil, fmt.Errorf("%s: %w", m.File, err)
		}
		d, err := iamdb.LoadVerified(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.File, err)
		}
		d.Manifest.File, d.Manifest.SHA256, d.Manifest.Size = m.File, m.SHA256, m.Size
		db = d
		return db, nil
	}
}
