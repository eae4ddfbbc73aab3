package browsertest

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// TestPrerenderedPage holds back the wasm download (the server answers
// it only when the test says so) and checks the page make dist
// prerendered: before the app runs it shows the default template, its
// policy, the tabs and the dataset version; text typed into the template
// then is kept when the app takes over, which updates the policy from
// it, syncing the prerendered elements in place (the same textarea, the
// same tab bar at the same place, the caret still in the textarea).
func TestPrerenderedPage(t *testing.T) {
	srv := newServer(t)
	release := holdBack(srv, ".wasm")
	defer release()
	var m struct{ Version string }
	b, err := os.ReadFile(filepath.Join(distDir, "manifest.json"))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil || m.Version == "" {
		t.Fatalf("dist/manifest.json: %v (version %q)", err, m.Version)
	}

	ctx, cancel := browser(t)
	defer cancel()
	if err := chromedp.Run(ctx, runtime.Enable()); err != nil {
		t.Fatal(err)
	}
	logConsoleOnFailure(t, recordConsole(ctx))
	if err := runWithin(ctx, readyTimeout, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	// Before the wasm: the prerendered page.
	status, _ := textOf(ctx, "dataset-status")
	if strings.HasPrefix(status, "ready") || !strings.Contains(status, m.Version) {
		t.Errorf("prerendered status %q: want a loading status naming dataset %s", status, m.Version)
	}
	policy, _ := textOf(ctx, "policy-json")
	if !strings.Contains(policy, `"s3:GetObject"`) || !strings.Contains(policy, `"arn:aws:s3:::example-bucket/*"`) {
		t.Errorf("prerendered policy is not the default template's:\n%s", policy)
	}
	if strings.Contains(policy, "s3:PutObjectTagging") {
		t.Fatalf("the default policy already grants s3:PutObjectTagging: pick another edit")
	}
	for _, tab := range []string{"tab-crud", "tab-actions", "tab-audit", "tab-browse"} {
		if s, _ := textOf(ctx, tab); s == "" {
			t.Errorf("prerendered page has no %s", tab)
		}
	}
	yml := valueOf(t, ctx, "crud-yaml")
	if !strings.Contains(yml, "mode: crud") {
		t.Errorf("prerendered template %q", yml)
	}
	screenshot(t, ctx, "prerendered")
	var fcp float64
	if err := run(ctx, chromedp.Poll(`(performance.getEntriesByName("first-contentful-paint")[0] || {}).startTime`, &fcp)); err != nil {
		t.Errorf("no first-contentful-paint entry before the wasm: %v", err)
	}
	t.Logf("first contentful paint with the wasm held back: %.0f ms after navigation", fcp)

	// Type into the template before the app runs; remember the elements
	// and where they are.
	// Input.insertText: one call, as a paste or an input method does, for
	// a step that does not depend on the machine's load.
	const typed = "tagging:\n- arn:aws:s3:::example-bucket/*\n"
	var before string
	if err := runWithin(ctx, readyTimeout,
		chromedp.Evaluate(`(() => {
  const e = document.getElementById("crud-yaml");
  e.__prerendered = true;
  document.querySelector('[data-testid="tab-crud"]').__prerendered = true;
  e.focus();
  e.setSelectionRange(e.value.length, e.value.length);
})()`, nil),
		chromedp.ActionFunc(func(ctx context.Context) error { return input.InsertText(typed).Do(ctx) }),
		chromedp.Evaluate(`JSON.stringify([document.querySelector('nav.tabs').getBoundingClientRect(), document.getElementById("crud-yaml").getBoundingClientRect()])`, &before),
	); err != nil {
		t.Fatal(err)
	}
	want := yml + typed
	if got := valueOf(t, ctx, "crud-yaml"); got != want {
		t.Fatalf("typing before the app runs: template %q, want %q", got, want)
	}
	if s, _ := textOf(ctx, "dataset-status"); strings.HasPrefix(s, "ready") {
		t.Fatalf("the app is ready before its wasm was sent: the test does not test typing before it")
	}

	release()
	if err := waitReadyWithin(ctx, 3*readyTimeout); err != nil {
		screenshot(t, ctx, "prerendered-not-ready")
		t.Fatal(err)
	}
	if got := valueOf(t, ctx, "crud-yaml"); got != want {
		t.Errorf("after the app took over: template %q, want %q", got, want)
	}
	if _, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "s3:PutObjectTagging") }); err != nil {
		p, _ := textOf(ctx, "policy-json")
		t.Errorf("policy not updated from the text typed before the app ran: %v\n%s", err, p)
	}
	var same struct {
		Textarea, Tab, Focus bool
		Rects                string
	}
	if err := run(ctx, chromedp.Evaluate(`({
  Textarea: !!document.getElementById("crud-yaml").__prerendered,
  Tab: !!document.querySelector('[data-testid="tab-crud"]').__prerendered,
  Focus: document.activeElement === document.getElementById("crud-yaml"),
  Rects: JSON.stringify([document.querySelector('nav.tabs').getBoundingClientRect(), document.getElementById("crud-yaml").getBoundingClientRect()]),
})`, &same)); err != nil {
		t.Fatal(err)
	}
	if !same.Textarea || !same.Tab {
		t.Errorf("the app replaced prerendered elements instead of taking them over (textarea kept %v, tab kept %v)", same.Textarea, same.Tab)
	}
	if !same.Focus {
		t.Errorf("the template textarea lost the focus when the app took over")
	}
	if same.Rects != before {
		t.Errorf("the tabs or the template moved when the app took over:\nbefore %s\nafter  %s", before, same.Rects)
	}
	// The app is live: an edit after ready regenerates too.
	if err := run(ctx, setValue("crud-yaml", want+"permissions-management:\n- arn:aws:s3:::example-bucket\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "s3:PutBucketPolicy") }); err != nil {
		t.Errorf("policy not updated after ready: %v", err)
	}
	screenshot(t, ctx, "prerendered-taken-over")
}

