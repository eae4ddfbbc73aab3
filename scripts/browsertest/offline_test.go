package browsertest

// Offline and security tests (issue 6): the saved single-file bundle from
// file:// with the network off, the served app reloaded offline through
// its service worker (and picking up a new deploy), and the app under the
// production Content Security Policy with nothing blocked.

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/leastpriv/policysentry/engine/frontend/site"
)

// bootTimeout bounds a cold start (the bundle unpacks 5 MB and compiles
// the wasm) on a loaded machine.
const bootTimeout = 90 * time.Second

// distAssets reads the built app's assets.json.
func distAssets(t *testing.T) (a struct{ Wasm, Dataset, Version, Build string }) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(distDir, "assets.json"))
	if err != nil {
		t.Fatalf("dist/ is not built (make dist): %v", err)
	}
	if err := json.Unmarshal(b, &a); err != nil || a.Version == "" || a.Build == "" {
		t.Fatalf("assets.json: %v %+v", err, a)
	}
	return a
}

// watchCSP records every securitypolicyviolation event of every page the
// tab loads, in window.__cspViolations.
func watchCSP(ctx context.Context) error {
	return chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(`window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.effectiveDirective + " " + e.blockedURI);
});`).Do(ctx)
		return err
	}))
}

// cspViolations returns the violations the current page recorded.
func cspViolations(ctx context.Context) ([]string, error) {
	var v []string
	err := chromedp.Run(ctx, chromedp.Evaluate(`window.__cspViolations || ["watchCSP not installed"]`, &v))
	return v, err
}

// cspConsole returns the console and log messages about the CSP.
func cspConsole(msgs []string) []string {
	var out []string
	for _, m := range msgs {
		if strings.Contains(m, "Content Security Policy") || strings.Contains(m, "Refused to") {
			out = append(out, m)
		}
	}
	return out
}

// waitFor polls a JavaScript expression until it is true.
func waitFor(ctx context.Context, expr string, d time.Duration) error {
	sctx, cancel := context.WithTimeout(ctx, d+5*time.Second)
	defer cancel()
	return chromedp.Run(sctx, chromedp.Poll(expr, nil, chromedp.WithPollingTimeout(d), chromedp.WithPollingInterval(20*time.Millisecond)))
}

// waitNewDocument waits until the page marked with window.__beforeReload
// has been replaced; evaluations may fail while the page navigates.
func waitNewDocument(ctx context.Context) bool {
	deadline := time.Now().Add(bootTimeout)
	for time.Now().Before(deadline) {
		var replaced bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(`window.__beforeReload !== true && document.readyState !== "loading"`, &replaced)); err == nil && replaced {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// evalAsync evaluates an expression that returns a promise.
func evalAsync(ctx context.Context, expr string, out any) error {
	return chromedp.Run(ctx, chromedp.Evaluate(expr, out, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
		return p.WithAwaitPromise(true)
	}))
}

// generateCRUD types the README's crud.yml and checks the policy's
// statements (used by the app and offline tests).
func generateCRUD(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := run(ctx, chromedp.Click(sel("tab-crud"), chromedp.ByQuery), setValue("crud-yaml", crudYML)); err != nil {
		t.Fatal(err)
	}
	got, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "KmsWriteKey") })
	if err != nil {
		t.Fatalf("policy not generated: %v\n%.500s", err, got)
	}
	var p policyDoc
	if err := json.Unmarshal([]byte(got), &p); err != nil {
		t.Fatalf("policy-json is not JSON: %v", err)
	}
	sids := map[string]bool{}
	for _, s := range p.Statement {
		sids[s.Sid] = true
	}
	for _, want := range []string{"S3ReadObject", "SsmReadParameter", "S3WriteBucket", "KmsWriteKey", "S3ListBucket", "SsmTaggingParameter", "S3PermissionsmanagementBucket"} {
		if !sids[want] {
			t.Errorf("statement %s missing; got %v", want, sids)
		}
	}
}

