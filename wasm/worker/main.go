// Command worker serves the policy-sentry HTTP API (engine/frontend/api) on
// Cloudflare Workers. Built with GOOS=js GOARCH=wasm (make worker), it is
// instantiated once per isolate by the entry module worker.mjs, which
// hands it every request (internal/isolate); it reads the dataset once
// per instance from the Worker's static assets (dist/, the ASSETS binding,
// through github.com/syumai/workers/cloudflare) rather than embedding a
// copy; wrangler.jsonc routes /api/* here and serves everything else
// from dist/. Built natively, it is a plain HTTP server on $PORT (9900)
// with the embedded dataset, for debugging.
package main

import (
	"strings"

	"github.com/leastpriv/policysentry/engine/frontend/api"
	"github.com/leastpriv/policysentry/wasm/worker/internal/isolate"
)

func main() {
	isolate.Serve(api.New(api.Options{DB: datasetLoader(), CORSOrigins: corsOrigins(getenv("CORS_ORIGINS"))}))
}

// corsOrigins splits the CORS_ORIGINS variable (comma-separated origins,
// or "*"); empty means CORS stays off.
func corsOrigins(v string) []string {
	var out []string
	for _, o := range strings.Split(v, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}
