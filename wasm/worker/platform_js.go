//go:build js && wasm

package main

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"github.com/leastpriv/policysentry/engine/frontend/api"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/syumai/workers/cloudflare"
)

// assetsOrigin is a placeholder origin for requests to the ASSETS binding,
// which only looks at the path.
const assetsOrigin = "https://assets.invalid/"

// assetTimeout bounds one static asset read.
const assetTimeout = 20 * time.Second

// datasetLoader reads manifest.json and the dataset it names from the
// static assets through the ASSETS binding, once per instance.
func datasetLoader() func(context.Context) (*iamdb.DB, error) {
	return api.SiteDataset(assetBytes)
}

// assetBytes fetches one static asset with the ASSETS binding's fetch.
// It calls the binding directly rather than through an http.Client
// (syumai/workers/cloudflare/fetch), which links net/http's client and
// TLS stack into the module, code the Worker never runs: 13.65 MB (3.52
// MB gzip'd) with it, 8.79 MB (2.40 MB gzip'd) without (wasm/README.md).
func assetBytes(ctx context.Context, name string) ([]byte, error) {
	// A fetch whose request context was cancelled never settles: give up,
	// so that the dataset lock is released and a later request retries.
	ctx, cancel := context.WithTimeout(ctx, assetTimeout)
	defer cancel()
	binding := cloudflare.GetBinding("ASSETS")
	if binding.IsUndefined() {
		return nil, errors.New("the Worker has no ASSETS binding (wrangler.jsonc assets.binding)")
	}
	res, err := await(ctx, binding.Call("fetch", assetsOrigin+name))
	if err != nil {
		return nil, err
	}
	if status := res.Get("status").Int(); status != 200 {
		return nil, fmt.Errorf("static assets answered %d %s", status, res.Get("statusText").String())
	}
	buf, err := await(ctx, res.Call("arrayBuffer"))
	if err != nil {
		return nil, err
	}
	u8 := js.Global().Get("Uint8Array").New(buf)
	b := make([]byte, u8.Length())
	js.CopyBytesToGo(b, u8)
	return b, nil
}

// await waits for a JavaScript promise to settle, or for ctx to end.
func await(ctx context.Context, promise js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	// Buffered: a promise settling after ctx ended must not block the
	// callback (and with it every goroutine of the instance).
	ch := make(chan result, 1)
	var then, catch js.Func
	then = js.FuncOf(func(_ js.Value, args []js.Value) any {
		then.Release()
		catch.Release()
		ch <- result{v: args[0]}
		return nil
	})
	catch = js.FuncOf(func(_ js.Value, args []js.Value) any {
		then.Release()
		catch.Release()
		ch <- result{err: fmt.Errorf("JavaScript error: %s", args[0].Call("toString").String())}
		return nil
	})
	promise.Call("then", then, catch)
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return js.Value{}, ctx.Err()
	}
}

func getenv(name string) string { return cloudflare.Getenv(name) }
