//go:build !embeddist

// Package webdist holds the web app (dist/) embedded in the native binary
// for `policy-sentry serve`. `make server` builds the app, copies dist/
// into this folder (webdist/dist, gitignored) and builds with
// -tags embeddist; any other build (make cli, go build, go install) has no
// site embedded, so a fresh clone builds without dist/ existing.
package webdist

import "io/fs"

// FS returns nil: this build has no site embedded.
func FS() fs.FS { return nil }
