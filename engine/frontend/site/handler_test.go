package site

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"
)

var page = bytes.Repeat([]byte("<p>least privilege</p>\n"), 200)

func testFS() fstest.MapFS {
	return fstest.MapFS{
		"index.html":               {Data: page},
		"app.0123456789ab.wasm":    {Data: bytes.Repeat([]byte{0, 'a', 's', 'm'}, 500)},
		"iam.0123456789ab.bin.zst": {Data: []byte{0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3}},
		"sw.js":                    {Data: []byte("self.addEventListener('fetch', () => {});\n")},
	}
}

func get(t *testing.T, h http.Handler, method, p, accept string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, p, nil)
	if accept != "" {
		r.Header.Set("Accept-Encoding", accept)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func decode(t *testing.T, enc string, body []byte) []byte {
	t.Helper()
	var r io.Reader
	switch enc {
	case "br":
		r = brotli.NewReader(bytes.NewReader(body))
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		r = zr
	default:
		return body
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s body: %v", enc, err)
	}
	return b
}

func TestCompression(t *testing.T) {
	h := New(testFS())
	for _, c := range []struct{ accept, want string }{
		{"gzip, deflate, br, zstd", "br"},
		{"gzip", "gzip"},
		{"br;q=0, gzip", "gzip"},
		{"gzip;q=0", ""},
		{"identity", ""},
		{"", ""},
		{"*", "br"},
		{"BR;q=0.5", "br"},
	} {
		w := get(t, h, "GET", "/", c.accept)
		if got := w.Header().Get("Content-Encoding"); got != c.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", c.accept, got, c.want)
			continue
		}
		if !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: no Vary: Accept-Encoding", c.accept)
		}
		body := w.Body.Bytes()
		if c.want != "" && len(body) >= len(page) {
			t.Errorf("%s body is %d bytes, not smaller than %d", c.want, len(body), len(page))
		}
		if got := decode(t, c.want, body); !bytes.Equal(got, page) {
			t.Errorf("Accept-Encoding %q: decoded body differs from the file", c.accept)
		}
	}
	// The dataset is already zstd-compressed: sent as is.
	w := get(t, h, "GET", "/iam.0123456789ab.bin.zst", "br, gzip")
	if enc := w.Header().Get("Content-Encoding"); enc != "" {
		t.Errorf("dataset recompressed with %s", enc)
	}
	if !bytes.Equal(w.Body.Bytes(), testFS()["iam.0123456789ab.bin.zst"].Data) {
		t.Error("dataset body differs from the file")
	}
}

func TestHeaders(t *testing.T) {
	h := New(testFS())
	for _, c := range []struct {
		path, ctype, cache string
		code               int
	}{
		{"/", "text/html; charset=utf-8", CacheRevalidate, 200},
		{"/index.html", "text/html; charset=utf-8", CacheRevalidate, 200},
		{"/sw.js", "text/javascript; charset=utf-8", CacheRevalidate, 200},
		{"/app.0123456789ab.wasm", "application/wasm", CacheImmutable, 200},
		{"/iam.0123456789ab.bin.zst", "application/octet-stream", CacheImmutable, 200},
		{"/missing.js", "", "", 404},
	} {
		w := get(t, h, "GET", c.path, "")
		if w.Code != c.code {
			t.Errorf("%s: HTTP %d, want %d", c.path, w.Code, c.code)
		}
		for _, sh := range SecurityHeaders {
			if got := w.Header().Get(sh.Name); got != sh.Value {
				t.Errorf("%s: %s = %q, want %q", c.path, sh.Name, got, sh.Value)
			}
		}
		if c.code != 200 {
			continue
		}
		if got := w.Header().Get("Content-Type"); got != c.ctype {
			t.Errorf("%s: Content-Type %q, want %q", c.path, got, c.ctype)
		}
		if got := w.Header().Get("Cache-Control"); got != c.cache {
			t.Errorf("%s: Cache-Control %q, want %q", c.path, got, c.cache)
		}
	}
	if w := get(t, h, "POST", "/", ""); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: HTTP %d", w.Code)
	}
	if w := get(t, h, "HEAD", "/", ""); w.Code != 200 || w.Body.Len() != 0 {
		t.Errorf("HEAD: HTTP %d with %d body bytes", w.Code, w.Body.Len())
	}
}

// TestCacheRulesDisjoint: Netlify combines a header set by two matching
// rules, so no file may match two cache rules.
func TestCacheRulesDisjoint(t *testing.T) {
	for _, p := range []string{"/", "/index.html", "/sw.js", "/assets.json", "/manifest.json", "/app.0123456789ab.wasm", "/iam.0123456789ab.bin.zst", "/policy-sentry-offline.html"} {
		n := 0
		for _, r := range CacheRules {
			if ok, _ := path.Match(r.Pattern, p); ok {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s matches %d cache rules, want 1", p, n)
		}
	}
}

// TestRebuiltFileNotStale: a file rebuilt under the same name (make dist
// while make serve runs) is served new, compressed or not.
func TestRebuiltFileNotStale(t *testing.T) {
	fsys := testFS()
	h := New(fsys)
	for _, enc := range []string{"br", "gzip", ""} {
		fsys["assets.json"] = &fstest.MapFile{Data: []byte(`{"build": "old"}`)}
		if got := decode(t, enc, get(t, h, "GET", "/assets.json", enc).Body.Bytes()); string(got) != `{"build": "old"}` {
			t.Fatalf("%q: %q", enc, got)
		}
		fsys["assets.json"] = &fstest.MapFile{Data: []byte(`{"build": "new"}`)}
		if got := decode(t, enc, get(t, h, "GET", "/assets.json", enc).Body.Bytes()); string(got) != `{"build": "new"}` {
			t.Errorf("Accept-Encoding %q: served %q after the file changed", enc, got)
		}
	}
}
