//go:build js && wasm

package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/iamdb"
	vjs "github.com/vugu/vugu/js"
	"honnef.co/go/js/dom/v2"
)

// storageKey is the localStorage key of the saved state.
const storageKey = "policy-sentry-state"

// loadDataset gets manifest.json and the dataset it names from the app's
// own origin, reporting progress, checks the sha256 and loads it.
// loader.js downloads both while the wasm compiles
// (window.policySentryDataset) and computes the sha256 with SubtleCrypto;
// a retry fetches them again here, past the HTTP cache. It uses the
// browser's fetch directly: net/http would link crypto/tls and friends
// into the wasm for nothing. The file is loaded with iamdb.LoadVerified
// once its sha256 matches: each service's actions are decoded when first
// needed (see Root.startLoad for the rest).
func loadDataset(retry bool, progress func(done, total int64)) (*iamdb.DB, error) {
	var m iamdb.Manifest
	var buf []byte
	digest := ""
	pre := js.Global().Get("policySentryDataset")
	if pre.Truthy() && !retry {
		js.Global().Set("policySentryDataset", js.Undefined()) // used once
		cb := js.FuncOf(func(this js.Value, args []js.Value) any {
			if len(args) == 2 {
				progress(int64(args[0].Float()), int64(args[1].Float()))
			}
			return nil
		})
		js.Global().Set("policySentryDatasetProgress", cb)
		mark("dataset-await")
		v, err := await(pre)
		mark("dataset-awaited")
		js.Global().Set("policySentryDatasetProgress", js.Undefined())
		cb.Release()
		if err != nil {
			return nil, err
		}
		jm := v.Get("manifest")
		m = iamdb.Manifest{File: jm.Get("file").String(), SHA256: jm.Get("sha256").String(), Version: jm.Get("version").String()}
		if size := jm.Get("size"); size.Type() == js.TypeNumber {
			m.Size = int64(size.Float())
		}
		bytes := v.Get("bytes")
		buf = make([]byte, bytes.Get("length").Int())
		js.CopyBytesToGo(buf, bytes)
		digest = v.Get("sha256").String()
		workerDataset = bytes
	} else {
		r, err := fetchResponse("manifest.json", "no-cache")
		if err != nil {
			return nil, err
		}
		mb, err := readBody(r, "manifest.json", nil)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(mb, &m); err != nil {
			return nil, fmt.Errorf("manifest.json: %w", err)
		}
		cache := "default"
		if retry {
			cache = "reload"
		}
		resp, err := fetchResponse(m.File, cache)
		if err != nil {
			return nil, err
		}
		if buf, err = readBody(resp, m.File, func(done int64) { progress(done, m.Size) }); err != nil {
			return nil, err
		}
		workerDataset = jsBytes(buf)
	}
	mark("dataset-fetched")
	if m.SHA256 == "" {
		return nil, fmt.Errorf("manifest.json names no sha256 for %s: rebuild the site (make dist)", m.File)
	}
	var err error
	if digest != "" {
		err = iamdb.CheckDigest(digest, m.SHA256)
	} else {
		err = iamdb.CheckSHA256(buf, m.SHA256)
	}
	if err != nil {
		return nil, err
	}
	workerDatasetSHA = m.SHA256
	mark("dataset-checked")
	db, err := iamdb.LoadVerified(buf)
	if err != nil {
		return nil, err
	}
	mark("dataset-decoded")
	db.Manifest.File, db.Manifest.SHA256, db.Manifest.Size = m.File, m.SHA256, m.Size
	return db, nil
}

// fetchResponse GETs a same-origin URL with the browser's fetch.
func fetchResponse(url, cache string) (js.Value, error) {
	resp, err := await(js.Global().Call("fetch", url, map[string]any{"cache": cache, "credentials": "same-origin"}))
	if err != nil {
		return js.Value{}, fmt.Errorf("fetching %s: %w", url, err)
	}
	if !resp.Get("ok").Bool() {
		return js.Value{}, fmt.Errorf("fetching %s: HTTP %d", url, resp.Get("status").Int())
	}
	return resp, nil
}

