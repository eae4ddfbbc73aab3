package browsertest

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// genAccount writes a generated authorization-details file of n
// principals (scripts/genaccount, seeded) and returns its path.
func genAccount(t *testing.T, n int) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "account-"+strconv.Itoa(n)+".json")
	cmd := exec.Command("go", "run", "../genaccount", "-principals", strconv.Itoa(n), "-policies", "200", "-star", "0.2", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("genaccount: %v\n%s", err, b)
	}
	return out
}

// rendererMemory is the resident memory of the test browser's largest
// renderer process (the page's tab, its workers included), from
// /proc: now (VmRSS) and at most so far (VmHWM), in bytes. Zero where
// /proc is missing.
func rendererMemory(ctx context.Context) (rss, peak float64) {
	c := chromedp.FromContext(ctx)
	if c == nil || c.Browser == nil || c.Browser.Process() == nil {
		return 0, 0
	}
	children := map[int][]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var pid, ppid int
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		if _, err := fmt.Sscanf(string(b[:strings.IndexByte(string(b), ' ')]), "%d", &pid); err != nil {
			continue
		}
		f := strings.Fields(string(b[i+1:])) // state, ppid, ...
		if len(f) < 2 {
			continue
		}
		if _, err := fmt.Sscanf(f[1], "%d", &ppid); err != nil {
			continue
		}
		children[ppid] = append(children[ppid], pid)
	}
	queue := []int{c.Browser.Process().Pid}
	for len(queue) > 0 {
		pid := queue[0]
		queue = append(queue[1:], children[pid]...)
		cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if !strings.Contains(string(cmd), "--type=renderer") {
			continue
		}
		st, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		var r, h float64
		for _, line := range strings.Split(string(st), "\n") {
			var kb float64
			if _, err := fmt.Sscanf(line, "VmRSS: %f kB", &kb); err == nil {
				r = kb * 1024
			}
			if _, err := fmt.Sscanf(line, "VmHWM: %f kB", &kb); err == nil {
				h = kb * 1024
			}
		}
		rss, peak = max(rss, r), max(peak, h)
	}
	return rss, peak
}

