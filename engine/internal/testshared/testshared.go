// Package testshared finds the team's shared folder (../shared beside the
// repository root) for tests that compare against Policy Sentry's real
// outputs. The product never needs it; only tests read it.
package testshared

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvDir names the environment variable that overrides the location.
const EnvDir = "POLICY_SENTRY_SHARED"

// EnvRequire, when set to 1, turns a missing shared folder into a test
// failure instead of a skip (use it where the folder must be present).
const EnvRequire = "POLICY_SENTRY_REQUIRE_SHARED"

// Lookup returns the shared folder: $POLICY_SENTRY_SHARED, or ../shared
// beside the module root (the folder holding go.mod). ok is false when
// neither exists.
func Lookup() (dir string, ok bool) {
	if d := os.Getenv(EnvDir); d != "" {
		if isDir(d) {
			return d, true
		}
		return d, false
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			s := filepath.Join(filepath.Dir(d), "shared")
			return s, isDir(s)
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

// Dir returns the shared folder, or skips the test (fails it when
// POLICY_SENTRY_REQUIRE_SHARED=1) when the folder is absent.
func Dir(t testing.TB) string {
	t.Helper()
	d, ok := Lookup()
	if !ok {
		msg := "the shared folder (../shared beside the repository, or $" + EnvDir + ") is absent: " + d
		if os.Getenv(EnvRequire) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return d
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