// TestPrerenderedPageUntilReady holds back the dataset download and
// checks that the app, once running, leaves the prerendered page as it
// is (the form and the policy stay; the status line shows the app's
// progress) until it can render the same screen with the dataset in; and
// that, with nothing saved and nothing typed, what it then shows is what
// make dist prerendered: the same template, form, policy, size line and
// checks, taken from the policy shipped with the page (#ps-initial); and
// that the engine in the browser writes that same policy.
func TestPrerenderedPageUntilReady(t *testing.T) {
	srv := newServer(t)
	release := holdBack(srv, ".bin.zst")
	defer release()
	ctx, cancel := browser(t)
	defer cancel()
	if err := chromedp.Run(ctx, runtime.Enable()); err != nil {
		t.Fatal(err)
	}
	logConsoleOnFailure(t, recordConsole(ctx))
	const snapshot = `JSON.stringify({
  yaml: document.getElementById("crud-yaml").value,
  inputs: Array.from(document.querySelectorAll(".app input:not([type=file]), .app select")).map(e => e.type + "=" + (e.type === "checkbox" ? e.checked : e.value)),
  policy: document.querySelector('[data-testid="policy-json"]').textContent,
  size: document.querySelector('[data-testid="policy-size"]').textContent,
  checks: (document.querySelector('[data-testid="checks-summary"]') || {}).textContent || "",
  tabs: Array.from(document.querySelectorAll("nav.tabs [data-testid]")).map(e => e.textContent),
})`
	var pre string
	if err := runWithin(ctx, readyTimeout, chromedp.Navigate(srv.URL+"/"), chromedp.Evaluate(snapshot, &pre)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(pre, `s3:GetObject`) {
		t.Fatalf("prerendered page has no default policy: %s", pre)
	}
	// The app runs (it writes its own status) while the dataset is held.
	if err := runWithin(ctx, readyTimeout+time.Second, chromedp.Poll(`document.querySelector('[data-testid="dataset-status"]').textContent.startsWith("loading the IAM dataset")`, nil, chromedp.WithPollingTimeout(readyTimeout))); err != nil {
		t.Fatalf("the app did not report loading the dataset: %v", err)
	}
	var during string
	if err := run(ctx, chromedp.Evaluate(snapshot, &during)); err != nil {
		t.Fatal(err)
	}
	if during != pre {
		screenshot(t, ctx, "prerendered-replaced-before-ready")
		t.Errorf("the running app changed the prerendered page before the dataset was in:\nprerendered %s\nrunning     %s", pre, during)
	}
	release()
	if err := waitReady(ctx); err != nil {
		t.Fatal(err)
	}
	var ready string
	if err := run(ctx, chromedp.Evaluate(snapshot, &ready)); err != nil {
		t.Fatal(err)
	}
	if ready != pre {
		t.Errorf("the default screen, ready, differs from the prerendered one:\nprerendered %s\nready       %s", pre, ready)
	}
	// The app took the policy shipped with the page (#ps-initial) instead
	// of writing it again at start-up.
	var took bool
	if err := run(ctx, chromedp.Evaluate(`performance.getEntriesByName("initial-policy", "mark").length === 1`, &took)); err != nil || !took {
		t.Errorf("the app did not take the page's initial policy (no initial-policy mark): %v", err)
	}
	// The engine in the browser writes that same policy: edit the
	// template (a comment: the same policy) and undo the edit, each
	// written by the engine (data-regen-ms is set again).
	var yaml string
	if err := run(ctx, chromedp.Evaluate(`document.getElementById("crud-yaml").value`, &yaml)); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{yaml + "# edited\n", yaml} {
		if err := run(ctx, chromedp.Evaluate(`document.body.removeAttribute("data-regen-ms")`, nil), setValue("crud-yaml", text),
			chromedp.Poll(`document.body.hasAttribute("data-regen-ms")`, nil, chromedp.WithPollingTimeout(stepTimeout))); err != nil {
			t.Fatalf("the policy was not written again after an edit: %v", err)
		}
	}
	var written string
	if err := run(ctx, chromedp.Evaluate(snapshot, &written)); err != nil {
		t.Fatal(err)
	}
	if written != pre {
		t.Errorf("the default screen as the engine writes it in the browser differs from the prerendered one:\nprerendered %s\nwritten     %s", pre, written)
	}
}

// holdBack makes srv hold every request for a path ending in suffix until
// the returned release is called (once or more; the test defers it too).
func holdBack(srv *server, suffix string) (release func()) {
	gate := make(chan struct{})
	var once sync.Once
	srv.setIntercept(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, suffix) {
			<-gate
		}
		return false
	})
	return func() { once.Do(func() { close(gate) }) }
}
