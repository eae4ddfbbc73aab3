// Command worker serves the policy-sentry HTTP API (engine/frontend/api) on
// Cloudflare Workers with github.com/syumai/workers. Built with
// GOOS=js GOARCH=wasm (make worker), it reads the dataset from the
// Worker's static assets (dist/, the ASSETS binding) rather than embedding
// a copy; wrangler.jsonc routes /api/* here and serves everything else
// from dist/. Built natively, it is a plain HTTP server on $PORT (9900)
// with the embedded dataset, for debugging.
package main

import (
	"strings"

	"github.com/leastpriv/policysentry/engine/frontend/api"
	"github.com/syumai/workers"
)

func main() {
	workers.Serve(api.New(api.Options{DB: datasetLoader(), CORSOrigins: corsOrigins(getenv("CORS_ORIGINS"))}))
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
