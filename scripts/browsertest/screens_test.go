package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestScreens covers the screens item by item beyond the end-to-end
// flow: the CRUD form in sync with the YAML, inline ARN flags, the output
// tabs, minimize, Download, importing a dropped template, the audit of an
// account dump and a custom audit list, keyboard use, labelled controls
// and the dark theme.
func TestScreens(t *testing.T) {
	srv := newServer(t)
	prewarm(t, srv) // account_test.go: the wasm's compression before the visit
	ctx, cancel := openApp(t, srv)
	defer cancel()
	yaml := func() string { return valueOf(t, ctx, "crud-yaml") }

	t.Run("form-yaml-sync", func(t *testing.T) {
		start := "mode: crud\nname: sync\nread:\n- arn:aws:s3:::first/*\n"
		if err := run(ctx, chromedp.Click(sel("tab-crud")), setValue("crud-yaml", start)); err != nil {
			t.Fatal(err)
		}
		// The YAML's rows show in the form.
		var first string
		if err := run(ctx, chromedp.Value(`input[aria-label="Read row 1"]`, &first, chromedp.ByQuery)); err != nil || first != "arn:aws:s3:::first/*" {
			t.Fatalf("form row 1 = %q (%v), want the YAML's ARN", first, err)
		}
		// Add a row and type into it with real key events.
		// (Each keystroke regenerates the policy and re-renders: allow
		// a slow, loaded machine time for all of them.)
		if err := runWithin(ctx, 60*time.Second, chromedp.Click(`button[aria-label="add a row to Read"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`input[aria-label="Read row 2"]`, chromedp.ByQuery),
			chromedp.SendKeys(`input[aria-label="Read row 2"]`, "arn:aws:ssm:us-east-1:123456789012:parameter/p", chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if y := yaml(); !strings.Contains(y, "parameter/p") {
			t.Errorf("typing in the form did not update the YAML:\n%s", y)
		}
		if got, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "parameter/p") }); err != nil {
			t.Errorf("typing in the form did not regenerate the policy: %.300q", got)
		}
		// Every list section can be shown and has add/remove (the
		// condition editor below them has its own Add button).
		if err := run(ctx, chromedp.Click(`button.more`, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		var sections int
		if err := run(ctx, chromedp.Evaluate(`document.querySelectorAll(".sec:not(.cond-editor) button.add").length`, &sections)); err != nil || sections != 16 {
			t.Errorf("%d form sections with an add button, want 16 (%v)", sections, err)
		}
		screenshot(t, ctx, "crud-all-sections")
		if err := runWithin(ctx, 60*time.Second, chromedp.Click(`button[aria-label="add a row to sts:AssumeRole"]`, chromedp.ByQuery),
			chromedp.SendKeys(`input[aria-label="sts:AssumeRole row 1"]`, "arn:aws:iam::123456789012:role/r", chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if y := yaml(); !strings.Contains(y, "sts:") || !strings.Contains(y, "assume-role:") || !strings.Contains(y, "role/r") {
			t.Errorf("sts row not in the YAML:\n%s", y)
		}
		// Remove the first Read row.
		if err := run(ctx, chromedp.Click(`button[aria-label="remove Read row 1"]`, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if y := yaml(); strings.Contains(y, "first/*") || !strings.Contains(y, "parameter/p") {
			t.Errorf("removing row 1 gave:\n%s", y)
		}
		// While the YAML does not parse, the form is read-only and the
		// text typed is kept.
		broken := yaml() + "read: [\n"
		if err := run(ctx, setValue("crud-yaml", broken)); err != nil {
			t.Fatal(err)
		}
		var disabled bool
		if err := run(ctx, chromedp.Evaluate(`document.querySelector('input[aria-label="Read row 1"]').disabled`, &disabled)); err != nil || !disabled {
			t.Errorf("form editable while the YAML is broken (%v)", err)
		}
		if y := yaml(); y != broken {
			t.Errorf("broken YAML was rewritten: %q", y)
		}
	})

	t.Run("arn-flag", func(t *testing.T) {
		if err := run(ctx, setValue("crud-yaml", "mode: crud\nread:\n- arn:aws:kms:us-east-1:123456789012:nothing/x\n")); err != nil {
			t.Fatal(err)
		}
		got, err := pollText(ctx, "arn-flag", func(s string) bool { return strings.Contains(s, "nearest") })
		if err != nil || !strings.Contains(got, "arn:") {
			t.Errorf("no inline flag with the nearest ARN formats: %q", got)
		}
	})

	t.Run("output", func(t *testing.T) {
		if err := run(ctx, setValue("crud-yaml", crudYML)); err != nil {
			t.Fatal(err)
		}
		full, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "KmsWriteKey") })
		if err != nil {
			t.Fatal(err)
		}
		size, _ := textOf(ctx, "policy-size")
		if !strings.Contains(size, "characters") || !strings.Contains(size, "user inline policy (2,048)") {
			t.Errorf("size meter text %q", size)
		}
		if err := run(ctx, chromedp.Click(`.out-tabs button:nth-child(2)`, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if y, err := pollText(ctx, "policy-yaml", func(s string) bool { return strings.Contains(s, "Statement:") }); err != nil {
			t.Errorf("YAML tab: %.200q", y)
		}
		if err := run(ctx, chromedp.Click(`.out-tabs button:nth-child(3)`, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if y, err := pollText(ctx, "policy-terraform", func(s string) bool { return strings.Contains(s, `"policy"`) }); err != nil {
			t.Errorf("Terraform tab: %.200q", y)
		}
		// Download saves what the tab shows: capture the Blob.
		var dl string
		if err := run(ctx, chromedp.Evaluate(`(() => { window.__blobs = []; const real = URL.createObjectURL; URL.createObjectURL = b => { window.__blobs.push(b); return real(b); }; return true })()`, nil),
			chromedp.Click(sel("download")),
			chromedp.Poll(`window.__blobs.length > 0 && window.__blobs[0].text()`, &dl, chromedp.WithPollingTimeout(stepTimeout))); err != nil {
			t.Fatalf("Download: %v", err)
		}
		if !strings.HasPrefix(strings.TrimSpace(dl), `{"policy"`) && !strings.Contains(dl, `"policy"`) {
			t.Errorf("Download of the Terraform tab saved %.200q", dl)
		}
		screenshot(t, ctx, "output-terraform")
		// Export saves the template as YAML.
		if err := run(ctx, chromedp.Evaluate(`window.__blobs = []`, nil), chromedp.Click(`//button[text()="Export template"]`, chromedp.BySearch),
			chromedp.Poll(`window.__blobs.length > 0 && window.__blobs[0].text()`, &dl, chromedp.WithPollingTimeout(stepTimeout))); err != nil {
			t.Fatalf("Export: %v", err)
		}
		if dl != crudYML {
			t.Errorf("Export saved %.200q, want the template", dl)
		}
		if err := run(ctx, chromedp.Evaluate(`window.__blobs = []`, nil), chromedp.Click(sel("download")),
			chromedp.Poll(`window.__blobs.length > 0 && window.__blobs[0].text()`, &dl, chromedp.WithPollingTimeout(stepTimeout))); err != nil {
			t.Fatal(err)
		}
		// Copy puts the shown policy on the clipboard.
		if err := run(ctx, cdpbrowser.GrantPermissions([]cdpbrowser.PermissionType{cdpbrowser.PermissionTypeClipboardReadWrite, cdpbrowser.PermissionTypeClipboardSanitizedWrite}).WithOrigin(srv.URL)); err != nil {
			t.Fatal(err)
		}
		if err := run(ctx, chromedp.Click(sel("copy"))); err != nil {
			t.Fatal(err)
		}
		if n, err := pollText(ctx, "notice", func(s string) bool { return strings.Contains(s, "Copied") || strings.Contains(s, "Could not copy") }); err != nil || !strings.Contains(n, "Copied") {
			t.Errorf("Copy: notice %q (%v)", n, err)
			screenshot(t, ctx, "copy-fail")
		}
		var clip string
		if err := run(ctx, chromedp.Evaluate(`navigator.clipboard.readText()`, &clip, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })); err != nil || clip != dl {
			t.Errorf("clipboard holds %.100q (%v), want the Terraform shown", clip, err)
		}
		if err := run(ctx, chromedp.Click(`.out-tabs button:nth-child(1)`, chromedp.ByQuery), chromedp.Click(sel("minimize"))); err != nil {
			t.Fatal(err)
		}
		min, err := pollText(ctx, "policy-json", func(s string) bool { return s != full && strings.Contains(s, "*") })
		if err != nil || len(min) >= len(full) {
			t.Errorf("Minimize did not shorten the policy (%d -> %d chars)", len(full), len(min))
		}
		if err := run(ctx, chromedp.Click(sel("minimize"))); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("drop-template", func(t *testing.T) {
		dropped := "mode: crud\nname: dropped\nwrite:\n- arn:aws:sqs:us-east-1:123456789012:queue\n"
		if err := run(ctx, chromedp.Click(sel("tab-audit")), dropFile("crud.yml", dropped)); err != nil {
			t.Fatal(err)
		}
		var v string
		if err := run(ctx, chromedp.WaitVisible(sel("crud-yaml")), chromedp.Value(sel("crud-yaml"), &v, chromedp.ByQuery)); err != nil || v != dropped {
			t.Fatalf("dropped template not imported: %q %v", v, err)
		}
		if got, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "sqs:SendMessage") }); err != nil {
			t.Errorf("dropped template not written: %.300q", got)
		}
	})

	t.Run("audit-progress", func(t *testing.T) {
		// A large account dump shows progress while it is audited.
		var pols []string
		for i := 0; i < 400; i++ {
			pols = append(pols, `{"PolicyName":"p`+strings.Repeat("x", i%7)+`","Arn":"arn:aws:iam::123456789012:policy/p","DefaultVersionId":"v1","PolicyVersionList":[{"VersionId":"v1","IsDefaultVersion":true,"Document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","s3:Get*"],"Resource":"*"}]}}]}`)
		}
		dump := `{"Policies":[` + strings.Join(pols, ",") + `]}`
		if err := run(ctx, chromedp.Click(sel("tab-audit")), chromedp.Evaluate(`(() => {
  window.__progress = [];
  window.__mo = new MutationObserver(() => { const p = document.querySelector('[data-testid="audit-progress"]'); if (p) window.__progress.push(p.value); });
  window.__mo.observe(document.body, {subtree: true, childList: true, attributes: true});
  return true })()`, nil), dropFile("account-big.json", dump)); err != nil {
			t.Fatal(err)
		}
		if got, err := pollText(ctx, "audit-summary", func(s string) bool { return strings.HasPrefix(s, "400 policies") }); err != nil {
			var st, res string
			run(ctx, chromedp.Evaluate(`JSON.stringify(window.__progress.slice(-5)) + " " + (document.querySelector('[data-testid="dataset-status"]')||{}).textContent`, &st))
			res, _ = textOf(ctx, "audit-results")
			viewShot(t, ctx, "audit-big-fail")
			t.Fatalf("big dump not audited: %q (progress/status %s; results %.300q)", got, st, res)
		}
		var seen []float64
		if err := run(ctx, chromedp.Evaluate(`window.__mo.disconnect(), window.__progress`, &seen)); err != nil {
			t.Fatal(err)
		}
		partial := 0
		for _, v := range seen {
			if v > 0 && v < 100 {
				partial++
			}
		}
		if partial == 0 {
			t.Errorf("no intermediate progress shown while auditing 400 policies (values %v)", seen)
		}
		viewShot(t, ctx, "audit-big")
		// The results come a page at a time, and more can be shown.
		var shown int
		if err := run(ctx, chromedp.Evaluate(`document.querySelectorAll("article.policy").length`, &shown)); err != nil || shown != 20 {
			t.Errorf("%d policies rendered, want the first 20 (%v)", shown, err)
		}
		if err := run(ctx, chromedp.Click(sel("audit-more")), chromedp.Poll(`document.querySelectorAll("article.policy").length === 40`, nil, chromedp.WithPollingTimeout(stepTimeout))); err != nil {
			t.Errorf("Show more: %v", err)
		}
	})

	t.Run("audit-dump-and-custom-list", func(t *testing.T) {
		dump := `{"UserDetailList":[{"UserName":"alice","UserPolicyList":[{"PolicyName":"inline-pass","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}}]}],
"Policies":[{"PolicyName":"readonly-s3","Arn":"arn:aws:iam::123456789012:policy/readonly-s3","DefaultVersionId":"v1","PolicyVersionList":[{"VersionId":"v1","IsDefaultVersion":true,"Document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","sqs:DeleteQueue"],"Resource":"*"}]}}]}]}`
		if err := run(ctx, chromedp.Click(sel("tab-audit")), dropFile("account.json", dump)); err != nil {
			t.Fatal(err)
		}
		// An account is audited per principal in the account panel.
		got, err := pollText(ctx, "account-panel", func(s string) bool { return strings.Contains(s, "alice") && strings.Contains(s, "1 principal") })
		if err != nil {
			t.Fatalf("dump not audited per principal: %.500q", got)
		}
		// iam:PassRole on "*" alone is no escalation path: an
		// infrastructure-modification finding (as `analyze` reports it).
		if !strings.Contains(got, "Infra. mod.") || strings.Contains(got, "Priv. esc.") {
			t.Errorf("risk columns: want Infra. mod. only: %.300q", got)
		}
		if err := run(ctx, setValue("audit-list", "iam:Pass*\n")); err != nil {
			t.Fatal(err)
		}
		if got, err := pollText(ctx, "account-panel", func(s string) bool { return strings.Contains(s, "Custom audit list") }); err != nil {
			t.Errorf("custom audit list not applied: %.500q", got)
		}
		if err := run(ctx, setValue("audit-list", "not an action\n")); err != nil {
			t.Fatal(err)
		}
		if got, err := pollText(ctx, "account-error", func(s string) bool { return strings.Contains(s, "custom audit list:1:") }); err != nil {
			t.Errorf("bad custom list line not reported: %.300q", got)
		}
		if err := run(ctx, setValue("audit-list", "")); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("keyboard", func(t *testing.T) {
		// Tab from the CRUD tab reaches the actions tab; Enter opens it.
		if err := run(ctx, chromedp.Click(sel("tab-crud")), chromedp.Focus(sel("tab-crud")), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Enter)); err != nil {
			t.Fatal(err)
		}
		var focused string
		run(ctx, chromedp.Evaluate(`document.activeElement.getAttribute("data-testid") || ""`, &focused))
		if err := run(ctx, chromedp.WaitVisible(sel("actions-yaml"))); err != nil {
			t.Errorf("Tab+Enter from the CRUD tab did not open the actions screen (focus on %q)", focused)
		}
		// The autocomplete works by keyboard: type, Tab to the first hit, Enter adds it.
		if err := runWithin(ctx, 30*time.Second, chromedp.Focus(sel("action-search")), chromedp.KeyEvent("sqs:purgeq"),
			chromedp.Poll(`(document.querySelector(".hits .hit") || {}).textContent?.includes("PurgeQueue")`, nil, chromedp.WithPollingTimeout(stepTimeout)),
			chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Enter)); err != nil {
			var q string
			run(ctx, chromedp.Value(sel("action-search"), &q, chromedp.ByQuery))
			screenshot(t, ctx, "keyboard-fail")
			t.Fatalf("%v (search box holds %q)", err, q)
		}
		var v string
		if err := run(ctx, chromedp.Value(sel("actions-yaml"), &v, chromedp.ByQuery)); err != nil || !strings.Contains(v, "sqs:PurgeQueue") {
			t.Errorf("keyboard autocomplete did not add the action: %q %v", v, err)
		}
	})

	t.Run("browse-links", func(t *testing.T) {
		// A Browse link opens the service, in a fresh navigation.
		if err := run(ctx, chromedp.Navigate(srv.URL+"/#service=kms")); err != nil {
			t.Fatal(err)
		}
		if err := waitReady(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := pollText(ctx, "browse-actions", func(s string) bool { return strings.Contains(s, "ScheduleKeyDeletion") })
		if err != nil {
			t.Fatalf("#service=kms did not open KMS: %.200q", got)
		}
		// Filtering by access level keeps only that level.
		if err := run(ctx, chromedp.SetValue(`.filters select`, "list", chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector(".filters select").dispatchEvent(new Event("change", {bubbles: true}))`, nil)); err != nil {
			t.Fatal(err)
		}
		var levels []string
		if err := run(ctx, chromedp.Poll(`(() => { const l = [...document.querySelectorAll('[data-testid="browse-actions"] tr td:nth-child(2)')].map(td => td.textContent); return l.length > 0 && l.every(x => x === "List") ? l : null })()`, &levels, chromedp.WithPollingTimeout(stepTimeout))); err != nil {
			var shown []string
			run(ctx, chromedp.Evaluate(`[...document.querySelectorAll('[data-testid="browse-actions"] tr td:nth-child(2)')].map(td => td.textContent).slice(0, 8)`, &shown))
			t.Errorf("access-level filter: %v (levels shown %q)", err, shown)
		}
		if got, _ := textOf(ctx, "browse-actions"); strings.Contains(got, "ScheduleKeyDeletion") || !strings.Contains(got, "ListKeys") {
			t.Errorf("List filter: %.300q", got)
		}
		viewShot(t, ctx, "browse-filter")
	})

	t.Run("labelled-controls", func(t *testing.T) {
		for _, tab := range []string{"tab-crud", "tab-actions", "tab-audit", "tab-browse", "tab-compare", "tab-simulate"} {
			if err := run(ctx, chromedp.Click(sel(tab))); err != nil {
				t.Fatal(err)
			}
			if tab == "tab-browse" {
				run(ctx, setValue("browse-service-search", "sqs"), chromedp.Click(`a[href="#service=sqs"]`, chromedp.ByQuery))
			}
			var unlabelled []string
			if err := run(ctx, chromedp.Evaluate(`[...document.querySelectorAll("input, select, textarea, button")].filter(e => {
  if (e.closest("[hidden]") || e.type === "hidden") return false;
  const name = (e.getAttribute("aria-label") || "") + (e.labels ? [...e.labels].map(l => l.textContent).join("") : "") + (e.tagName === "BUTTON" ? e.textContent : "");
  return name.trim() === "";
}).map(e => e.outerHTML.slice(0, 120))`, &unlabelled)); err != nil {
				t.Fatal(err)
			}
			if len(unlabelled) > 0 {
				t.Errorf("%s: controls without a label: %v", tab, unlabelled)
			}
		}
	})

	t.Run("storage-full", func(t *testing.T) {
		// When localStorage refuses the state, the user is told.
		if err := run(ctx, chromedp.Click(sel("tab-crud")), chromedp.Evaluate(`window.__setItem = Storage.prototype.setItem; Storage.prototype.setItem = function () { throw new DOMException("quota exceeded", "QuotaExceededError") }; true`, nil),
			setValue("crud-yaml", crudYML+"# more\n")); err != nil {
			t.Fatal(err)
		}
		defer run(ctx, chromedp.Evaluate(`Storage.prototype.setItem = window.__setItem; true`, nil))
		if n, err := pollText(ctx, "notice", func(s string) bool { return strings.Contains(s, "Could not save") }); err != nil {
			t.Errorf("no warning when the work cannot be saved: %q", n)
		}
	})

	t.Run("1024px", func(t *testing.T) {
		if err := run(ctx, emulation.SetDeviceMetricsOverride(1024, 768, 1, false)); err != nil {
			t.Fatal(err)
		}
		defer run(ctx, emulation.ClearDeviceMetricsOverride())
		for _, tab := range []string{"tab-crud", "tab-actions", "tab-audit", "tab-browse", "tab-compare", "tab-simulate"} {
			var width int
			if err := run(ctx, chromedp.Click(sel(tab)), chromedp.Poll(`document.querySelector('[data-testid="`+tab+`"]').classList.contains("active")`, nil, chromedp.WithPollingTimeout(stepTimeout)), chromedp.Evaluate(`document.documentElement.scrollWidth`, &width)); err != nil {
				t.Fatal(err)
			}
			if width > 1024 {
				t.Errorf("%s: the page is %d px wide at a 1024 px window (horizontal scrolling)", tab, width)
			}
			viewShot(t, ctx, "w1024-"+strings.TrimPrefix(tab, "tab-"))
		}
	})

	t.Run("dark-theme", func(t *testing.T) {
		bg := func() string {
			var s string
			run(ctx, chromedp.Evaluate(`getComputedStyle(document.body).backgroundColor`, &s))
			return s
		}
		light := bg()
		if err := run(ctx, emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}})); err != nil {
			t.Fatal(err)
		}
		defer run(ctx, emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}}))
		dark := bg()
		if dark == light || !isDark(dark) || isDark(light) {
			t.Errorf("background light %q, dark %q: the theme does not follow prefers-color-scheme", light, dark)
		}
		if err := run(ctx, chromedp.Click(sel("tab-crud")), setValue("crud-yaml", crudYML)); err != nil {
			t.Fatal(err)
		}
		pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "KmsWriteKey") })
		screenshot(t, ctx, "crud-dark")
	})
}

// dropFile drops a file with the given text on the page, as dragging it
// from the desktop does.
func dropFile(name, text string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		return chromedp.Evaluate(`(() => {
  const dt = new DataTransfer();
  dt.items.add(new File([`+jsString(text)+`], `+jsString(name)+`, {type: "application/octet-stream"}));
  const target = document.querySelector(".app");
  target.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
  target.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
  return true;
})()`, nil).Do(ctx)
	})
}

// isDark tells whether a CSS rgb() colour is dark.
func isDark(rgb string) bool {
	var r, g, b int
	if _, err := fmtSscanf(rgb, &r, &g, &b); err != nil {
		return false
	}
	return r+g+b < 3*96
}
