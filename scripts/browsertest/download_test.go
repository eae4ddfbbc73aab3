package browsertest

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestDownloadFailures breaks the downloads and checks that the app says
// so clearly and recovers with its Retry button: the wasm failing (the
// loader's Retry), the dataset failing with an HTTP error, and the dataset
// arriving corrupt (the sha256 check against manifest.json).
func TestDownloadFailures(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := browser(t)
	defer cancel()
	// The service worker (web/sw.js) would answer from its cache: these
	// tests are about the network path, so requests bypass it.
	if err := run(ctx, network.Enable(), network.SetBypassServiceWorker(true)); err != nil {
		t.Fatal(err)
	}

	// breakOnce answers the first matching request with f, then lets
	// the rest through.
	breakOnce := func(match string, f func(w http.ResponseWriter, r *http.Request)) *atomic.Int32 {
		var n atomic.Int32
		srv.setIntercept(func(w http.ResponseWriter, r *http.Request) bool {
			if !strings.Contains(r.URL.Path, match) || n.Add(1) > 1 {
				return false
			}
			f(w, r)
			return true
		})
		return &n
	}
	status := func() string { s, _ := textOf(ctx, "dataset-status"); return s }

	t.Run("wasm-http-error", func(t *testing.T) {
		n := breakOnce(".wasm", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusServiceUnavailable) })
		if err := run(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
			t.Fatal(err)
		}
		got, err := pollText(ctx, "dataset-status", func(s string) bool { return strings.HasPrefix(s, "error") })
		if err != nil || !strings.Contains(got, "503") {
			t.Fatalf("no clear error for a failed wasm download: %q", got)
		}
		screenshot(t, ctx, "error-wasm")
		if err := run(ctx, chromedp.Click("#boot-retry", chromedp.ByQuery)); err != nil {
			t.Fatalf("no Retry: %v", err)
		}
		if err := waitReady(ctx); err != nil {
			t.Fatalf("Retry did not recover: %v (status %q)", err, status())
		}
		if n.Load() < 2 {
			t.Errorf("the wasm was not fetched again (%d requests)", n.Load())
		}
	})

	t.Run("dataset-http-error", func(t *testing.T) {
		// The dataset is cached immutable by now: clear the cache so
		// the broken response is what the app gets.
		if err := run(ctx, chromedp.ActionFunc(clearBrowserCache)); err != nil {
			t.Fatal(err)
		}
		breakOnce(".bin.zst", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
		if err := run(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
			t.Fatal(err)
		}
		got, err := pollText(ctx, "dataset-status", func(s string) bool { return strings.HasPrefix(s, "error") })
		if err != nil || !strings.Contains(got, "HTTP 500") {
			t.Fatalf("no clear error for a failed dataset download: %q", got)
		}
		if err := run(ctx, chromedp.Click(sel("retry"))); err != nil {
			t.Fatalf("no Retry: %v", err)
		}
		if err := waitReady(ctx); err != nil {
			t.Fatalf("Retry did not recover: %v (status %q)", err, status())
		}
	})

	t.Run("dataset-corrupt", func(t *testing.T) {
		// Serve a dataset with one byte changed (cache cleared as above).
		if err := run(ctx, chromedp.ActionFunc(clearBrowserCache)); err != nil {
			t.Fatal(err)
		}
		breakOnce(".bin.zst", func(w http.ResponseWriter, r *http.Request) {
			b, err := os.ReadFile(filepath.Join(distDir, strings.TrimPrefix(r.URL.Path, "/")))
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			b[len(b)/2] ^= 0x55
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			w.Write(b)
		})
		if err := run(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
			t.Fatal(err)
		}
		got, err := pollText(ctx, "dataset-status", func(s string) bool { return strings.HasPrefix(s, "error") })
		if err != nil || !strings.Contains(got, "sha256") || !strings.Contains(got, "corrupt") {
			t.Fatalf("no clear error for a corrupt dataset: %q", got)
		}
		screenshot(t, ctx, "error-dataset")
		// The corrupt copy was cached as immutable: Retry must get past it.
		if err := run(ctx, chromedp.Click(sel("retry"))); err != nil {
			t.Fatalf("no Retry: %v", err)
		}
		if err := waitReady(ctx); err != nil {
			t.Fatalf("Retry did not recover from a corrupt download: %v (status %q)", err, status())
		}
	})
	srv.setIntercept(nil)
}