// auditInWorker opens an account file in the account panel and checks
// that it is audited, in the background worker (the offline tests use it
// for the bundle's Blob worker and the service worker's cached script).
func auditInWorker(t *testing.T, ctx context.Context, file string, principals int) {
	t.Helper()
	if err := run(ctx, chromedp.Click(sel("tab-audit"), chromedp.ByQuery),
		chromedp.SetUploadFiles(sel("account-file"), []string{file}, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	want := strconv.Itoa(principals) + " principals"
	if got, err := waitText(ctx, "account-summary", time.Minute, func(s string) bool { return strings.HasPrefix(s, want) }); err != nil {
		e, _ := textOf(ctx, "account-error")
		t.Fatalf("account not audited: %q (error %q)", got, e)
	}
	var where string
	if err := run(ctx, chromedp.Evaluate(`document.querySelector('[data-testid="account-summary"]').dataset.where`, &where)); err != nil || where != "in a background worker" {
		t.Errorf("the account was audited %q (%v), want in a background worker", where, err)
	}
	if got, _ := textOf(ctx, "account-rows"); !strings.HasSuffix(got, " of "+strconv.Itoa(principals)) {
		t.Errorf("pager says %q", got)
	}
}

// prewarm fetches the wasm once, brotli-encoded, so that the server's
// compression of it (seconds on a loaded machine) is done before the app
// is opened: this test is about the account panel, not the first visit.
func prewarm(t *testing.T, srv *server) {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+"/"+distAssets(t).Wasm, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "br, gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// waitText waits up to d until an element's text satisfies ok.
func waitText(ctx context.Context, id string, d time.Duration, ok func(string) bool) (string, error) {
	deadline := time.Now().Add(d)
	for {
		s, err := textOf(ctx, id)
		if err == nil && ok(s) {
			return s, nil
		}
		if time.Now().After(deadline) {
			return s, context.DeadlineExceeded
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// watchProgress records every value the account progress bar shows, the
// longest gap between animation frames (how long the page froze) and the
// main thread's long tasks (over 50 ms).

// tableIdle is true when the account table shows the newest query's page.
const tableIdle = `!document.querySelector('[data-testid="account-table"].pending')`
const watchProgress = `(() => {
  window.__acct = {values: [], maxFrame: 0, maxAt: "", stage: "", last: performance.now(), on: true, start: performance.now(),
    auditFrame: 0, longTasks: 0, longestTask: 0, auditLongTasks: 0, auditLongest: 0};
  const stage = () => { const e = document.querySelector('[data-testid="account-stage"]'); return e ? e.textContent : (document.querySelector('[data-testid="account-summary"]') ? "table shown" : "not started"); };
  const auditing = s => /^(Reading|Evaluating)/.test(s);
  try { const a = window.__acct; a.po = new PerformanceObserver(l => { const on = auditing(stage()); for (const e of l.getEntries()) {
    a.longTasks++; a.longestTask = Math.max(a.longestTask, e.duration); if (on) { a.auditLongTasks++; a.auditLongest = Math.max(a.auditLongest, e.duration); } } });
    a.po.observe({type: "longtask"}); } catch (e) {}
  const tick = now => { const a = window.__acct; if (!a.on) return; const s = stage();
    if (now - a.last > a.maxFrame) { a.maxFrame = now - a.last; a.maxAt = a.stage + " → " + s; }
    if (auditing(a.stage) && auditing(s)) { a.auditFrame = Math.max(a.auditFrame, now - a.last); }
    a.stage = s; a.last = now; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  window.__acctMO = new MutationObserver(() => { const p = document.querySelector('[data-testid="account-progress"]'); if (p) window.__acct.values.push(p.value); });
  window.__acctMO.observe(document.body, {subtree: true, childList: true, attributes: true});
  return true })()`

// TestAccountPanel opens a generated account of 300 principals through
// the account panel's file input: the table shows them worst first, sorts
// and filters, a principal's findings name the policy and statement, and
// the CSV report downloads with one row per finding. Then a 5,000-principal
// account is audited and its figures logged (not asserted): time to the
// table and the longest frame while it ran.
func TestAccountPanel(t *testing.T) {
	srv := newServer(t)
	prewarm(t, srv)
	ctx, cancel := openApp(t, srv)
	defer cancel()
	file := genAccount(t, 300)

	if err := run(ctx, chromedp.Click(sel("tab-audit")), chromedp.Evaluate(watchProgress, nil),
		chromedp.SetUploadFiles(sel("account-file"), []string{file}, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	summary, err := waitText(ctx, "account-summary", time.Minute, func(s string) bool { return strings.HasPrefix(s, "300 principals") })
	if err != nil {
		viewShot(t, ctx, "account-fail")
		e, _ := textOf(ctx, "account-error")
		t.Fatalf("account not audited: %q (error %q)", summary, e)
	}
	if !strings.Contains(summary, "15 groups") || !strings.Contains(summary, "105 users") || !strings.Contains(summary, "180 roles") {
		t.Errorf("summary %q: want 105 users, 15 groups, 180 roles", summary)
	}
	// The audit ran in the worker, not in the page.
	var where string
	if err := run(ctx, chromedp.Evaluate(`document.querySelector('[data-testid="account-summary"]').dataset.where`, &where)); err != nil || where != "in a background worker" {
		t.Errorf("the account was audited %q (%v), want in a background worker", where, err)
	}
	var rows int
	if err := run(ctx, chromedp.Evaluate(`document.querySelectorAll('[data-testid="account-table"] tr').length - 1`, &rows)); err != nil || rows != 50 {
		t.Errorf("%d rows shown, want a page of 50 (%v)", rows, err)
	}
	// Worst first: the first row's highest risk is critical.
	var first string
	run(ctx, chromedp.Evaluate(`document.querySelector('[data-testid="account-table"] tr:nth-child(2) td.worst').textContent`, &first))
	if first != "critical" {
		t.Errorf("first row's highest risk %q, want critical", first)
	}
	if got, _ := textOf(ctx, "account-rows"); got != "1–50 of 300" {
		t.Errorf("pager says %q", got)
	}
	screenshot(t, ctx, "account-table")

	// Sort by principal name, then filter to the roles named role-1*.
	// A page comes from the worker: the table is marked pending until it does.
	if err := run(ctx, chromedp.Click(sel("account-sort-principal"))); err != nil {
		t.Fatal(err)
	}
	names, err := pollJS(ctx, `(`+tableIdle+` ? [...document.querySelectorAll('[data-testid="account-table"] tr td:first-child')].map(e => e.textContent).slice(0, 3).join(",") : "pending")`,
		func(s string) bool { return strings.HasPrefix(s, "group-0,group-1,") })
	if err != nil {
		t.Errorf("sorted by principal: %q, want group-0, group-1, ...", names)
	}
	if err := run(ctx, setValue("account-filter", "role/role-1")); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "account-rows", func(s string) bool { return strings.HasSuffix(s, " of 91") }); err != nil {
		t.Errorf("filter role/role-1: %q, want 91 roles (role-1, role-10..19, role-100..179)", got)
	}
	if err := run(ctx, setValue("account-filter", "")); err != nil {
		t.Fatal(err)
	}
	// Most escalation paths first, and open that principal.
	if err := run(ctx, chromedp.Click(sel("account-sort-paths"))); err != nil {
		t.Fatal(err)
	}
	if got, err := pollJS(ctx, `(`+tableIdle+` ? document.querySelector('[data-testid="account-sort-paths"]').closest("th").className : "pending")`, func(s string) bool { return s == "sorted" }); err != nil {
		t.Fatalf("sorted by paths: %q", got)
	}
	var who string
	if err := run(ctx, chromedp.Evaluate(`document.querySelector('[data-testid="account-table"] tr:nth-child(2) button.link').getAttribute("data-testid").replace("account-principal-", "")`, &who)); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, chromedp.Click(sel("account-principal-"+who))); err != nil {
		t.Fatal(err)
	}
	details, err := pollText(ctx, "account-findings", func(s string) bool { return strings.Contains(s, "Privilege escalation") })
	if err != nil {
		t.Fatalf("findings of %s: %.300q", who, details)
	}
	if !strings.Contains(details, "policy ") || !strings.Contains(details, ", statement ") {
		t.Errorf("findings of %s name no policy and statement: %.400q", who, details)
	}
	run(ctx, chromedp.ScrollIntoView(sel("account-findings"), chromedp.ByQuery))
	viewShot(t, ctx, "account-findings")

	// The CSV report, made in the page: one row per surviving finding.
	var dl string
	if err := run(ctx, chromedp.Evaluate(`(() => { window.__blobs = []; const real = URL.createObjectURL; URL.createObjectURL = b => { window.__blobs.push(b); return real(b); }; return true })()`, nil),
		chromedp.Click(sel("account-download-csv"))); err != nil {
		t.Fatal(err)
	}
	if err := runWithin(ctx, time.Minute, chromedp.Poll(`window.__blobs.length > 0 && window.__blobs[0].text()`, &dl, chromedp.WithPollingTimeout(time.Minute))); err != nil {
		t.Fatalf("CSV download: %v", err)
	}
	recs, err := csv.NewReader(strings.NewReader(dl)).ReadAll()
	if err != nil || len(recs) < 2 || recs[0][0] != "principal" {
		t.Fatalf("CSV download: %v, %d records, header %v", err, len(recs), recs[:min(1, len(recs))])
	}
	var whoRows int
	for _, r := range recs[1:] {
		if r[0] == who {
			whoRows++
		}
	}
	var listed int
	run(ctx, chromedp.Evaluate(`document.querySelectorAll('[data-testid="account-findings"] .findings li').length`, &listed))
	if whoRows != listed {
		t.Errorf("CSV has %d rows for %s, the panel lists %d findings", whoRows, who, listed)
	}
	// Nothing was sent anywhere: the page's only requests are the app's.
	srv.mu.Lock()
	reqs := append([]string(nil), srv.requests...)
	srv.mu.Unlock()
	for _, p := range reqs {
		if strings.Contains(p, "account") {
			t.Errorf("the account file reached the server: %s", p)
		}
	}

	// A 5,000-principal account: the figures for the README are logged,
	// not asserted; asserted are the progress updates, a screen switch
	// answered while the worker audits, and the table at the end.
	big := genAccount(t, 5000)
	st, _ := os.Stat(big)
	var heapMax, heapStart, rssMax float64
	sampleHeap := func() float64 {
		var used, backing float64
		run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			used, _, _, backing, err = cdpruntime.GetHeapUsage().Do(ctx)
			return err
		}))
		heapMax = max(heapMax, used+backing)
		rss, _ := rendererMemory(ctx)
		rssMax = max(rssMax, rss)
		return used + backing
	}
	heapStart = sampleHeap()
	rssStart, _ := rendererMemory(ctx)
	// The same switch with nothing running, for reference.
	idleSwitch := func() time.Duration {
		clicked := time.Now()
		if err := run(ctx, chromedp.Click(sel("tab-browse")), chromedp.WaitVisible(sel("browse-service-search"), chromedp.ByQuery),
			chromedp.Click(sel("tab-audit")), chromedp.WaitVisible(sel("account-panel"), chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		return time.Since(clicked)
	}
	idle := idleSwitch()
	start := time.Now()
	if err := run(ctx, chromedp.Evaluate(watchProgress, nil),
		chromedp.SetUploadFiles(sel("account-file"), []string{big}, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	// Once the bar moves, switch to the Browse screen and back: both
	// screens draw while the audit runs.
	if _, err := pollJS(ctx, `String(window.__acct.values.some(v => v > 0))`, func(s string) bool { return s == "true" }); err != nil {
		t.Fatal("the progress bar did not move")
	}
	sampleHeap()
	clicked := time.Now()
	if err := run(ctx, chromedp.Click(sel("tab-browse")), chromedp.WaitVisible(sel("browse-service-search"), chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	toBrowse := time.Since(clicked)
	if err := run(ctx, chromedp.Click(sel("tab-audit")), chromedp.WaitVisible(sel("account-panel"), chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	var busy bool
	if err := run(ctx, chromedp.Evaluate(`!!document.querySelector('[data-testid="account-progress"]')`, &busy)); err != nil || !busy {
		t.Errorf("the audit was over before the page came back to the Audit screen (%v): the switch was not answered while it ran", err)
	}
	roundTrip := time.Since(clicked)
	for done := false; !done; {
		if time.Since(start) > 4*time.Minute {
			viewShot(t, ctx, "account-5000-fail")
			t.Fatal("5,000 principals not audited in 4 minutes")
		}
		sampleHeap()
		run(ctx, chromedp.Evaluate(`(document.querySelector('[data-testid="account-summary"]') || {}).textContent?.startsWith("5,000 principals") || false`, &done))
		if !done {
			time.Sleep(time.Second)
		}
	}
	elapsed := time.Since(start)
	if got, _ := textOf(ctx, "account-rows"); got != "1–50 of 5000" {
		t.Errorf("pager says %q, want 1–50 of 5000", got)
	}
	var fig struct {
		Values     []float64
		MaxFrame   float64
		MaxAt      string
		LongTasks  int
		LongestJob float64
		AuditFrame float64
		AuditTasks int
		AuditLong  float64
		Heap       float64
		Mem        string
		PageMem    string
		Where      string
	}
	run(ctx, chromedp.Evaluate(`(() => { const a = window.__acct; a.on = false; window.__acctMO.disconnect(); if (a.po) a.po.disconnect();
  const s = document.querySelector('[data-testid="account-summary"]');
  return {Values: a.values, MaxFrame: a.maxFrame, MaxAt: a.maxAt, LongTasks: a.longTasks, LongestJob: a.longestTask, AuditFrame: a.auditFrame, AuditTasks: a.auditLongTasks, AuditLong: a.auditLongest,
    Heap: (performance.memory || {}).usedJSHeapSize || 0, Mem: s.dataset.mem, PageMem: s.dataset.pageMem, Where: s.dataset.where}; })()`, &fig))
	partial := 0
	for _, v := range fig.Values {
		if v > 0 && v < 1000 {
			partial++
		}
	}
	mem, _ := strconv.ParseFloat(fig.Mem, 64)
	pageMem, _ := strconv.ParseFloat(fig.PageMem, 64)
	_, rssPeak := rendererMemory(ctx)
	t.Logf("browser: 5,000 principals (%.1f MB) %s: %.1f s from the file input to the table; %d progress updates; "+
		"main thread: longest frame %.0f ms (%s), %d long tasks, the longest %.0f ms; on the Audit screen while it audits: longest frame %.0f ms, %d long tasks, the longest %.0f ms; Browse and back while auditing: %.0f ms to Browse, %.0f ms both ways (idle: %.0f ms); "+
		"page JS heap %.0f MB (performance.memory), page heap with array buffers %.0f MB before, %.0f MB at most; the audit's Go memory %.0f MB, the page's %.0f MB; "+
		"the tab's renderer process: %.0f MB resident before, %.0f MB at most sampled, %.0f MB peak (VmHWM)",
		float64(st.Size())/1e6, fig.Where, elapsed.Seconds(), partial, fig.MaxFrame, fig.MaxAt, fig.LongTasks, fig.LongestJob, fig.AuditFrame, fig.AuditTasks, fig.AuditLong,
		float64(toBrowse.Milliseconds()), float64(roundTrip.Milliseconds()), float64(idle.Milliseconds()), fig.Heap/1e6, heapStart/1e6, heapMax/1e6, mem/1e6, pageMem/1e6, rssStart/1e6, rssMax/1e6, rssPeak/1e6)
	if partial == 0 {
		t.Errorf("no intermediate progress shown for 5,000 principals")
	}
	viewShot(t, ctx, "account-5000")
}

// TestAccountPanelFallback: when no worker can be started, the page
// audits the account itself and says so.
func TestAccountPanelFallback(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := openApp(t, srv)
	defer cancel()
	file := genAccount(t, 30)
	if err := run(ctx, chromedp.Evaluate(`window.policySentryStartWorker = () => { throw new Error("refused by the test") }; true`, nil),
		chromedp.Click(sel("tab-audit")), chromedp.SetUploadFiles(sel("account-file"), []string{file}, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if got, err := waitText(ctx, "account-summary", time.Minute, func(s string) bool { return strings.HasPrefix(s, "30 principals") }); err != nil {
		e, _ := textOf(ctx, "account-error")
		t.Fatalf("account not audited in the page: %q (error %q)", got, e)
	}
	var where string
	if err := run(ctx, chromedp.Evaluate(`document.querySelector('[data-testid="account-summary"]').dataset.where`, &where)); err != nil ||
		!strings.HasPrefix(where, "in this page (no background worker: starting it: ") || !strings.Contains(where, "refused by the test") {
		t.Errorf("where %q (%v), want in this page, with the reason", where, err)
	}
	// The page answers the panel's requests itself: a sorted page, findings.
	if err := run(ctx, chromedp.Click(sel("account-sort-principal"))); err != nil {
		t.Fatal(err)
	}
	if got, err := pollJS(ctx, `(`+tableIdle+` ? document.querySelector('[data-testid="account-table"] tr:nth-child(2) td').textContent : "pending")`,
		func(s string) bool { return s == "group-0" }); err != nil {
		t.Errorf("sorted by principal, first row %q", got)
	}
}

// TestAccountPanelCancel opens a second account file while the first is
// being audited: the busy worker is terminated, a new one audits the
// second file, and only its table is shown.
func TestAccountPanelCancel(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := openApp(t, srv)
	defer cancel()
	big, small := genAccount(t, 3000), genAccount(t, 30)
	if err := run(ctx, chromedp.Click(sel("tab-audit")), chromedp.Evaluate(watchProgress, nil),
		chromedp.SetUploadFiles(sel("account-file"), []string{big}, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if _, err := pollJS(ctx, `String(window.__acct.values.some(v => v > 0))`, func(s string) bool { return s == "true" }); err != nil {
		t.Fatal("the progress bar did not move")
	}
	if err := run(ctx, chromedp.SetUploadFiles(sel("account-file"), []string{small}, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if got, err := waitText(ctx, "account-summary", time.Minute, func(s string) bool { return strings.HasPrefix(s, "30 principals") }); err != nil {
		e, _ := textOf(ctx, "account-error")
		t.Fatalf("second account not audited: %q (error %q)", got, e)
	}
	var where string
	if err := run(ctx, chromedp.Evaluate(`document.querySelector('[data-testid="account-summary"]').dataset.where`, &where)); err != nil || where != "in a background worker" {
		t.Errorf("the second account was audited %q (%v), want in a (new) background worker", where, err)
	}
	// The first audit's answer never replaces the second's.
	time.Sleep(3 * time.Second)
	if got, _ := textOf(ctx, "account-summary"); !strings.HasPrefix(got, "30 principals") {
		t.Errorf("summary became %q", got)
	}
	if e, err := textOf(ctx, "account-error"); err == nil && e != "" {
		t.Errorf("an error is shown: %q", e)
	}
	if got, _ := textOf(ctx, "account-rows"); got != "1–30 of 30" {
		t.Errorf("pager says %q", got)
	}
}
