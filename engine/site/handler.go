package site

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"net/http"
	"path"
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
	cache map[string][]byte // "br:/path" or "gzip:/path"
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

// CacheControl returns the Cache-Control value for a URL path.
func CacheControl(p string) string {
	v := CacheRevalidate
	for _, r := range CacheRules {
		if ok, _ := path.Match(r.Pattern, p); ok {
			v = r.Value
		}
	}
	return v
}

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

// pickEncoding chooses br or gzip for compressible files.
func pickEncoding(accept, name string) string {
	if strings.HasSuffix(name, ".zst") || strings.HasSuffix(name, ".png") {
		return ""
	}
	if strings.Contains(accept, "br") {
		return "br"
	}
	if strings.Contains(accept, "gzip") {
		return "gzip"
	}
	return ""
}

func (h *Handler) compressed(enc, p string, data []byte) []byte {
	key := enc + ":" + p
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
	h.cache[key] = buf.Bytes()
	return buf.Bytes()
}
