package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/leastpriv/policysentry/engine/frontend/site"
)

// TestStartupAB compares the first visit of several builds of the app in
// one run, alternating between them round by round so that the machine's
// load changes hit each build alike:
//
//	STARTUP_AB="main=/tmp/maindist,branch=dist" STARTUP_AB_ROUNDS=5 \
//	  go test -count=1 -v -run TestStartupAB ./scripts/browsertest/
//
// Each round opens each build in a fresh browser (navigation to ready, as
// rendered, and the start-up marks), then its bare page in another fresh
// browser (the wasm instantiated and nothing else, as
// TestPerformanceFigures' reference). With STARTUP_AB_PAGE=1 a third
// fresh browser opens the build's index.html without its scripts but with
// the bare page's instantiating script at the end of the body: what the
// prerendered page itself costs the instantiation. It logs every round
// and the medians, asserting only that each measurement worked. It is
// skipped unless STARTUP_AB names the builds.
func TestStartupAB(t *testing.T) {
	spec := os.Getenv("STARTUP_AB")
	if spec == "" {
		t.Skip("STARTUP_AB is not set (name=dist-dir,...)")
	}
	rounds := 3
	if r := os.Getenv("STARTUP_AB_ROUNDS"); r != "" {
		if _, err := fmt.Sscan(r, &rounds); err != nil || rounds < 1 {
			t.Fatalf("STARTUP_AB_ROUNDS=%q: want a positive number", r)
		}
	}
	type build struct{ name, url string }
	var builds []build
	for _, p := range strings.Split(spec, ",") {
		name, dir, ok := strings.Cut(p, "=")
		if !ok {
			t.Fatalf("STARTUP_AB entry %q: want name=dist-dir", p)
		}
		builds = append(builds, build{name, abServer(t, dir)})
	}
	type figures struct{ ready, own, bare float64 }
	got := map[string][]figures{}
	for i := 0; i < rounds; i++ {
		for _, b := range builds {
			ctx, stop := browser(t)
			if err := runWithin(ctx, perfTimeout, chromedp.ActionFunc(func(ctx context.Context) error {
				_, err := page.AddScriptToEvaluateOnNewDocument(readyProbe).Do(ctx)
				return err
			}), chromedp.Navigate(b.url+"/")); err != nil {
				stop()
				t.Fatalf("%s: %v", b.name, err)
			}
			var f figures
			var inst, fcp float64
			var marks string
			err := waitReadyWithin(ctx, perfTimeout)
			if err == nil {
				err = run(ctx, chromedp.Poll(`window.__readyAt`, &f.ready),
					chromedp.Evaluate(`(performance.getEntriesByName("wasm-instantiated")[0] || {startTime: -1}).startTime`, &inst),
					chromedp.Evaluate(`(performance.getEntriesByName("first-contentful-paint")[0] || {startTime: -1}).startTime`, &fcp),
					chromedp.Evaluate(`performance.getEntriesByType("mark").map(m => m.name + " " + Math.round(m.startTime)).join(", ")`, &marks))
			}
			stop()
			if err != nil || inst <= 0 || f.ready < inst {
				t.Fatalf("%s round %d: ready %v, instantiated %v: %v", b.name, i, f.ready, inst, err)
			}
			f.own = f.ready - inst
			f.bare = abInstantiated(t, b.url+"/bare.html")
			extra := ""
			if os.Getenv("STARTUP_AB_PAGE") != "" {
				extra = fmt.Sprintf("; the page without its scripts, instantiating: %.0f ms", abInstantiated(t, b.url+"/page-bare.html"))
			}
			t.Logf("%s round %d: ready %.0f ms (instantiated %.0f, own start %.0f), bare page %.0f ms, ready / bare %.2f, first contentful paint %.0f%s; marks: %s; load %s",
				b.name, i, f.ready, inst, f.own, f.bare, f.ready/f.bare, fcp, extra, marks, loadAverage())
			got[b.name] = append(got[b.name], f)
		}
	}
	for _, b := range builds {
		var ready, own, bare, ratio []float64
		for _, f := range got[b.name] {
			ready, own, bare, ratio = append(ready, f.ready), append(own, f.own), append(bare, f.bare), append(ratio, f.ready/f.bare)
		}
		t.Logf("%s (median of %d): ready %.0f ms, own start %.0f ms, bare page %.0f ms, ready / bare %.2f (median of the rounds' ratios; rounds %.2f)",
			b.name, len(ready), median(ready), median(own), median(bare), median(ratio), ratio)
	}
}

// abServer serves a build like newServer, plus its bare page
// (/bare.html) and its index.html with the bare page's script instead of
// its own (/page-bare.html); it returns the URL.
func abServer(t *testing.T, dir string) string {
	t.Helper()
	var assets struct{ Wasm string }
	b, err := os.ReadFile(filepath.Join(dir, "assets.json"))
	if err == nil {
		err = json.Unmarshal(b, &assets)
	}
	if err != nil || assets.Wasm == "" {
		t.Fatalf("%s/assets.json: %v (wasm %q)", dir, err, assets.Wasm)
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	bare := fmt.Sprintf(barePage, assets.Wasm)
	script := bare[strings.Index(bare, "<script"):]
	pageBare := strings.Replace(string(scriptElement.ReplaceAll(index, nil)), "</body>", script+"</body>", 1)
	h := site.New(os.DirFS(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/bare.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, bare)
		case "/page-bare.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, pageBare)
		default:
			h.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	servedSize(t, srv.URL+"/"+assets.Wasm, "br") // compressed once before measuring
	return srv.URL
}

// abInstantiated opens url in a fresh browser and returns when its page
// had the wasm instantiated (window.__instAt), in ms after navigation.
func abInstantiated(t *testing.T, url string) float64 {
	t.Helper()
	ctx, stop := browser(t)
	defer stop()
	var at float64
	if err := runWithin(ctx, perfTimeout, chromedp.Navigate(url), chromedp.Poll(`window.__instAt`, &at, chromedp.WithPollingTimeout(perfTimeout))); err != nil || at <= 0 {
		t.Fatalf("%s: instantiated at %v: %v", url, at, err)
	}
	return at
}

// loadAverage is the first field of /proc/loadavg ("?" where there is
// none).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}
