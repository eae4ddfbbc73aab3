// Package isolate serves an http.Handler from one Go instance per
// Cloudflare Worker isolate. It replaces github.com/syumai/workers' Serve,
// whose generated shim starts a new Go instance for every request (Go's
// start and the dataset load on each): the Worker's entry module
// (wasm/worker/worker.mjs) instantiates the program once and hands every
// request to the handler Serve registers, concurrently. The rest of
// syumai/workers' Go API (cloudflare.GetBinding, cloudflare.Getenv,
// cloudflare/fetch) keeps working: the entry module provides the same
// global `context` object ({env, ctx, binding, connect}) it reads.
//
// Requests and responses cross between JavaScript and Go as plain data
// (method, URL, header pairs, body bytes): the entry module reads the
// request body and builds the Response in the request's own context, so
// no request's I/O object is touched from another request's context when
// Go's scheduler runs one request's goroutine during another's callback.
package isolate

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
	"runtime/debug"
	"slices"
)

// Request is one request as the entry module passes it.
type Request struct {
	Method, URL string
	// Header holds the header fields in order, one pair per value.
	Header [][2]string
	Body   []byte
}

// Response is the handler's answer, buffered.
type Response struct {
	Status int
	// Header holds the header fields sorted by name, one pair per value.
	Header [][2]string
	Body   []byte
}

// Do runs h on req and returns its buffered response. A request the
// handler cannot be given (a bad method or URL) and a handler panic are
// errors; the panic is recovered so the instance keeps serving.
func Do(ctx context.Context, h http.Handler, req Request) (res Response, err error) {
	r, err := http.NewRequestWithContext(ctx, req.Method, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		return Response{}, fmt.Errorf("isolate: request %s %q: %w", req.Method, req.URL, err)
	}
	for _, kv := range req.Header {
		r.Header.Add(kv[0], kv[1])
	}
	r.Host = r.URL.Host
	r.RequestURI = r.URL.RequestURI()
	if ip := r.Header.Get("CF-Connecting-IP"); ip != "" {
		r.RemoteAddr = ip
	}
	w := &writer{header: http.Header{}}
	defer func() {
		if p := recover(); p != nil {
			res, err = Response{}, fmt.Errorf("isolate: handler panic on %s %s: %v\n%s", req.Method, r.URL.Path, p, debug.Stack())
		}
	}()
	h.ServeHTTP(w, r)
	return w.response(), nil
}

// writer is the buffering http.ResponseWriter Do hands the handler.
type writer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *writer) Header() http.Header { return w.header }

func (w *writer) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *writer) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

// Flush is a no-op: the response is sent whole.
func (w *writer) Flush() {}

func (w *writer) response() Response {
	res := Response{Status: w.status, Body: w.body.Bytes()}
	if res.Status == 0 {
		res.Status = http.StatusOK
	}
	for _, name := range slices.Sorted(maps.Keys(w.header)) {
		for _, v := range w.header[name] {
			res.Header = append(res.Header, [2]string{name, v})
		}
	}
	return res
}