// checkReady waits for "ready" and checks the status names the version.
func checkReady(t *testing.T, ctx context.Context, version string) {
	t.Helper()
	if err := waitFor(ctx, `(() => { const e = document.querySelector('`+sel("dataset-status")+`'); return !!e && e.textContent.startsWith("ready") })()`, bootTimeout); err != nil {
		s, _ := textOf(ctx, "dataset-status")
		screenshot(t, ctx, "offline-not-ready")
		t.Fatalf("app not ready: %v (status %q)", err, s)
	}
	if s, _ := textOf(ctx, "dataset-status"); !strings.HasPrefix(s, "ready "+version) {
		t.Errorf("dataset-status %q, want ready %s", s, version)
	}
}

func TestOfflineBundle(t *testing.T) {
	a := distAssets(t)
	bundle, err := filepath.Abs(filepath.Join(distDir, "policy-sentry-offline.html"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bundle); err != nil {
		t.Fatalf("no bundle: run `make bundle` (make test-browser does): %v", err)
	}
	ctx, cancel := browser(t)
	defer cancel()
	if err := chromedp.Run(ctx, network.Enable(), runtime.Enable(), cdplog.Enable(),
		network.EmulateNetworkConditions(true, 0, -1, -1)); err != nil {
		t.Fatal(err)
	}
	if err := watchCSP(ctx); err != nil {
		t.Fatal(err)
	}
	requests := recordRequests(ctx)
	console := recordConsole(ctx)
	logConsoleOnFailure(t, console)
	if err := chromedp.Run(ctx, chromedp.Navigate("file://"+filepath.ToSlash(bundle))); err != nil {
		t.Fatal(err)
	}
	var online bool
	if err := chromedp.Run(ctx, chromedp.Evaluate(`navigator.onLine`, &online)); err != nil || online {
		t.Fatalf("the network is not off (navigator.onLine %v, %v)", online, err)
	}
	checkReady(t, ctx, a.Version)
	if note, _ := textOf(ctx, "bundle-version"); !strings.Contains(note, a.Version) {
		t.Errorf("the page does not say which dataset it carries: %q", note)
	}
	generateCRUD(t, ctx)
	screenshot(t, ctx, "offline-bundle")
	// The account audit's worker runs from a Blob URL in a file:// page.
	auditInWorker(t, ctx, genAccount(t, 30), 30)

	if v, err := cspViolations(ctx); err != nil || len(v) > 0 {
		t.Errorf("CSP violations in the bundle: %v %v", v, err)
	}
	if m := cspConsole(console()); len(m) > 0 {
		t.Errorf("CSP messages on the console: %v", m)
	}
	reqs := requests()
	if len(reqs) == 0 {
		t.Error("no request recorded: the recorder does not work")
	}
	for _, u := range reqs {
		if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("the bundle made a network request: %s", u)
		}
	}
}

// dirServer serves a folder with engine/frontend/site; while down is set it cuts
// every connection, as an unreachable network would.
type dirServer struct {
	*httptest.Server
	down atomic.Bool
	mu   sync.Mutex
	hits []string // paths requested
}

