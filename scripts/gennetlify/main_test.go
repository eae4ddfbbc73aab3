package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/BurntSushi/toml"
	"github.com/leastpriv/policysentry/engine/frontend/site"
)

const tomlPath = "../../netlify.toml"

// TestNetlifyTOMLUpToDate fails when netlify.toml was edited by hand or
// engine/frontend/site changed without regenerating it.
func TestNetlifyTOMLUpToDate(t *testing.T) {
	got, err := os.ReadFile(tomlPath)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Render()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("netlify.toml is out of date: run `go run ./scripts/gennetlify` from the repository root")
	}
}

// netlifyFile is netlify.toml decoded independently of Config, so a
// mistake in Config's tags cannot hide a wrong file.
type netlifyFile struct {
	Build   map[string]any `toml:"build"`
	Headers []struct {
		For    string            `toml:"for"`
		Values map[string]string `toml:"values"`
	} `toml:"headers"`
}

// netlifyDefaultCache is what Netlify sends when no rule sets Cache-Control.
const netlifyDefaultCache = "public, max-age=0, must-revalidate"

// netlifyHeaders returns the headers Netlify would add for a path: the
// union of every matching [[headers]] block. A header set by two matching
// blocks is an error (Netlify would combine the two values).
func netlifyHeaders(t *testing.T, f netlifyFile, p string) map[string]string {
	t.Helper()
	out := map[string]string{}
	from := map[string]string{}
	for _, b := range f.Headers {
		re := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(b.For), `\*`, ".*") + "$")
		if !re.MatchString(p) {
			continue
		}
		for k, v := range b.Values {
			k = http.CanonicalHeaderKey(k)
			if prev, dup := from[k]; dup {
				t.Errorf("%s: %s is set by both %q and %q", p, k, prev, b.For)
			}
			out[k], from[k] = v, b.For
		}
	}
	if _, ok := out["Cache-Control"]; !ok {
		out["Cache-Control"] = netlifyDefaultCache
	}
	return out
}

func TestNetlifyAgreesWithHandler(t *testing.T) {
	var f netlifyFile
	if _, err := toml.DecodeFile(tomlPath, &f); err != nil {
		t.Fatalf("netlify.toml: %v", err)
	}
	if f.Build["command"] != "make dist bundle" || f.Build["publish"] != "dist" {
		t.Errorf("build settings: command %q publish %q", f.Build["command"], f.Build["publish"])
	}
	env, _ := f.Build["environment"].(map[string]any)
	gv, _ := env["GO_VERSION"].(string)
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	if !strings.HasPrefix(gv, string(m[1])+".") {
		t.Errorf("GO_VERSION %q is not a %s.x release (go.mod)", gv, m[1])
	}

	fsys := fstest.MapFS{}
	paths := []string{"/", "/index.html", "/sw.js", "/assets.json", "/manifest.json", "/loader.js", "/app.css",
		"/policy-sentry-offline.html", "/app.0123456789ab.wasm", "/iam.0123456789ab.bin.zst"}
	for _, p := range paths[1:] {
		fsys[strings.TrimPrefix(p, "/")] = &fstest.MapFile{Data: []byte("x")}
	}
	h := site.New(fsys)
	for _, p := range paths {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != 200 {
			t.Fatalf("%s: HTTP %d", p, rec.Code)
		}
		net := netlifyHeaders(t, f, p)
		for _, sh := range site.SecurityHeaders {
			if got := net[sh.Name]; got != sh.Value {
				t.Errorf("%s: Netlify sends %s %q, engine/frontend/site %q", p, sh.Name, got, sh.Value)
			}
			if got := rec.Header().Get(sh.Name); got != sh.Value {
				t.Errorf("%s: handler sends %s %q, engine/frontend/site %q", p, sh.Name, got, sh.Value)
			}
		}
		hc, nc := rec.Header().Get("Cache-Control"), net["Cache-Control"]
		hashed := strings.HasPrefix(p, "/app.") && strings.HasSuffix(p, ".wasm") || strings.HasPrefix(p, "/iam.")
		switch {
		case hashed:
			if hc != site.CacheImmutable || nc != site.CacheImmutable {
				t.Errorf("%s is content-hashed: handler %q, Netlify %q, want %q", p, hc, nc, site.CacheImmutable)
			}
		case nc == netlifyDefaultCache:
			if hc != site.CacheRevalidate {
				t.Errorf("%s: handler Cache-Control %q, want %q like Netlify's default", p, hc, site.CacheRevalidate)
			}
		default:
			if hc != nc || nc != site.CacheRevalidate {
				t.Errorf("%s: handler Cache-Control %q, Netlify %q, want %q", p, hc, nc, site.CacheRevalidate)
			}
		}
		if strings.HasSuffix(p, ".wasm") {
			if net["Content-Type"] != "application/wasm" || rec.Header().Get("Content-Type") != "application/wasm" {
				t.Errorf("%s: Content-Type handler %q, Netlify %q", p, rec.Header().Get("Content-Type"), net["Content-Type"])
			}
		}
	}
	for _, p := range []string{"/", "/index.html", "/sw.js", "/assets.json"} {
		if got := netlifyHeaders(t, f, p)["Cache-Control"]; got != site.CacheRevalidate {
			t.Errorf("Netlify must send no-cache for %s, sends %q", p, got)
		}
	}
}
