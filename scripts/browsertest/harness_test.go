// Package browsertest drives the built web app (dist/) in a real headless
// Chromium with chromedp: end-to-end tests of every screen, the offline
// and security behaviour, and scripted performance measurements. Run it
// with `make test-browser` (which builds dist/ first).
package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/leastpriv/policysentry/engine/frontend/site"
)

// distDir is the built app: $DIST_DIR, else dist/ at the repository root.
var distDir = func() string {
	if d := os.Getenv("DIST_DIR"); d != "" {
		return d
	}
	return "../../dist"
}()

// Timeouts of the waits: ceilings that catch a hang, not speed checks
// (speed is measured by TestPerformanceFigures). A fresh-clone CI run on
// a 2-core machine shared with other work (load average 10-15) took over
// 8 s for one step and 20 s to ready, so they are generous; a failing
// wait still ends in under a minute.
const (
	readyTimeout = 45 * time.Second // navigation to "ready"
	stepTimeout  = 20 * time.Second // one UI step (click, text to appear)
)

// shotsDir collects screenshots (git-ignored).
const shotsDir = "screenshots"

// server serves dist/ like production and records every request path.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string
	// intercept, when set, may answer a request instead of dist/ (it
	// returns true when it did): the tests use it to break downloads.
	intercept func(w http.ResponseWriter, r *http.Request) bool
}

// setIntercept installs (or, with nil, removes) the request interceptor.
func (s *server) setIntercept(f func(w http.ResponseWriter, r *http.Request) bool) {
	s.mu.Lock()
	s.intercept = f
	s.mu.Unlock()
}

func newServer(t *testing.T) *server {
	t.Helper()
	if _, err := os.Stat(filepath.Join(distDir, "index.html")); err != nil {
		t.Fatalf("dist/ is not built: run `make dist` (make test-browser does): %v", err)
	}
	s := &server{}
	h := site.New(os.DirFS(distDir))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.URL.Path)
		f := s.intercept
		s.mu.Unlock()
		if f != nil && f(w, r) {
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// browser starts a headless Chromium with its own profile.
func browser(t *testing.T) (context.Context, func()) {
	t.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		for _, p := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if full, err := exec.LookPath(p); err == nil {
				path = full
				break
			}
		}
	}
	if path == "" {
		t.Fatal("no Chromium found: install the Debian package chromium (scripts/setup.sh does)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(profileDir(t)),
		chromedp.WindowSize(1280, 900),
	}
	// CHROME_JS_FLAGS passes V8 flags, for diagnosing start-up time.
	if f := os.Getenv("CHROME_JS_FLAGS"); f != "" {
		opts = append(opts, chromedp.Flag("js-flags", f))
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	// Start the browser now so its start-up is not charged to a step.
	if err := chromedp.Run(ctx); err != nil {
		cancelC()
		cancelA()
		t.Fatalf("starting Chromium: %v", err)
	}
	ctx, cancelT := context.WithTimeout(ctx, 5*time.Minute)
	return ctx, func() { cancelT(); cancelC(); cancelA() }
}

// profileDir is a fresh Chromium profile folder, removed after the test.
// Chromium's helper processes may still write to it for a moment after
// the browser is closed, so removal retries and never fails the test.
func profileDir(t *testing.T) string {
	d, err := os.MkdirTemp("", "browsertest-profile-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i := 0; i < 20 && os.RemoveAll(d) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	return d
}

// sel is a data-testid selector.
func sel(id string) string { return `[data-testid="` + id + `"]` }

// run runs actions with a stepTimeout deadline, so that a selector that
// never matches fails the step in seconds. The browser stays usable.
func run(ctx context.Context, actions ...chromedp.Action) error {
	return runWithin(ctx, stepTimeout, actions...)
}

// runWithin is run with another deadline.
func runWithin(ctx context.Context, d time.Duration, actions ...chromedp.Action) error {
	sctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return chromedp.Run(sctx, actions...)
}

// waitReady waits until the dataset status says ready.
func waitReady(ctx context.Context) error { return waitReadyWithin(ctx, readyTimeout) }

// waitReadyWithin is waitReady with another timeout.
func waitReadyWithin(ctx context.Context, d time.Duration) error {
	return runWithin(ctx, d+time.Second, chromedp.Poll(`(() => { const e = document.querySelector('[data-testid="dataset-status"]'); return !!e && e.textContent.startsWith("ready") })()`, nil, chromedp.WithPollingTimeout(d), chromedp.WithPollingInterval(10*time.Millisecond)))
}

// openApp starts a browser, opens the app served by srv and waits for
// ready; the console is logged if the test fails. The caller defers the
// returned cancel.
func openApp(t *testing.T, srv *server) (context.Context, func()) {
	t.Helper()
	ctx, cancel := browser(t)
	if err := chromedp.Run(ctx, runtime.Enable()); err != nil {
		cancel()
		t.Fatal(err)
	}
	logConsoleOnFailure(t, recordConsole(ctx))
	if err := run(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := waitReady(ctx); err != nil {
		s, _ := textOf(ctx, "dataset-status")
		screenshot(t, ctx, "not-ready")
		cancel()
		t.Fatalf("app not ready: %v (status %q)", err, s)
	}
	return ctx, cancel
}

// valueOf reads a textarea's or input's value, failing the test if the
// element is missing.
func valueOf(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	var v string
	if err := run(ctx, chromedp.Value(sel(id), &v, chromedp.ByQuery)); err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return v
}

// textOf reads an element's text content.
func textOf(ctx context.Context, id string) (string, error) {
	var s string
	err := run(ctx, chromedp.Evaluate(`(document.querySelector('`+sel(id)+`') || {}).textContent || ""`, &s))
	return s, err
}

// setValue sets a textarea/input value and fires an input event, as typing does.
func setValue(id, value string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var ok bool
		if err := chromedp.Evaluate(`(() => { const e = document.querySelector('`+sel(id)+`'); if (!e) return false; e.focus(); e.value = `+jsString(value)+`; e.dispatchEvent(new Event('input', {bubbles: true})); return true })()`, &ok).Do(ctx); err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no element %s on the page", sel(id))
		}
		return nil
	})
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "${", "\\${")
	return "`" + r.Replace(s) + "`"
}

