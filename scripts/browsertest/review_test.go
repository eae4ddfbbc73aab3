package browsertest

// The review screens (issues 16 and 18): Compare (does NEW grant access
// that OLD did not, guardrails) and Simulate (the decision for one
// request), served and in the offline bundle.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const compareOld = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadLogs",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::example-bucket/logs/*"
    }
  ]
}`

const compareNew = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadAll",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::example-bucket/*"
    },
    {
      "Sid": "PassRoles",
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "*"
    }
  ]
}`

const simulateIdentity = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ListOther",
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::other"
    },
    {
      "Sid": "ReadReports",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::reports/*",
      "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
    }
  ]
}`

const simulateSCP = `{"Version":"2012-10-17","Statement":[
  {"Sid":"AllowAll","Effect":"Allow","Action":"*","Resource":"*"},
  {"Sid":"DenyReports","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`

// openBundle opens the offline bundle from file:// with the network off
// and waits for ready. The caller defers the returned cancel.
func openBundle(t *testing.T) (context.Context, func()) {
	t.Helper()
	a := distAssets(t)
	bundle, err := filepath.Abs(filepath.Join(distDir, "policy-sentry-offline.html"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bundle); err != nil {
		t.Fatalf("no bundle: run `make bundle` (make test-browser does): %v", err)
	}
	ctx, cancel := browser(t)
	if err := chromedp.Run(ctx, network.Enable(), runtime.Enable(), cdplog.Enable(),
		network.EmulateNetworkConditions(true, 0, -1, -1)); err != nil {
		cancel()
		t.Fatal(err)
	}
	logConsoleOnFailure(t, recordConsole(ctx))
	requests := recordRequests(ctx)
	t.Cleanup(func() {
		for _, u := range requests() {
			if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
				t.Errorf("the bundle made a network request: %s", u)
			}
		}
	})
	if err := chromedp.Run(ctx, chromedp.Navigate("file://"+filepath.ToSlash(bundle))); err != nil {
		cancel()
		t.Fatal(err)
	}
	checkReady(t, ctx, a.Version)
	return ctx, cancel
}

// openServed is openApp with the cold-start allowance of the offline
// tests (bootTimeout): these tests run the app twice each, and a loaded
// CI machine can take longer than readyTimeout to start it.
func openServed(t *testing.T, srv *server) (context.Context, func()) {
	t.Helper()
	ctx, cancel := browser(t)
	if err := chromedp.Run(ctx, runtime.Enable()); err != nil {
		cancel()
		t.Fatal(err)
	}
	logConsoleOnFailure(t, recordConsole(ctx))
	if err := slow(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		cancel()
		t.Fatal(err)
	}
	checkReady(t, ctx, distAssets(t).Version)
	return ctx, cancel
}

// bothWays runs a screen's flow against the served app and the offline
// bundle.
func bothWays(t *testing.T, name string, flow func(t *testing.T, ctx context.Context, shot string)) {
	t.Run("served", func(t *testing.T) {
		ctx, cancel := openServed(t, newServer(t))
		defer cancel()
		flow(t, ctx, name)
	})
	t.Run("offline-bundle", func(t *testing.T) {
		ctx, cancel := openBundle(t)
		defer cancel()
		flow(t, ctx, name+"-offline")
	})
}

// reviewTimeout bounds one step of these flows: each keystroke-sized
// step runs a comparison or simulation and a render, which a loaded
// 2-core machine can stretch to many seconds.
const reviewTimeout = 45 * time.Second

// slow is run with reviewTimeout.
func slow(ctx context.Context, actions ...chromedp.Action) error {
	return runWithin(ctx, reviewTimeout, actions...)
}

// slowPoll waits until an element's text satisfies ok, for up to
// reviewTimeout.
func slowPoll(ctx context.Context, id string, ok func(string) bool) (string, error) {
	deadline := time.Now().Add(reviewTimeout)
	for {
		s, err := textOf(ctx, id)
		if err != nil || ok(s) {
			return s, err
		}
		if time.Now().After(deadline) {
			return s, context.DeadlineExceeded
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// selected returns the id of the focused element and its selected text.
func selected(t *testing.T, ctx context.Context) (id, text string) {
	t.Helper()
	var r []string
	if err := slow(ctx, chromedp.Evaluate(`(() => { const e = document.activeElement; return [e.id || "", (e.value || "").slice(e.selectionStart, e.selectionEnd)] })()`, &r)); err != nil || len(r) != 2 {
		t.Fatalf("reading the selection: %v %v", r, err)
	}
	return r[0], r[1]
}

// clickLoc clicks the first statement link inside the element with the
// given data-testid.
func clickLoc(id string) chromedp.Action {
	return chromedp.Click(sel(id)+` button.loc`, chromedp.ByQuery)
}

// reloadKeeps switches to the CRUD screen and back to tab, then reloads,
// and checks each time that every field kept its text; first is a field
// of the screen to wait for.
func reloadKeeps(t *testing.T, ctx context.Context, tab, first string, want map[string]string) {
	t.Helper()
	check := func(when string) {
		for id, v := range want {
			if got := valueOf(t, ctx, id); got != v {
				t.Errorf("%s: %s holds %.200q, want %.200q", when, id, got, v)
			}
		}
	}
	if err := slow(ctx, chromedp.Click(sel("tab-crud")), chromedp.WaitVisible(sel("crud-yaml")), chromedp.Click(sel(tab)), chromedp.WaitVisible(sel(first))); err != nil {
		t.Fatal(err)
	}
	check("after switching screens")
	if err := slow(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(ctx, `(() => { const e = document.querySelector('`+sel("dataset-status")+`'); return !!e && e.textContent.startsWith("ready") })()`, bootTimeout); err != nil {
		t.Fatal(err)
	}
	if err := slow(ctx, chromedp.WaitVisible(sel(first))); err != nil {
		t.Fatalf("the screen is not shown after a reload: %v", err)
	}
	check("after a reload")
}

// TestCompareScreen: OLD and NEW typed, the verdict, the new access with
// the statement responsible selected in NEW on a click, guardrails
// (built-in and a must-not-grant list, its error with line and column),
// and the text kept across screens and reloads.
func TestCompareScreen(t *testing.T) {
	bothWays(t, "compare", func(t *testing.T, ctx context.Context, shot string) {
		if err := slow(ctx, chromedp.Click(sel("tab-compare")), chromedp.WaitVisible(sel("compare-old")),
			setValue("compare-old", compareOld), setValue("compare-new", compareNew)); err != nil {
			screenshot(t, ctx, shot+"-failed")
			t.Fatal(err)
		}
		if v, err := slowPoll(ctx, "compare-verdict", func(s string) bool { return strings.Contains(s, "NEW grants access that OLD did not (2 changes)") }); err != nil {
			t.Fatalf("verdict %q: %v", v, err)
		}
		got, _ := textOf(ctx, "compare-new-access")
		for _, want := range []string{"s3:GetObject", "arn:aws:s3:::example-bucket/*", "WIDER_RESOURCE", "new 4:5 ReadAll", "old 4:5 ReadLogs", "iam:PassRole", "NEW_ACTION", "new 10:5 PassRoles"} {
			if !strings.Contains(got, want) {
				t.Errorf("new access lacks %q: %q", want, got)
			}
		}
		// A statement link selects the statement in its box.
		if err := slow(ctx, clickLoc("compare-new-access")); err != nil {
			t.Fatal(err)
		}
		if id, text := selected(t, ctx); id != "compare-new" || !strings.HasPrefix(text, "{") || !strings.HasSuffix(text, "}") || !strings.Contains(text, `"Sid": "ReadAll"`) || strings.Contains(text, "PassRoles") {
			t.Errorf("the link selected %q in #%s, want the ReadAll statement of NEW", text, id)
		}
		viewShot(t, ctx, shot+"-selected")

		// A built-in guardrail and a must-not-grant list.
		if err := slow(ctx, chromedp.Click(sel("guardrail-iam-write")),
			setValue("compare-must-not-grant", "must-not-grant:\n  - name: all-reads\n    actions: [\"s3:Get*\"]\n")); err != nil {
			t.Fatal(err)
		}
		hits, err := slowPoll(ctx, "compare-hits", func(s string) bool { return strings.Contains(s, "iam-write") && strings.Contains(s, "all-reads") })
		if err != nil {
			t.Errorf("guardrail hits %q: %v", hits, err)
		}
		if v, _ := textOf(ctx, "compare-verdict"); !strings.Contains(v, "2 must-not-grant guardrails hit") {
			t.Errorf("verdict %q does not count the guardrail hits", v)
		}
		screenshot(t, ctx, shot)
		if err := slow(ctx, setValue("compare-must-not-grant", "must-not-grant:\n  - name: x\n    action: [\"s3:*\"]\n")); err != nil {
			t.Fatal(err)
		}
		if e, err := slowPoll(ctx, "compare-guardrail-errors", func(s string) bool { return strings.Contains(s, "3:5: unknown key \"action\"") }); err != nil {
			t.Errorf("must-not-grant error %q: %v", e, err)
		}
		// A NEW that does not parse: the error under NEW, with where.
		if err := slow(ctx, setValue("compare-must-not-grant", ""), setValue("compare-new", `{"Version":"2012-10-17","Statement":[`)); err != nil {
			t.Fatal(err)
		}
		if e, err := slowPoll(ctx, "compare-new-errors", func(s string) bool { return strings.Contains(s, "1:") && strings.Contains(s, "malformed JSON") }); err != nil {
			t.Errorf("NEW's error %q: %v", e, err)
		}
		if err := slow(ctx, setValue("compare-new", compareNew)); err != nil {
			t.Fatal(err)
		}
		reloadKeeps(t, ctx, "tab-compare", "compare-old", map[string]string{"compare-old": compareOld, "compare-new": compareNew})
		var checked bool
		if err := slow(ctx, chromedp.Evaluate(`document.querySelector('`+sel("guardrail-iam-write")+`').checked`, &checked)); err != nil || !checked {
			t.Errorf("the iam-write guardrail is not kept on after a reload (%v)", err)
		}
	})
}

// TestSimulateScreen: a request against an identity policy with a
// condition: the context key picker, an implicit deny with the nearest
// statement (selected in its box on a click) and what differed, an allow
// with the deciding statement and its condition, an SCP's explicit deny,
// a context error with its line, and the text kept across screens and
// reloads.
func TestSimulateScreen(t *testing.T) {
	bothWays(t, "simulate", func(t *testing.T, ctx context.Context, shot string) {
		if err := slow(ctx, chromedp.Click(sel("tab-simulate")), chromedp.WaitVisible(sel("sim-identity")),
			setValue("sim-identity", simulateIdentity), setValue("sim-action", "s3:GetObject"),
			setValue("sim-resource-arn", "arn:aws:s3:::reports/2026/q4.csv")); err != nil {
			screenshot(t, ctx, shot+"-failed")
			t.Fatal(err)
		}
		// No context: the condition's key is absent, an implicit deny.
		if v, err := slowPoll(ctx, "sim-verdict", func(s string) bool { return s == "ImplicitDeny" }); err != nil {
			t.Fatalf("decision %q: %v", v, err)
		}
		// The picker offers the action's keys and the global ones.
		var opts []string
		if err := slow(ctx, chromedp.Evaluate(`[...document.querySelectorAll('`+sel("sim-context-key")+` option')].map(o => o.value)`, &opts)); err != nil {
			t.Fatal(err)
		}
		var s3Keys, globalIP bool
		for _, o := range opts {
			s3Keys = s3Keys || strings.HasPrefix(o, "s3:")
			globalIP = globalIP || o == "aws:SourceIp"
		}
		if !s3Keys || !globalIP {
			t.Errorf("the context picker offers %d keys, without s3:... (%v) or aws:SourceIp (%v)", len(opts), s3Keys, globalIP)
		}
		if err := slow(ctx, chromedp.Evaluate(`(() => { const s = document.querySelector('`+sel("sim-context-key")+`'); s.value = "aws:SourceIp"; s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`, nil)); err != nil {
			t.Fatal(err)
		}
		if err := waitFor(ctx, `document.querySelector('`+sel("sim-context")+`').value === "aws:SourceIp="`, reviewTimeout); err != nil {
			t.Errorf("picking aws:SourceIp gave the context %q", valueOf(t, ctx, "sim-context"))
		}
		if err := slow(ctx, setValue("sim-context", "aws:SourceIp=198.51.100.1")); err != nil {
			t.Fatal(err)
		}
		if d, err := slowPoll(ctx, "sim-differs", func(s string) bool { return s == "condition aws:SourceIp" }); err != nil {
			t.Errorf("differs %q: %v", d, err)
		}
		near, _ := textOf(ctx, "sim-nearest")
		for _, want := range []string{"identity 10:5 ReadReports", "IpAddress aws:SourceIp [203.0.113.0/24]", "[198.51.100.1]", "✗"} {
			if !strings.Contains(near, want) {
				t.Errorf("nearest statement lacks %q: %q", want, near)
			}
		}
		if err := slow(ctx, clickLoc("sim-nearest")); err != nil {
			t.Fatal(err)
		}
		if id, text := selected(t, ctx); id != "sim-identity" || !strings.HasPrefix(text, "{") || !strings.Contains(text, `"Sid": "ReadReports"`) || strings.Contains(text, "ListOther") {
			t.Errorf("the link selected %q in #%s, want the ReadReports statement", text, id)
		}
		viewShot(t, ctx, shot+"-nearest")

		// The caller's address in the range: allowed by ReadReports.
		if err := slow(ctx, setValue("sim-context", "aws:SourceIp=203.0.113.7")); err != nil {
			t.Fatal(err)
		}
		if v, err := slowPoll(ctx, "sim-verdict", func(s string) bool { return s == "Allowed" }); err != nil {
			t.Fatalf("decision %q: %v", v, err)
		}
		dec, _ := textOf(ctx, "sim-decision")
		for _, want := range []string{"Allow identity", "identity 10:5 ReadReports", "✓", "[203.0.113.7]"} {
			if !strings.Contains(dec, want) {
				t.Errorf("the decision lacks %q: %q", want, dec)
			}
		}
		screenshot(t, ctx, shot)

		// An SCP's Deny decides.
		if err := slow(ctx, setValue("sim-scp", simulateSCP)); err != nil {
			t.Fatal(err)
		}
		if v, err := slowPoll(ctx, "sim-verdict", func(s string) bool { return s == "ExplicitDeny" }); err != nil {
			t.Fatalf("decision %q: %v", v, err)
		}
		dec, _ = textOf(ctx, "sim-decision")
		if !strings.Contains(dec, "Deny scp level 1 scp 3:3 DenyReports") {
			t.Errorf("the explicit deny does not name the SCP's statement: %q", dec)
		}
		// DenyReports has no condition: the allow's condition shown before
		// must be gone (an empty list must not keep its old items).
		if strings.Contains(dec, "IpAddress") {
			t.Errorf("the explicit deny shows a condition DenyReports does not have: %q", dec)
		}
		screenshot(t, ctx, shot+"-scp")

		// A value of the wrong type: the line and the key's type.
		if err := slow(ctx, setValue("sim-context", "aws:SourceIp=203.0.113.7\naws:SecureTransport=maybe")); err != nil {
			t.Fatal(err)
		}
		if e, err := slowPoll(ctx, "sim-context-errors", func(s string) bool { return strings.Contains(s, "line 2: aws:SecureTransport") }); err != nil {
			t.Errorf("context error %q: %v", e, err)
		}
		if err := slow(ctx, setValue("sim-context", "aws:SourceIp=203.0.113.7")); err != nil {
			t.Fatal(err)
		}
		reloadKeeps(t, ctx, "tab-simulate", "sim-identity", map[string]string{"sim-identity": simulateIdentity, "sim-scp": simulateSCP,
			"sim-action": "s3:GetObject", "sim-resource-arn": "arn:aws:s3:::reports/2026/q4.csv", "sim-context": "aws:SourceIp=203.0.113.7"})
	})
}