// readBody reads a fetch Response, streaming so progress can be shown.
func readBody(resp js.Value, url string, progress func(done int64)) ([]byte, error) {
	body := resp.Get("body")
	if body.IsNull() || body.IsUndefined() {
		ab, err := await(resp.Call("arrayBuffer"))
		if err != nil {
			return nil, fmt.Errorf("downloading %s: %w", url, err)
		}
		return copyBuffer(ab), nil
	}
	reader := body.Call("getReader")
	var buf []byte
	if n := resp.Get("headers").Call("get", "Content-Length"); n.Type() == js.TypeString {
		if size, err := strconv.Atoi(n.String()); err == nil && size > 0 && size < 256<<20 {
			buf = make([]byte, 0, size) // one allocation instead of one per chunk
		}
	}
	for {
		r, err := await(reader.Call("read"))
		if err != nil {
			return nil, fmt.Errorf("downloading %s: %w", url, err)
		}
		if r.Get("done").Bool() {
			break
		}
		chunk := r.Get("value")
		n := chunk.Get("length").Int()
		if len(buf)+n > cap(buf) {
			buf = append(buf[:cap(buf)], make([]byte, len(buf)+n-cap(buf))...)[:len(buf)]
		}
		buf = buf[:len(buf)+n]
		js.CopyBytesToGo(buf[len(buf)-n:], chunk)
		if progress != nil {
			progress(int64(len(buf)))
		}
	}
	return buf, nil
}

func copyBuffer(ab js.Value) []byte {
	data := make([]byte, ab.Get("byteLength").Int())
	js.CopyBytesToGo(data, js.Global().Get("Uint8Array").New(ab))
	return data
}

// mark records a performance mark (the browser tests log the phases of
// start-up from them).
func mark(name string) {
	if perf := js.Global().Get("performance"); !perf.IsUndefined() && !perf.Get("mark").IsUndefined() {
		perf.Call("mark", name)
	}
}

// markReady tells the page (and tests) that the app is ready.
func markReady() {
	mark("ready")
	js.Global().Get("document").Get("body").Call("setAttribute", "data-ready", "true")
}

// setRenderTime exposes the last render's time (build, DOM update) for
// browser measurements.
func setRenderTime(ms float64) {
	js.Global().Get("document").Get("body").Call("setAttribute", "data-render-ms", fmt.Sprintf("%.3f", ms))
}

// setRegenTime exposes the last regeneration time for browser measurements.
func setRegenTime(ms float64) {
	js.Global().Get("document").Get("body").Call("setAttribute", "data-regen-ms", fmt.Sprintf("%.3f", ms))
}

// afterPaint runs f in a goroutine once the browser has painted what the
// app rendered: a requestAnimationFrame callback runs just before the
// next paint, and a timeout set from it just after. A tab in the
// background gets no animation frames, so a plain timeout of 200 ms
// starts f too if the frame does not come; f runs once.
func afterPaint(f func()) {
	var once sync.Once
	start := func() { once.Do(func() { go f() }) }
	var raf, after, fallback js.Func
	after = js.FuncOf(func(js.Value, []js.Value) any {
		after.Release()
		start()
		return nil
	})
	raf = js.FuncOf(func(js.Value, []js.Value) any {
		raf.Release()
		js.Global().Call("setTimeout", after, 0)
		return nil
	})
	fallback = js.FuncOf(func(js.Value, []js.Value) any {
		fallback.Release()
		start()
		return nil
	})
	js.Global().Call("requestAnimationFrame", raf)
	js.Global().Call("setTimeout", fallback, 200)
}

// yield lets the browser paint between chunks of long work.
func yield() {
	runtime.Gosched()
	time.Sleep(time.Millisecond)
}

func getHash() string { return dom.GetWindow().Location().Hash() }

// setHash replaces the URL fragment without a history entry ("" removes it).
func setHash(h string) {
	loc := dom.GetWindow().Location()
	u := loc.Pathname() + loc.Search()
	if h != "" {
		u += "#" + h
	}
	js.Global().Get("history").Call("replaceState", nil, "", u)
}