// pollText waits until an element's text satisfies ok.
func pollText(ctx context.Context, id string, ok func(string) bool) (string, error) {
	deadline := time.Now().Add(stepTimeout)
	for {
		s, err := textOf(ctx, id)
		if err != nil {
			return s, err
		}
		if ok(s) {
			return s, nil
		}
		if time.Now().After(deadline) {
			return s, context.DeadlineExceeded
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// screenshot saves a PNG of the page into shotsDir.
func screenshot(t *testing.T, ctx context.Context, name string) {
	var buf []byte
	if err := run(ctx, chromedp.FullScreenshot(&buf, 100)); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	os.MkdirAll(shotsDir, 0o755)
	os.WriteFile(filepath.Join(shotsDir, name+".png"), buf, 0o644)
}

// viewShot saves a PNG of the visible part of the page (what a user sees
// first), for pages too long for a full screenshot to be read.
func viewShot(t *testing.T, ctx context.Context, name string) {
	var buf []byte
	if err := run(ctx, chromedp.CaptureScreenshot(&buf)); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	os.MkdirAll(shotsDir, 0o755)
	os.WriteFile(filepath.Join(shotsDir, name+".png"), buf, 0o644)
}

// recordRequests collects the URL of every request the page makes.
func recordRequests(ctx context.Context) func() []string {
	var mu sync.Mutex
	var urls []string
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			urls = append(urls, e.Request.URL)
			mu.Unlock()
		}
	})
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), urls...)
	}
}

// logConsoleOnFailure logs the recorded console messages when the test
// fails, after it has run.
func logConsoleOnFailure(t *testing.T, console func() []string) {
	t.Cleanup(func() {
		if t.Failed() {
			for _, m := range console() {
				t.Log("console:", m)
			}
		}
	})
}

// recordConsole collects console messages and uncaught exceptions.
func recordConsole(ctx context.Context) func() []string {
	var mu sync.Mutex
	var msgs []string
	chromedp.ListenTarget(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			msgs = append(msgs, string(e.Type)+": "+strings.Join(parts, " "))
		case *runtime.EventExceptionThrown:
			msgs = append(msgs, "exception: "+e.ExceptionDetails.Text+" "+exceptionText(e.ExceptionDetails))
		case *cdplog.EventEntryAdded:
			msgs = append(msgs, "log: "+e.Entry.Text)
		}
	})
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), msgs...)
	}
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

// clearBrowserCache empties the browser's HTTP cache.
func clearBrowserCache(ctx context.Context) error {
	return network.ClearBrowserCache().Do(ctx)
}

// fmtSscanf reads "rgb(r, g, b)" or "rgba(r, g, b, a)".
func fmtSscanf(s string, r, g, b *int) (int, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "rgba("), "rgb(")
	return fmt.Sscanf(s, "%d, %d, %d", r, g, b)
}
