// Package site serves the web app's static files with the security
// headers, content types, compression and caching rules that every host
// (make serve, policy-sentry serve, Netlify, the Cloudflare Worker) uses.
// The header table here is the single definition; netlify.toml is
// generated from it (go run ./scripts/gennetlify, see Netlify) and
// TestNetlifyTOML checks that the committed file agrees with the handler.
package site

// Header is one HTTP response header.
type Header struct {
	Name, Value string
}

// CSP is the Content-Security-Policy of every page.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data:; " +
	"style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// SecurityHeaders go on every response.
var SecurityHeaders = []Header{
	{"Content-Security-Policy", CSP},
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "no-referrer"},
	{"Permissions-Policy", "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), " +
		"geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), " +
		"publickey-credentials-get=(), screen-wake-lock=(), sync-xhr=(), usb=(), xr-spatial-tracking=()"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
}

// Cache rules: content-hashed files never change; the files that name
// them (the page, assets.json, manifest.json) and the service worker are
// revalidated on every load so a deploy is picked up at once.
const (
	CacheImmutable  = "public, max-age=31536000, immutable"
	CacheRevalidate = "no-cache"
)

// CacheRule maps a path pattern (Netlify syntax: * matches any run of
// characters inside one path segment) to a Cache-Control value.
type CacheRule struct {
	Pattern, Value string
}

// CacheRules are disjoint: no path matches two of them, because Netlify
// combines the values of a header set by several matching rules. A path
// that matches none is revalidated: the handler sends CacheRevalidate and
// Netlify its default "public, max-age=0, must-revalidate".
var CacheRules = []CacheRule{
	{"/", CacheRevalidate},
	{"/index.html", CacheRevalidate},
	{"/sw.js", CacheRevalidate},
	{"/assets.json", CacheRevalidate},
	{"/manifest.json", CacheRevalidate},
	{"/policy-sentry-offline.html", CacheRevalidate},
	{"/app.*.wasm", CacheImmutable},
	{"/iam.*.bin.zst", CacheImmutable},
}

// ContentTypes for the app's file kinds.
var ContentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".json":        "application/json",
	".wasm":        "application/wasm",
	".zst":         "application/octet-stream",
	".svg":         "image/svg+xml",
	".webmanifest": "application/manifest+json",
	".yml":         "application/yaml",
}
