package browsertest

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// tabSwitch is a script that clicks a tab and resolves to the
// milliseconds from the click to the end of the frame (layout and paint
// included: a task after requestAnimationFrame) that first has the
// element the second selector names in the page.
const tabSwitch = `new Promise(res => {
	const t0 = performance.now();
	document.querySelector(%q).click();
	const check = () => document.querySelector(%q) ? requestAnimationFrame(() => setTimeout(() => res(performance.now() - t0), 0)) : setTimeout(check, 0);
	check();
})`

// actionRows counts the rows of the Browse screen's action table.
const actionRows = `document.querySelectorAll('[data-testid="browse-actions"] tr td:first-child').length`

// TestBrowse: the Browse screen shows a service's first 100 actions,
// "Show more" and "Show all" reveal the rest, the text filter finds an
// action beyond the first page, and a #service= link opens a service
// with the filters and their drop-downs reset.
// It logs the time from a click on the Browse tab to the next frame,
// paged and with every ec2 action shown (what the screen drew before
// paging), alternated in the same browser; no timed assertion.
func TestBrowse(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := openApp(t, srv)
	defer cancel()
	awaitPromise := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
	rows := func() int {
		t.Helper()
		var n int
		if err := run(ctx, chromedp.Evaluate(actionRows, &n)); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// switchMS leaves for the Audit screen and measures the way to tab
	// until ready is in the page.
	switchMS := func(tab, ready string) float64 {
		t.Helper()
		var ms float64
		if err := run(ctx, chromedp.Click(sel("tab-audit")), chromedp.WaitVisible(sel("account-panel"), chromedp.ByQuery),
			chromedp.Evaluate(fmt.Sprintf(tabSwitch, sel(tab), sel(ready)), &ms, awaitPromise)); err != nil {
			t.Fatal(err)
		}
		return ms
	}
	// No service yet: the service list alone.
	if err := run(ctx, chromedp.Click(sel("tab-browse")), chromedp.WaitVisible(sel("browse-hint"), chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	// Reference: the same switch to the Actions screen.
	var listOnly, ref []float64
	for range 5 {
		listOnly = append(listOnly, switchMS("tab-browse", "browse-service-search"))
		ref = append(ref, switchMS("tab-actions", "action-search"))
	}
	t.Logf("browser: click on the Browse tab (no service chosen) to the next frame: %.0f ms; on the Actions tab: %.0f ms", listOnly, ref)
	if err := run(ctx, chromedp.Click(sel("tab-browse")), chromedp.WaitVisible(sel("browse-hint"), chromedp.ByQuery),
		setValue("browse-service-search", "ec2"), chromedp.Click(`a[href="#service=ec2"]`, chromedp.ByQuery),
		chromedp.WaitVisible(sel("browse-actions"), chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if n := rows(); n != 100 {
		t.Fatalf("ec2 shows %d action rows, want the first 100", n)
	}
	if err := run(ctx, chromedp.ScrollIntoView(sel("browse-more"), chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	viewShot(t, ctx, "browse-more")
	if err := run(ctx, chromedp.Click(sel("browse-more"), chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if n := rows(); n != 200 {
		t.Errorf("after Show more: %d action rows, want 200", n)
	}
	var paged, all []float64
	for range 5 {
		// Paged (the first 100), then every action (the click on Show all
		// is before the switch away, not timed).
		if err := run(ctx, chromedp.Click(`a[href="#service=ec2"]`, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		paged = append(paged, switchMS("tab-browse", "browse-actions"))
		if err := run(ctx, chromedp.Click(sel("browse-all"), chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		all = append(all, switchMS("tab-browse", "browse-actions"))
	}
	total := rows()
	if total < 500 {
		t.Fatalf("after Show all: %d ec2 action rows, want all (about 700)", total)
	}
	var last string
	if err := run(ctx, chromedp.Evaluate(`[...document.querySelectorAll('[data-testid="browse-actions"] tr td:first-child')].pop().textContent`, &last)); err != nil {
		t.Fatal(err)
	}
	// Back to the first page, then filter for the last action.
	if err := run(ctx, chromedp.Click(`a[href="#service=ec2"]`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if n := rows(); n != 100 {
		t.Errorf("selecting ec2 again shows %d rows, want the first 100", n)
	}
	if err := run(ctx, setValue("browse-action-text", last)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "browse-actions", func(s string) bool { return strings.Contains(s, last) }); err != nil {
		t.Errorf("the text filter does not find %s (beyond the first page): %.300q", last, got)
	}
	// An access-level filter, then a #service= link: the link opens the
	// service with the filters reset, and the drop-down says so.
	if err := run(ctx, setValue("browse-action-text", ""), chromedp.Evaluate(`(() => { const e = document.querySelector('`+sel("browse-access-level")+`'); e.value = "permissions-management"; e.dispatchEvent(new Event('change', {bubbles: true})) })()`, nil)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "browse-actions", func(s string) bool {
		return !strings.Contains(s, "Read") && strings.Contains(s, "Permissions management")
	}); err != nil {
		t.Errorf("the access-level filter does not keep only permissions-management actions: %.300q", got)
	}
	if err := run(ctx, chromedp.Evaluate(`location.hash = "service=kms"`, nil)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "browse-actions", func(s string) bool {
		return strings.Contains(s, "CreateGrant") && strings.Contains(s, "Read") && strings.Contains(s, "Write")
	}); err != nil {
		t.Errorf("#service=kms does not show every kms action: %.300q", got)
	}
	var level string
	if err := run(ctx, chromedp.Evaluate(`document.querySelector('`+sel("browse-access-level")+`').value`, &level)); err != nil {
		t.Fatal(err)
	}
	if level != "" {
		t.Errorf("after opening kms the access-level drop-down shows %q, want any (the filter was reset)", level)
	}
	screenshot(t, ctx, "browse-paged")
	up, _ := exec.Command("uptime").Output()
	t.Logf("browser: click on the Browse tab to the next frame, ms (5 alternated rounds): service list only %.0f (Actions screen %.0f); "+
		"ec2 paged (100 of %d actions) %.0f; ec2 all actions shown %.0f; load: %s",
		listOnly, ref, total, paged, all, strings.TrimSpace(string(up)))
}
