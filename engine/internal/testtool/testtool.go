// Package testtool finds the external tools some tests run (node, and npm
// packages fetched into .cache/npm by `go run ./scripts/fetchcorpus`). A
// test skips with a message saying how to get a missing tool, or fails
// when POLICY_SENTRY_REQUIRE_TOOLS=1 (set in .ci/run), so that CI can
// never skip those tests silently. The product never needs them.
package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// EnvRequire, when set to 1, turns a missing tool into a test failure.
const EnvRequire = "POLICY_SENTRY_REQUIRE_TOOLS"

// TypeScript is the pinned TypeScript compiler's tarball under .cache/npm
// (scripts/fetchcorpus pins the same version).
const TypeScript = "typescript-5.6.3.tgz"

// missing skips or fails the test.
func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv(EnvRequire) == "1" {
		t.Fatal(msg + " (" + EnvRequire + "=1)")
	}
	t.Skip(msg)
}

// Command returns the path of a program on PATH, or skips (fails) the
// test, saying how to install it.
func Command(t testing.TB, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name+" is not installed: "+install)
	}
	return p
}

// NPM returns the path of a tarball fetched into .cache/npm at the module
// root, or skips (fails) the test.
func NPM(t testing.TB, tarball string) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(d, ".cache", "npm", tarball)
			if _, err := os.Stat(p); err != nil {
				missing(t, p+" is absent: fetch it with `go run ./scripts/fetchcorpus` (make test does)")
			}
			return p
		}
		if filepath.Dir(d) == d {
			missing(t, "no go.mod above "+wd)
			return ""
		}
	}
}
