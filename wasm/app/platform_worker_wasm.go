//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"sync"
	"syscall/js"
	"time"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
)

// The account audit's Web Worker. loader.js keeps the compiled module of
// this app and window.policySentryStartWorker starts a dedicated worker
// (web/auditworker.js, or the offline bundle's inlined copy) that
// instantiates it: there main sees no document and runs
// serveAccountWorker instead of the UI. The page and the worker exchange
// {json, data} messages: json is a webapp.AccountRequest or
// AccountResponse, data an ArrayBuffer (the file, an export), moved
// rather than copied.

// inWorker reports whether the app runs in a worker (no document).
func inWorker() bool { return js.Global().Get("document").IsUndefined() }

// serveAccountWorker is main in the worker: it hands each message to a
// webapp.AccountService, one at a time, in order, and posts the reports
// and answers back. It never returns.
func serveAccountWorker() {
	svc := webapp.NewAccountService(nil)
	var mu sync.Mutex
	var queue []js.Value
	wake := make(chan struct{}, 1)
	serve := js.FuncOf(func(this js.Value, args []js.Value) any {
		mu.Lock()
		queue = append(queue, args[0])
		mu.Unlock()
		select {
		case wake <- struct{}{}:
		default:
		}
		return nil
	})
	// auditworker.js passes the messages to it (and those that came
	// while the module was being instantiated).
	js.Global().Set("policySentryServe", serve)
	post := func(msg string, data []byte) {
		m := js.Global().Get("Object").New()
		m.Set("json", msg)
		if data == nil {
			js.Global().Call("postMessage", m)
			return
		}
		buf := jsBytes(data).Get("buffer")
		m.Set("data", buf)
		js.Global().Call("postMessage", m, []any{buf})
	}
	for range wake {
		for {
			mu.Lock()
			if len(queue) == 0 {
				mu.Unlock()
				break
			}
			m := queue[0]
			queue = queue[1:]
			mu.Unlock()
			serveOne(svc, m.Get("json").String(), goBytes(m.Get("data")), post)
		}
	}
}

// serveOne serves one message; a panic is answered as the request's
// error, and the worker goes on with the next.
func serveOne(svc *webapp.AccountService, msg string, data []byte, post func(string, []byte)) {
	defer func() {
		if r := recover(); r != nil {
			req, _ := webapp.DecodeAccountRequest(msg)
			post(webapp.EncodeAccountResponse(webapp.AccountResponse{ID: req.ID, Gen: req.Gen, Err: fmt.Sprintf("internal error: %v", r)}), nil)
		}
	}()
	svc.Serve(msg, data, post)
}

// workerDataset is the dataset file as loadDataset got it (a Uint8Array)
// and workerDatasetSHA the manifest's digest of it, for the worker.
var (
	workerDataset    js.Value
	workerDatasetSHA string
)

// jsBytes copies b into a new Uint8Array.
func jsBytes(b []byte) js.Value {
	u := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}

// goBytes copies an ArrayBuffer or a Uint8Array (nil for anything else).
func goBytes(v js.Value) []byte {
	if v.Type() != js.TypeObject {
		return nil
	}
	if v.Get("BYTES_PER_ELEMENT").IsUndefined() {
		v = js.Global().Get("Uint8Array").New(v)
	}
	b := make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b
}

// workerAccounts is the worker seen from the page: the panel's backend.
type workerAccounts struct {
	w     js.Value
	mu    sync.Mutex
	next  int
	calls map[int]*workerCall
	dead  string // why the worker is gone ("" while it runs)
}

// workerCall is a request waiting for its answer.
type workerCall struct {
	mu     sync.Mutex
	latest *webapp.AccountResponse // the newest report not passed on yet
	notify chan struct{}
	done   chan webapp.AccountResponse
	data   js.Value // the answer's bytes
}

// workerLoadTimeout bounds the worker's start (instantiating the module
// and loading the dataset): a worker that never answers is given up for
// the page.
const workerLoadTimeout = 90 * time.Second

// startAccountWorker starts the audit worker and loads the dataset into
// it, waiting for both.
func startAccountWorker() (accountBackend, error) {
	start := js.Global().Get("policySentryStartWorker")
	if start.Type() != js.TypeFunction {
		return nil, errors.New("the page's loader cannot start one")
	}
	if !workerDataset.Truthy() {
		return nil, errors.New("the dataset is not loaded")
	}
	w, err := invoke(start)
	if err != nil {
		return nil, fmt.Errorf("starting it: %w", err)
	}
	b := &workerAccounts{w: w, calls: map[int]*workerCall{}}
	w.Call("addEventListener", "message", js.FuncOf(func(this js.Value, args []js.Value) any {
		b.receive(args[0].Get("data"))
		return nil
	}))
	w.Call("addEventListener", "error", js.FuncOf(func(this js.Value, args []js.Value) any {
		msg := args[0].Get("message")
		if msg.Type() != js.TypeString || msg.String() == "" {
			msg = js.ValueOf("its script did not load")
		}
		b.fail("the worker failed: " + msg.String())
		return nil
	}))
	resp, _ := b.roundTrip(webapp.AccountRequest{Op: webapp.OpLoad, SHA256: workerDatasetSHA}, workerDataset, false, nil, workerLoadTimeout)
	if resp.Err != "" {
		b.stop()
		return nil, errors.New(resp.Err)
	}
	return b, nil
}

