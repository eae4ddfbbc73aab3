package site

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"hash/crc32"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
)

// Handler serves fsys (the contents of dist/) with SecurityHeaders,
// ContentTypes and CacheRules, compressing with brotli or gzip when the
// client accepts it (compressed bodies are cached in memory).
type Handler struct {
	fsys  fs.FS
	mu    sync.Mutex
	cache map[string][]byte // "br:/path:crc:len" or "gzip:/path:crc:len"
}

// New returns a Handler for fsys.
func New(fsys fs.FS) *Handler {
	return &Handler{fsys: fsys, cache: map[string][]byte{}}
}

// SetSecurityHeaders writes the security headers on a response.
func SetSecurityHeaders(h http.Header) {
	for _, x := range SecurityHeaders {
		h.Set(x.Name, x.Value)
	}
}

// CacheControl returns the Cache-Control value for a URL path: the value
// of the CacheRules entry that matches it, else CacheRevalidate.
func CacheControl(p string) string {
	for _, r := range CacheRules {
		if ok, _ := path.Match(r.Pattern, p); ok {
			return r.Value
		}
	}
	return CacheRevalidate
}

// ServeHTTP serves one file of the FS (index.html for a folder).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	SetSecurityHeaders(w.Header())
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	name := strings.TrimPrefix(p, "/")
	data, err := fs.ReadFile(h.fsys, name)
	if err != nil {
		if p == "/" || p == "/index.html" {
			http.Error(w, "dist/ has no index.html: run make dist", http.StatusNotFound)
			return
		}
		http.NotFound(w, r)
		return
	}
	if ct, ok := ContentTypes[path.Ext(name)]; ok {
		w.Header().Set("Content-Type", ct)
	} else {
		w.Header().Set("Content-Type", http.DetectContentType(data))
	}
	w.Header().Set("Cache-Control", CacheControl(p))
	w.Header().Add("Vary", "Accept-Encoding")
	enc := pickEncoding(r.Header.Get("Accept-Encoding"), name)
	if enc != "" {
		data = h.compressed(enc, p, data)
		w.Header().Set("Content-Encoding", enc)
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// pickEncoding chooses br or gzip for compressible files from an
// Accept-Encoding header, honouring q=0 ("not acceptable") and preferring
// br when both are acceptable.
func pickEncoding(accept, name string) string {
	if strings.HasSuffix(name, ".zst") || strings.HasSuffix(name, ".png") {
		return ""
	}
	ok := map[string]bool{}
	for _, part := range strings.Split(accept, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, found := strings.Cut(strings.TrimSpace(p), "=")
			if found && strings.EqualFold(k, "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		ok[coding] = q > 0
	}
	for _, enc := range []string{"br", "gzip"} {
		if acceptable, listed := ok[enc]; (listed && acceptable) || (!listed && ok["*"]) {
			return enc
		}
	}
	return ""
}

// compressed returns data compressed with enc, from the cache when the
// same bytes were compressed before (the key includes a checksum, so a
// file rebuilt under the same name is never served stale).
func (h *Handler) compressed(enc, p string, data []byte) []byte {
	key := fmt.Sprintf("%s:%s:%08x:%d", enc, p, crc32.ChecksumIEEE(data), len(data))
	h.mu.Lock()
	defer h.mu.Unlock()
	if b, ok := h.cache[key]; ok {
		return b
	}
	var buf bytes.Buffer
	switch enc {
	case "br":
		bw := brotli.NewWriterLevel(&buf, 6)
		bw.Write(data)
		bw.Close()
	default:
		gw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		gw.Write(data)
		gw.Close()
	}
	for k := range h.cache { // keep one version per path and encoding
		if strings.HasPrefix(k, enc+":"+p+":") {
			delete(h.cache, k)
		}
	}
	h.cache[key] = buf.Bytes()
	return buf.Bytes()
}