// onHashChange calls f with the new fragment when the user edits it (a
// shared link pasted into the address bar of an open app).
func onHashChange(f func(string)) {
	cb := js.FuncOf(func(this js.Value, args []js.Value) any {
		h := getHash()
		go f(h)
		return nil
	})
	js.Global().Call("addEventListener", "hashchange", cb)
}

func shareLink(fragment string) string {
	loc := dom.GetWindow().Location()
	return loc.Origin() + loc.Pathname() + "#" + fragment
}

func loadSaved() string {
	v := js.Global().Get("localStorage").Call("getItem", storageKey)
	if v.IsNull() || v.IsUndefined() {
		return ""
	}
	return v.String()
}

func storeSaved(s string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	js.Global().Get("localStorage").Call("setItem", storageKey, s)
	return nil
}

// previousKey holds the work a shared link replaced.
const previousKey = "policy-sentry-previous"

func loadPrevious() string {
	v := js.Global().Get("localStorage").Call("getItem", previousKey)
	if v.IsNull() || v.IsUndefined() {
		return ""
	}
	return v.String()
}

func storePrevious(s string) {
	defer func() { recover() }()
	js.Global().Get("localStorage").Call("setItem", previousKey, s)
}

// copyText puts s on the clipboard and calls done (in a new goroutine)
// with nil, or with an error when the browser refuses.
func copyText(s string, done func(error)) {
	clip := js.Global().Get("navigator").Get("clipboard")
	if clip.IsUndefined() || clip.IsNull() {
		go done(fmt.Errorf("no clipboard access"))
		return
	}
	p := clip.Call("writeText", s)
	go func() {
		_, err := await(p)
		done(err)
	}()
}

// download saves text as a file through a Blob URL.
func download(name, mime, text string) {
	parts := js.Global().Get("Array").New(text)
	blob := js.Global().Get("Blob").New(parts, map[string]any{"type": mime})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	a := js.Global().Get("document").Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", name)
	a.Call("click")
	js.Global().Get("URL").Call("revokeObjectURL", url)
}

// readFiles reads a FileList and calls done with the contents, under the
// event lock.
func (a *App) readFiles(v vjs.Value, done func([]webapp.File)) {
	list := js.Value(v)
	if list.IsUndefined() || list.IsNull() {
		return
	}
	n := list.Get("length").Int()
	files := make([]js.Value, n)
	for i := range files {
		files[i] = list.Call("item", i)
	}
	go func() {
		var out []webapp.File
		for _, f := range files {
			b, err := await(f.Call("arrayBuffer"))
			if err != nil {
				a.env.Lock()
				a.Notice = fmt.Sprintf("reading %s: %v", f.Get("name").String(), err)
				a.env.UnlockRender()
				return
			}
			out = append(out, webapp.File{Name: f.Get("name").String(), Data: copyBuffer(b)})
		}
		a.env.Lock()
		done(out)
		a.env.UnlockRender()
	}()
}

