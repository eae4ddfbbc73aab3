//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/leastpriv/policysentry/engine/frontend/api"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/syumai/workers/cloudflare"
	"github.com/syumai/workers/cloudflare/fetch"
)

// assetsOrigin is a placeholder origin for requests to the ASSETS binding,
// which only looks at the path.
const assetsOrigin = "https://assets.invalid/"

// datasetLoader reads manifest.json and the dataset it names from the
// static assets through the ASSETS binding.
func datasetLoader() func(context.Context) (*iamdb.DB, error) {
	return api.SiteDataset(func(ctx context.Context, name string) ([]byte, error) {
		binding := cloudflare.GetBinding("ASSETS")
		if binding.IsUndefined() {
			return nil, fmt.Errorf("the Worker has no ASSETS binding (wrangler.jsonc assets.binding)")
		}
		client := fetch.NewClient(fetch.WithBinding(binding)).HTTPClient(fetch.RedirectModeFollow)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, assetsOrigin+name, nil)
		if err != nil {
			return nil, err
		}
		res, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("static assets answered %s", res.Status)
		}
		return io.ReadAll(res.Body)
	})
}

func getenv(name string) string { return cloudflare.Getenv(name) }
