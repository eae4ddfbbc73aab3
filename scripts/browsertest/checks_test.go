package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestWriteScreenChecks: the write screens validate the policy they
// write. On the CRUD screen iam:PassRole under skip-resource-constraints
// (written on Resource "*") gets Access Analyzer's security warning: the
// summary says so, the list opens on a click, shows the finding's code,
// line:column, JSON path and documentation link, and clicking the
// finding selects its text in the JSON policy (from another output tab
// too). A clean template says "No findings", on the actions screen as
// well, where iam:PassRole on its role ARN pattern gets warnings. The
// Grant screen shows its checks with the same component.
func TestWriteScreenChecks(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := openApp(t, srv)
	defer cancel()

	passRole := "mode: crud\nname: passer\nskip-resource-constraints:\n- iam:PassRole\n"
	if err := run(ctx, chromedp.Click(sel("tab-crud")), setValue("crud-yaml", passRole)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "checks-summary", func(s string) bool { return strings.Contains(s, "1 security warning") }); err != nil {
		t.Fatalf("checks summary: %v %q", err, got)
	}
	if n := count(t, ctx, sel("checks-finding")); n != 0 {
		t.Errorf("%d findings listed before the summary was clicked", n)
	}
	if err := run(ctx, chromedp.Click(sel("checks-summary"))); err != nil {
		t.Fatal(err)
	}
	got, err := pollText(ctx, "policy-checks", func(s string) bool { return strings.Contains(s, "PASS_ROLE_WITH_STAR_IN_RESOURCE") })
	if err != nil {
		t.Fatalf("no PASS_ROLE_WITH_STAR_IN_RESOURCE finding: %.600q", got)
	}
	for _, want := range []string{"SECURITY_WARNING", "line 8:17", "$.Statement[0].Action[0]", "RESOURCE_STAR", "any role can be passed"} {
		if !strings.Contains(got, want) {
			t.Errorf("checks lack %q: %.600q", want, got)
		}
	}
	var link string
	if err := run(ctx, chromedp.Evaluate(`document.querySelector('[data-testid="policy-checks"] a').href`, &link)); err != nil || !strings.Contains(link, "pass-role-with-star-in-resource") {
		t.Errorf("the finding links to %q (%v), want Access Analyzer's check reference", link, err)
	}

	// Clicking the finding selects it in the JSON policy, from the YAML
	// tab too (the JSON tab is shown).
	if err := run(ctx, chromedp.Click(sel("fmt-yaml"))); err != nil {
		t.Fatal(err)
	}
	if _, err := pollText(ctx, "policy-yaml", func(s string) bool { return strings.Contains(s, "iam:PassRole") }); err != nil {
		t.Fatal("the YAML tab did not show")
	}
	if err := run(ctx, chromedp.Click(sel("checks-finding"))); err != nil {
		t.Fatal(err)
	}
	if got, err := pollJS(ctx, `window.getSelection().toString()`, func(s string) bool { return s != "" }); err != nil || got != `"iam:PassRole"` {
		t.Errorf("clicking the finding selected %q (%v), want the action in the JSON", got, err)
	}
	var jsonShown bool
	if err := run(ctx, chromedp.Evaluate(`!document.querySelector('[data-testid="policy-json"]').classList.contains("hidden")`, &jsonShown)); err != nil || !jsonShown {
		t.Errorf("the JSON tab is not shown after the click (%v)", err)
	}
	viewShot(t, ctx, "write-checks")

	// A clean template.
	clean := "mode: crud\nname: example\nread:\n- arn:aws:s3:::example-bucket/*\nlist:\n- arn:aws:s3:::example-bucket\n"
	if err := run(ctx, setValue("crud-yaml", clean)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "checks-summary", func(s string) bool { return strings.Contains(s, "No findings") }); err != nil {
		t.Errorf("clean template's checks: %q", got)
	}
	if n := count(t, ctx, sel("checks-finding")); n != 0 {
		t.Errorf("a clean template lists %d findings", n)
	}

	// The actions screen: role ARN patterns left to fill in are flagged (one
	// finding naming every placeholder of the ARN);
	// actions without resources are clean.
	if err := run(ctx, chromedp.Click(sel("tab-actions")), setValue("actions-yaml", "mode: actions\nname: passer\nactions:\n- iam:PassRole\n")); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "checks-summary", func(s string) bool { return strings.Contains(s, "1 warning") && !strings.Contains(s, "warnings") }); err != nil {
		t.Errorf("actions screen checks: %q", got)
	}
	if err := run(ctx, chromedp.Click(sel("checks-summary"))); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "policy-checks", func(s string) bool { return strings.Contains(s, "UNKNOWN_VARIABLE_KEY") }); err != nil || !strings.Contains(got, "${RoleNameWithPath}") {
		t.Errorf("actions screen findings: %.600q", got)
	}
	screenshot(t, ctx, "write-checks-actions")
	if err := run(ctx, setValue("actions-yaml", "mode: actions\nname: lister\nactions:\n- s3:ListAllMyBuckets\n")); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "checks-summary", func(s string) bool { return strings.Contains(s, "No findings") }); err != nil {
		t.Errorf("clean actions template's checks: %q", got)
	}

	// The Grant screen lists its checks the same way, open.
	trust := "mode: trust\ngrants:\n- github:\n    account: '111122223333'\n    repositories: o/r\n    branches: '*'\n"
	if err := run(ctx, chromedp.Click(sel("tab-grant")), setValue("grant-yaml", trust)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "policy-checks", func(s string) bool { return strings.Contains(s, "SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED") }); err != nil || !strings.Contains(got, "1 warning") {
		t.Errorf("grant checks: %.600q", got)
	}
	if err := run(ctx, chromedp.Click(sel("checks-finding"))); err != nil {
		t.Fatal(err)
	}
	if got, err := pollJS(ctx, `window.getSelection().toString()`, func(s string) bool { return s != "" }); err != nil || got != `"repo:o/r:ref:refs/heads/*"` {
		t.Errorf("clicking the grant finding selected %q (%v), want the branch pattern", got, err)
	}
	viewShot(t, ctx, "write-checks-grant")
}

// count is the number of elements the CSS selector matches.
func count(t *testing.T, ctx context.Context, css string) int {
	var n int
	if err := run(ctx, chromedp.Evaluate(`document.querySelectorAll(`+jsString(css)+`).length`, &n)); err != nil {
		t.Fatal(err)
	}
	return n
}

// pollJS evaluates a string expression until ok accepts its value or
// the step's time is up.
func pollJS(ctx context.Context, expr string, ok func(string) bool) (string, error) {
	deadline := time.Now().Add(stepTimeout)
	for {
		var s string
		if err := run(ctx, chromedp.Evaluate(expr, &s)); err != nil {
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