// invoke calls a JavaScript function, turning an exception into an error.
func invoke(f js.Value, args ...any) (v js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return f.Invoke(args...), nil
}

// receive runs on the page's event loop for each message of the worker.
func (b *workerAccounts) receive(m js.Value) {
	msg := m.Get("json")
	if msg.Type() != js.TypeString {
		b.fail("the worker could not start: " + m.Get("error").String())
		return
	}
	resp, err := webapp.DecodeAccountResponse(msg.String())
	if err != nil {
		b.fail(err.Error())
		return
	}
	b.mu.Lock()
	c := b.calls[resp.ID]
	if resp.Progress == nil {
		delete(b.calls, resp.ID)
	}
	b.mu.Unlock()
	if c == nil {
		return
	}
	if resp.Progress != nil {
		c.mu.Lock()
		c.latest = &resp
		c.mu.Unlock()
		select {
		case c.notify <- struct{}{}:
		default:
		}
		return
	}
	c.data = m.Get("data")
	c.done <- resp
}

// fail answers every waiting call with reason and refuses new ones.
func (b *workerAccounts) fail(reason string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dead == "" {
		b.dead = reason
	}
	for id, c := range b.calls {
		c.done <- webapp.AccountResponse{ID: id, Err: reason}
		delete(b.calls, id)
	}
}

// roundTrip posts a request with data (moved when transfer is set) and
// waits for its answer, passing on the reports (the newest, when they
// come faster than progress takes them); timeout 0 waits for ever.
func (b *workerAccounts) roundTrip(req webapp.AccountRequest, data js.Value, transfer bool, progress func(webapp.AccountResponse), timeout time.Duration) (webapp.AccountResponse, js.Value) {
	c := &workerCall{notify: make(chan struct{}, 1), done: make(chan webapp.AccountResponse, 1)}
	b.mu.Lock()
	if b.dead != "" {
		b.mu.Unlock()
		return webapp.AccountResponse{ID: req.ID, Gen: req.Gen, Err: b.dead}, js.Undefined()
	}
	b.next++
	req.ID = b.next
	b.calls[req.ID] = c
	b.mu.Unlock()
	m := js.Global().Get("Object").New()
	m.Set("json", webapp.EncodeAccountRequest(req))
	args := []any{m}
	if data.Truthy() {
		m.Set("data", data)
		if transfer {
			args = append(args, []any{data})
		}
	}
	if _, err := invoke(b.w.Get("postMessage").Call("bind", b.w), args...); err != nil {
		b.fail("posting to the worker: " + err.Error())
	}
	var expire <-chan time.Time
	if timeout > 0 {
		expire = time.After(timeout)
	}
	for {
		select {
		case <-c.notify:
			c.mu.Lock()
			p := c.latest
			c.latest = nil
			c.mu.Unlock()
			if p != nil && progress != nil {
				progress(*p)
			}
		case r := <-c.done:
			return r, c.data
		case <-expire:
			b.fail(fmt.Sprintf("the worker did not answer in %s", timeout))
		}
	}
}

func (b *workerAccounts) call(req webapp.AccountRequest, data []byte, progress func(webapp.AccountResponse)) webapp.AccountResponse {
	buf := js.Undefined()
	if data != nil {
		buf = jsBytes(data).Get("buffer")
	}
	resp, out := b.roundTrip(req, buf, true, progress, 0)
	if req.Op == webapp.OpExport && resp.Err == "" {
		saveBuffer(resp.Name, resp.MediaType, out)
	}
	return resp
}

// stop terminates the worker; its waiting calls are answered ErrStale.
func (b *workerAccounts) stop() bool {
	b.w.Call("terminate")
	b.fail(webapp.ErrStale)
	return true
}

func (b *workerAccounts) where() string { return "in a background worker" }

func (b *workerAccounts) broken() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dead != ""
}

// saveBuffer saves an ArrayBuffer as a file through a Blob URL.
func saveBuffer(name, mime string, buf js.Value) {
	blob := js.Global().Get("Blob").New([]any{buf}, map[string]any{"type": mime})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	a := js.Global().Get("document").Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", name)
	a.Call("click")
	js.Global().Get("URL").Call("revokeObjectURL", url)
}