func serveDir(t *testing.T, dir string) *dirServer {
	t.Helper()
	s := &dirServer{}
	h := site.New(os.DirFS(dir))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits = append(s.hits, r.URL.RequestURI())
		s.mu.Unlock()
		if s.down.Load() {
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
					return
				}
			}
			http.Error(w, "offline", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// copyDist copies the built app (without the bundle) into a new folder.
func copyDist(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(distDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || e.Name() == "policy-sentry-offline.html" {
			continue
		}
		in, err := os.Open(filepath.Join(distDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dst, e.Name()))
		if err == nil {
			_, err = io.Copy(out, in)
			out.Close()
		}
		in.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func TestServedAppOffline(t *testing.T) {
	a := distAssets(t)
	account := genAccount(t, 30)
	dir := copyDist(t)
	srv := serveDir(t, dir)
	ctx, cancel := browser(t)
	defer cancel()
	if err := chromedp.Run(ctx, network.Enable(), runtime.Enable(), cdplog.Enable()); err != nil {
		t.Fatal(err)
	}
	console := recordConsole(ctx)
	logConsoleOnFailure(t, console)

	// First visit: the service worker installs and caches the build.
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	checkReady(t, ctx, a.Version)
	if err := waitFor(ctx, `!!navigator.serviceWorker.controller`, bootTimeout); err != nil {
		t.Fatalf("no service worker took control: %v", err)
	}
	var cached []string
	if err := evalAsync(ctx, `caches.open("policy-sentry-`+a.Build+`").then(c => c.keys()).then(ks => ks.map(r => new URL(r.url).pathname))`, &cached); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/", "/index.html", "/loader.js", "/wasm_exec.js", "/auditworker.js", "/assets.json", "/manifest.json", "/" + a.Wasm, "/" + a.Dataset} {
		if !contains(cached, want) {
			t.Errorf("%s is not in the service worker's cache %v", want, cached)
		}
	}

	t.Run("new-deploy", func(t *testing.T) {
		// A deploy with another build id: the next visit installs the new
		// worker and the page says a new version is ready.
		newBuild := "f00dcafe0001"
		b, err := os.ReadFile(filepath.Join(dir, "assets.json"))
		if err != nil {
			t.Fatal(err)
		}
		b = []byte(strings.Replace(string(b), `"build": "`+a.Build+`"`, `"build": "`+newBuild+`"`, 1))
		if !strings.Contains(string(b), newBuild) {
			t.Fatalf("assets.json has no build %q field to change", a.Build)
		}
		if err := os.WriteFile(filepath.Join(dir, "assets.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		var hidden bool
		if err := chromedp.Run(ctx, chromedp.Reload()); err != nil {
			t.Fatal(err)
		}
		checkReady(t, ctx, a.Version)
		if err := waitFor(ctx, `(() => { const b = document.getElementById("update-banner"); return !!b && !b.hidden })()`, bootTimeout); err != nil {
			var st string
			evalAsync(ctx, `navigator.serviceWorker.getRegistration().then(r => JSON.stringify({a: r.active && r.active.scriptURL, w: r.waiting && r.waiting.scriptURL, i: r.installing && r.installing.scriptURL, c: navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL}))`, &st)
			srv.mu.Lock()
			t.Logf("service worker registration %s; requests %v", st, srv.hits)
			srv.mu.Unlock()
			t.Fatalf("no \"new version is ready\" banner after a deploy: %v", err)
		}
		var banner string
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.getElementById("update-banner").textContent`, &banner)); err != nil || !strings.Contains(banner, "new version is ready") {
			t.Errorf("banner text %q (%v)", banner, err)
		}
		var script string
		// The page switches to the new worker as it activates; wait until
		// its activation (which deletes the old cache) has finished.
		if err := evalAsync(ctx, `navigator.serviceWorker.getRegistration().then(r => r.active.state === "activated" ? r.active.scriptURL :
  new Promise(res => r.active.addEventListener("statechange", e => { if (e.target.state === "activated") res(e.target.scriptURL) })))`, &script); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(script, "sw.js?build="+newBuild) {
			t.Errorf("active worker %s, want the new build's", script)
		}
		var names []string
		if err := evalAsync(ctx, `caches.keys()`, &names); err != nil {
			t.Fatal(err)
		}
		if len(names) != 1 || names[0] != "policy-sentry-"+newBuild {
			t.Errorf("caches %v, want only the new build's", names)
		}
		// The banner's Reload button runs the new build; the banner is gone.
		if err := chromedp.Run(ctx, chromedp.Evaluate(`window.__beforeReload = true`, nil),
			chromedp.Click("#update-reload", chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if !waitNewDocument(ctx) {
			t.Fatal("the Reload button did not reload the page")
		}
		checkReady(t, ctx, a.Version)
		var controller string
		if err := chromedp.Run(ctx, chromedp.Evaluate(`navigator.serviceWorker.controller ? navigator.serviceWorker.controller.scriptURL : ""`, &controller)); err != nil || !strings.HasSuffix(controller, "build="+newBuild) {
			t.Errorf("after Reload the page is controlled by %q (%v), want the new build's worker", controller, err)
		}
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.getElementById("update-banner").hidden`, &hidden)); err != nil || !hidden {
			t.Errorf("banner still shown after reloading into the new version (%v)", err)
		}
	})

	t.Run("offline-reload", func(t *testing.T) {
		srv.down.Store(true)
		if err := chromedp.Run(ctx, network.EmulateNetworkConditions(true, 0, -1, -1)); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Run(ctx, chromedp.Reload()); err != nil {
			t.Fatal(err)
		}
		checkReady(t, ctx, a.Version)
		var online bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(`navigator.onLine`, &online)); err != nil || online {
			t.Errorf("the network is not off (navigator.onLine %v, %v)", online, err)
		}
		generateCRUD(t, ctx)
		screenshot(t, ctx, "offline-served")
		auditInWorker(t, ctx, account, 30) // the worker's script from the cache
	})
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func TestCSPNothingBlocked(t *testing.T) {
	a := distAssets(t)
	srv := serveDir(t, distDir)
	ctx, cancel := browser(t)
	defer cancel()
	if err := chromedp.Run(ctx, network.Enable(), runtime.Enable(), cdplog.Enable()); err != nil {
		t.Fatal(err)
	}
	if err := watchCSP(ctx); err != nil {
		t.Fatal(err)
	}
	console := recordConsole(ctx)
	var mu sync.Mutex
	var docCSP []string
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*network.EventResponseReceived); ok && e.Type == network.ResourceTypeDocument {
			mu.Lock()
			for k, v := range e.Response.Headers {
				if strings.EqualFold(k, "Content-Security-Policy") {
					docCSP = append(docCSP, v.(string))
				}
			}
			mu.Unlock()
		}
	})
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	checkReady(t, ctx, a.Version)
	mu.Lock()
	if len(docCSP) != 1 || docCSP[0] != site.CSP {
		t.Errorf("the page was served with CSP %q, want %q", docCSP, site.CSP)
	}
	mu.Unlock()
	// Use every screen, so their code paths run under the policy, and
	// the account audit's worker.
	generateCRUD(t, ctx)
	auditInWorker(t, ctx, genAccount(t, 30), 30)
	for _, tab := range []string{"tab-actions", "tab-audit", "tab-browse"} {
		if err := chromedp.Run(ctx, chromedp.Click(sel(tab), chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := cspViolations(ctx); err != nil || len(v) > 0 {
		t.Errorf("CSP violations: %v %v", v, err)
	}
	if m := cspConsole(console()); len(m) > 0 {
		t.Errorf("CSP messages on the console: %v", m)
	}

	// Control: a blocked load is seen by both detectors.
	if err := chromedp.Run(ctx, chromedp.Evaluate(`(() => { const i = document.createElement("img"); i.src = "https://blocked.invalid/x.png"; document.body.appendChild(i); return true })()`, nil)); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(ctx, `window.__cspViolations.some(v => v.startsWith("img-src https://blocked.invalid"))`, 10*time.Second); err != nil {
		v, _ := cspViolations(ctx)
		t.Errorf("the violation detector missed a blocked image: %v", v)
	}
	seen := false
	for i := 0; i < 100 && !seen; i++ {
		seen = len(cspConsole(console())) > 0
		if !seen {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if !seen {
		t.Errorf("the console recorder missed a CSP violation: %v", console())
	}
}
