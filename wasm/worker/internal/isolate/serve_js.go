//go:build js && wasm

package isolate

import (
	"context"
	"net/http"
	"syscall/js"
)

// ready tells the entry module the handler is registered (the same
// import syumai/workers' Ready uses, so either Go side fits the module).
//
//go:wasmimport workers ready
func ready()

// Serve registers h as context.binding.handleRequest for the entry module
// (wasm/worker/worker.mjs), signals ready and blocks for the life of the
// instance. A nil h serves http.DefaultServeMux.
//
// The entry module calls handleRequest(request, done) with request a
// plain object {method, url, headers: [[name, value], ...], body:
// Uint8Array or null}; done(null, {status, headers, body}) answers it, or
// done(message) when the request could not be handled. Each request runs
// in its own goroutine, so requests overlap as the Worker receives them.
func Serve(h http.Handler) {
	if h == nil {
		h = http.DefaultServeMux
	}
	handle := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) != 2 || args[1].Type() != js.TypeFunction {
			return js.Global().Get("Error").New("isolate: handleRequest(request, done) takes two arguments")
		}
		req, done := requestFromJS(args[0]), args[1]
		go func() {
			res, err := Do(context.Background(), h, req)
			if err != nil {
				done.Invoke(err.Error())
				return
			}
			done.Invoke(js.Null(), responseToJS(res))
		}()
		return nil
	})
	js.Global().Get("context").Get("binding").Set("handleRequest", handle)
	ready()
	select {}
}

// requestFromJS copies the request out of JavaScript while the entry
// module's call is running.
func requestFromJS(v js.Value) Request {
	req := Request{Method: v.Get("method").String(), URL: v.Get("url").String()}
	hs := v.Get("headers")
	for i, n := 0, hs.Length(); i < n; i++ {
		kv := hs.Index(i)
		req.Header = append(req.Header, [2]string{kv.Index(0).String(), kv.Index(1).String()})
	}
	if b := v.Get("body"); b.Truthy() {
		req.Body = make([]byte, b.Get("byteLength").Int())
		js.CopyBytesToGo(req.Body, b)
	}
	return req
}

// responseToJS builds the plain {status, headers, body} object.
func responseToJS(res Response) js.Value {
	hs := js.Global().Get("Array").New(len(res.Header))
	for i, kv := range res.Header {
		hs.SetIndex(i, js.ValueOf([]any{kv[0], kv[1]}))
	}
	body := js.Global().Get("Uint8Array").New(len(res.Body))
	js.CopyBytesToJS(body, res.Body)
	return js.ValueOf(map[string]any{"status": res.Status, "headers": hs, "body": body})
}