// await waits for a JS promise.
func await(p js.Value) (js.Value, error) {
	ch := make(chan js.Value, 1)
	errc := make(chan error, 1)
	then := js.FuncOf(func(this js.Value, args []js.Value) any { ch <- args[0]; return nil })
	catch := js.FuncOf(func(this js.Value, args []js.Value) any {
		errc <- fmt.Errorf("%s", args[0].Call("toString").String())
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then).Call("catch", catch)
	select {
	case v := <-ch:
		return v, nil
	case err := <-errc:
		return js.Value{}, err
	}
}

// bigText is the text of a control that may hold more than Vugu can
// render: its renderer sets a property in one instruction of a fixed 16 KB
// buffer and panics beyond that (a pasted account dump, a long template).
// These controls are therefore not bound with .value in the .vugu files;
// setBigTexts sets them after each render (App.syncBigText), when the
// model changed or the element is new (a tab switch re-creates it).
type bigText struct {
	el  js.Value
	val string
}

var bigTexts = map[string]*bigText{}

// setBigTexts copies the large text fields of the model (element id:
// value) into the DOM.
func setBigTexts(m map[string]string) {
	doc := js.Global().Get("document")
	for id, v := range m {
		el := doc.Call("getElementById", id)
		if !el.Truthy() {
			delete(bigTexts, id)
			continue
		}
		b := bigTexts[id]
		if b != nil && b.el.Equal(el) && b.val == v {
			continue
		}
		// Typing already put v in the element: setting it again could
		// move the caret.
		if el.Get("value").String() != v {
			el.Set("value", v)
		}
		bigTexts[id] = &bigText{el: el, val: v}
	}
	if p := pendingSelection; p != nil {
		pendingSelection = nil
		selectRange(p.id, p.start, p.end, p.line)
	}
}

// selection is a text range of a textarea, in UTF-16 code units.
type selection struct {
	id               string
	start, end, line int
}

// pendingSelection is selected after the next render (focusAfterRender).
var pendingSelection *selection

// focusAfterRender selects a range of a textarea (see selectRange) once
// the render under way has put the model's text in it (setBigTexts).
func focusAfterRender(id string, start, end, line int) {
	pendingSelection = &selection{id, start, end, line}
}

// selectRange selects start:end (UTF-16 code units) in a text control,
// focused, and scrolls the control to line (1-based) with a few lines of
// context above. In a pre (a policy shown) the text is selected as a
// document range and the pre scrolled into the window's view.
func selectRange(id string, start, end, line int) {
	el := js.Global().Get("document").Call("getElementById", id)
	if !el.Truthy() {
		return
	}
	pre := el.Get("tagName").String() == "PRE"
	if pre {
		selectText(el, start, end)
	} else {
		el.Call("focus")
		el.Call("setSelectionRange", start, end)
	}
	lh, err := strconv.ParseFloat(strings.TrimSuffix(js.Global().Call("getComputedStyle", el).Get("lineHeight").String(), "px"), 64)
	if err != nil {
		lh = 18 // "normal"
	}
	el.Set("scrollTop", max(0, float64(line-4)*lh))
	if pre {
		el.Call("scrollIntoView", map[string]any{"block": "nearest"})
	}
}

// selectText selects start:end (UTF-16 code units, clamped) of the text
// node an element holds.
func selectText(el js.Value, start, end int) {
	node := el.Get("firstChild")
	if !node.Truthy() || node.Get("nodeType").Int() != 3 {
		return
	}
	n := node.Get("length").Int()
	start = max(0, min(start, n))
	end = max(start, min(end, n))
	r := js.Global().Get("document").Call("createRange")
	r.Call("setStart", node, start)
	r.Call("setEnd", node, end)
	sel := js.Global().Call("getSelection")
	sel.Call("removeAllRanges")
	sel.Call("addRange", r)
	// Scroll the element sideways to the selection (a long line).
	rl, el0 := r.Call("getBoundingClientRect").Get("left").Float(), el.Call("getBoundingClientRect")
	if left, right := el0.Get("left").Float(), el0.Get("right").Float(); rl < left || rl > right-40 {
		el.Set("scrollLeft", max(0, el.Get("scrollLeft").Float()+rl-left-40))
	}
}

// prerenderedPage says whether the page is the one make dist
// prerendered (its mount point carries data-prerendered).
func prerenderedPage() bool {
	mount := js.Global().Get("document").Call("getElementById", "vugu_mount_point")
	return mount.Truthy() && mount.Call("hasAttribute", "data-prerendered").Bool()
}

// pageInitialOutput is the shipped policy of the page's default screen
// (index.html's #ps-initial, see initialOutput), nil when there is none.
// The browser's JSON.parse reads it: encoding/json's decoder would run
// for the first time here, and on a first visit each Go function's first
// call waits for V8 to compile it (about 0.1 s more at start-up on the
// 2-core test machine). The fields that hold lists of structures are
// handed to encoding/json only when they are not empty.
func pageInitialOutput() (*initialOutput, error) {
	el := js.Global().Get("document").Call("getElementById", "ps-initial")
	if !el.Truthy() {
		return nil, nil
	}
	return initialFromJS(el.Get("textContent").String())
}

// initialFromJS decodes encodeInitialOutput's JSON with JSON.parse; the
// result is what decodeInitialOutput returns (TestInitialFromJS).
func initialFromJS(text string) (s *initialOutput, err error) {
	defer func() {
		if r := recover(); r != nil { // JSON.parse threw, or a field is not what it should be
			s, err = nil, fmt.Errorf("decoding the initial policy: %v", r)
		}
	}()
	v := js.Global().Get("JSON").Call("parse", text)
	if v.Type() != js.TypeObject {
		return nil, fmt.Errorf("decoding the initial policy: not an object")
	}
	str := jsString
	strs := func(o js.Value, k string) []string {
		a := o.Get(k)
		if a.Type() != js.TypeObject {
			return nil
		}
		out := make([]string, a.Length())
		for i := range out {
			out[i] = a.Index(i).String()
		}
		return out
	}
	// whole decodes a field with encoding/json when it holds a non-empty
	// list (directly or in list), else reports false.
	whole := func(o js.Value, k, list string, into any) (bool, error) {
		f := o.Get(k)
		l := f
		if list != "" && f.Type() == js.TypeObject {
			l = f.Get(list)
		}
		if l.Type() != js.TypeObject || l.Length() == 0 {
			return false, nil
		}
		return true, json.Unmarshal([]byte(js.Global().Get("JSON").Call("stringify", f).String()), into)
	}
	s = &initialOutput{Screen: screenID(str(v, "Screen")), YAML: str(v, "YAML"), Dataset: str(v, "Dataset"),
		Formats: strs(v, "Formats"), Texts: strs(v, "Texts"), SizeText: str(v, "SizeText"), Added: strs(v, "Added"), SplitText: str(v, "SplitText")}
	if o := v.Get("Options"); o.Type() == js.TypeObject {
		s.Options.Minimize = o.Get("Minimize").Truthy()
		if n := o.Get("MinLength"); n.Type() == js.TypeNumber {
			s.Options.MinLength = n.Int()
		}
		s.Options.Split = str(o, "Split")
	}
	if ok, err := whole(v, "Size", "over", &s.Size); err != nil {
		return nil, fmt.Errorf("decoding the initial policy's size: %w", err)
	} else if !ok {
		if n := v.Get("Size").Get("chars"); n.Type() == js.TypeNumber {
			s.Size.Chars = n.Int()
		}
	}
	if _, err := whole(v, "Warnings", "", &s.Warnings); err != nil {
		return nil, fmt.Errorf("decoding the initial policy's warnings: %w", err)
	}
	if ok, err := whole(v, "Checks", "Findings", &s.Checks); err != nil {
		return nil, fmt.Errorf("decoding the initial policy's checks: %w", err)
	} else if !ok {
		c := v.Get("Checks")
		s.Checks.Summary, s.Checks.Worst = str(c, "Summary"), str(c, "Worst")
	}
	if s.Template, err = templateFromJS(v.Get("Template")); err != nil {
		return nil, fmt.Errorf("decoding the initial policy's template: %w", err)
	}
	return s, nil
}

// showStatus writes the app's status into the prerendered page's status
// line (id boot-status, where loader.js writes its own progress) while
// the app has not rendered yet.
func showStatus(text string) {
	if el := js.Global().Get("document").Call("getElementById", "boot-status"); el.Truthy() && el.Get("textContent").String() != text {
		el.Set("textContent", text)
	}
}

// prerenderedText is the text of the prerendered page's textarea id
// (index.html, written by make dist) when it was edited before the app
// ran: its value then differs from the text the page came with.
func prerenderedText(id string) (string, bool) {
	doc := js.Global().Get("document")
	mount := doc.Call("getElementById", "vugu_mount_point")
	if !mount.Truthy() || !mount.Call("hasAttribute", "data-prerendered").Bool() {
		return "", false
	}
	el := doc.Call("getElementById", id)
	if !el.Truthy() {
		return "", false
	}
	v := el.Get("value").String()
	return v, v != el.Get("defaultValue").String()
}
