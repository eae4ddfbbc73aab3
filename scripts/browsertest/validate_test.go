package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestValidateScreen: a pasted policy is validated as typed, with each
// finding's type, code, line:column and documentation link; clicking a
// finding selects its text in the editor; the policy type and resource
// type change the checks; the screen's state survives a reload, also a
// reload on another screen; its controls are labelled.
func TestValidateScreen(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := openApp(t, srv)
	defer cancel()

	policy := `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObjekt", "s3:GetObject"], "Resource": "arn:aws:s3:::bucket/*"}
  ]
}`
	if err := run(ctx, chromedp.Click(sel("tab-validate")), setValue("validate-input", policy)); err != nil {
		t.Fatal(err)
	}
	got, err := pollText(ctx, "validate-results", func(s string) bool { return strings.Contains(s, "INVALID_ACTION") })
	if err != nil {
		t.Fatalf("no INVALID_ACTION finding: %.500q", got)
	}
	for _, want := range []string{"1 policy validated", "ERROR", "line 4:51", "did you mean s3:GetObject", "$.Statement[0].Action[0]"} {
		if !strings.Contains(got, want) {
			t.Errorf("results lack %q: %.500q", want, got)
		}
	}
	var link string
	if err := run(ctx, chromedp.Evaluate(`document.querySelector('[data-testid="validate-results"] a').href`, &link)); err != nil || !strings.HasPrefix(link, "https://docs.aws.amazon.com/") {
		t.Errorf("finding links to %q (%v), want the AWS documentation", link, err)
	}

	// Clicking the finding selects the action in the editor.
	var selected string
	if err := run(ctx, chromedp.Click(sel("validate-finding")), chromedp.Evaluate(`(() => { const e = document.querySelector('[data-testid="validate-input"]'); return document.activeElement === e ? e.value.substring(e.selectionStart, e.selectionEnd) : "(editor not focused)" })()`, &selected)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(selected, "s3:GetObjekt") {
		t.Errorf("clicking the finding selected %q, want the unknown action", selected)
	}
	viewShot(t, ctx, "validate")

	// A resource policy for a bucket needs a Principal.
	if err := run(ctx, chromedp.SetValue(sel("validate-type"), "resource", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('[data-testid="validate-type"]').dispatchEvent(new Event("change", {bubbles: true}))`, nil),
		chromedp.WaitVisible(sel("validate-resource-type")),
		chromedp.SetValue(sel("validate-resource-type"), "AWS::S3::Bucket", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('[data-testid="validate-resource-type"]').dispatchEvent(new Event("change", {bubbles: true}))`, nil)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "validate-results", func(s string) bool { return strings.Contains(s, "MISSING_PRINCIPAL") }); err != nil {
		t.Errorf("resource policy without a Principal: %.500q", got)
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
		t.Errorf("controls without a label: %v", unlabelled)
	}

	// The text, policy type and resource type survive a reload.
	if err := run(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	if err := waitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if v := valueOf(t, ctx, "validate-input"); v != policy {
		t.Errorf("policy lost on reload: %q", v)
	}
	if v := valueOf(t, ctx, "validate-resource-type"); v != "AWS::S3::Bucket" {
		t.Errorf("resource type after a reload: %q", v)
	}
	if got, err := pollText(ctx, "validate-results", func(s string) bool { return strings.Contains(s, "MISSING_PRINCIPAL") }); err != nil {
		t.Errorf("not validated again after a reload: %.500q", got)
	}

	// Reloaded on another screen, the Validate screen's saved text is
	// validated by the time the screen is shown again (a hidden screen
	// puts the work off, it must not skip it).
	if err := run(ctx, chromedp.Click(sel("tab-crud"), chromedp.ByQuery), chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	if err := waitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, chromedp.Click(sel("tab-validate"), chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "validate-results", func(s string) bool {
		return strings.Contains(s, "MISSING_PRINCIPAL") && strings.Contains(s, "GetObjekt")
	}); err != nil {
		t.Errorf("reloaded on the Write screen, the Validate screen shows no findings for its saved text: %.500q", got)
	}
}

// TestValidateGuardrails: the Validate screen's guardrails. An identity
// policy granting iam:CreateUser with the built-in iam-write guardrail on
// gets a MUST_NOT_GRANT finding that selects its statement; a must-not-
// grant list with a mistake says where; a bucket policy open to "*" gets a
// PUBLIC_ACCESS finding (the check is on by default for resource
// policies); the choices survive a reload.
func TestValidateGuardrails(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := openApp(t, srv)
	defer cancel()

	identity := `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"},
    {"Sid": "Users", "Effect": "Allow", "Action": "iam:CreateUser", "Resource": "arn:aws:iam::111122223333:user/*"}
  ]
}`
	if err := run(ctx, chromedp.Click(sel("tab-validate")), setValue("validate-input", identity)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "validate-summary", func(s string) bool { return strings.Contains(s, "validated") }); err != nil {
		t.Fatalf("not validated: %q", got)
	}
	if got, _ := textOf(ctx, "validate-results"); strings.Contains(got, "MUST_NOT_GRANT") {
		t.Errorf("MUST_NOT_GRANT before any guardrail is on: %.500q", got)
	}
	var why string
	if err := run(ctx, chromedp.Evaluate(`document.querySelector('`+sel("validate-guardrail-iam-write")+`').closest("label").textContent`, &why)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(why, "change who can do what") {
		t.Errorf("the iam-write checkbox lacks its description: %q", why)
	}
	if err := run(ctx, chromedp.Click(sel("validate-guardrail-iam-write"))); err != nil {
		t.Fatal(err)
	}
	got, err := pollText(ctx, "validate-results", func(s string) bool { return strings.Contains(s, "MUST_NOT_GRANT") })
	if err != nil {
		t.Fatalf("no MUST_NOT_GRANT finding with iam-write on: %.500q", got)
	}
	for _, want := range []string{"SECURITY_WARNING", "line 5:5", `guardrail "iam-write" forbids`, "iam:CreateUser"} {
		if !strings.Contains(got, want) {
			t.Errorf("results lack %q: %.500q", want, got)
		}
	}
	// Clicking the finding selects its statement.
	var selected string
	if err := run(ctx, chromedp.Evaluate(`[...document.querySelectorAll('`+sel("validate-finding")+`')].find(b => b.textContent.includes("MUST_NOT_GRANT")).click()`, nil),
		chromedp.Evaluate(`(() => { const e = document.querySelector('[data-testid="validate-input"]'); return document.activeElement === e ? e.value.substring(e.selectionStart, e.selectionEnd) : "(editor not focused)" })()`, &selected)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(selected, `{"Sid": "Users"`) || !strings.HasSuffix(selected, "}") {
		t.Errorf("clicking MUST_NOT_GRANT selected %q, want the Users statement", selected)
	}
	viewShot(t, ctx, "validate-guardrails")

	// A must-not-grant list with a mistake: its line and column.
	if err := run(ctx, setValue("validate-must-not-grant", "must-not-grant:\n  - name: x\n    action: [\"s3:*\"]\n")); err != nil {
		t.Fatal(err)
	}
	if e, err := pollText(ctx, "validate-guardrail-errors", func(s string) bool { return strings.Contains(s, `3:5: unknown key "action"`) }); err != nil {
		t.Errorf("must-not-grant error %q", e)
	}
	if err := run(ctx, setValue("validate-must-not-grant", "")); err != nil {
		t.Fatal(err)
	}

	// A bucket policy open to everyone.
	bucket := `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-site/*"}
  ]
}`
	if err := run(ctx, setValue("validate-input", bucket),
		chromedp.SetValue(sel("validate-type"), "resource", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('[data-testid="validate-type"]').dispatchEvent(new Event("change", {bubbles: true}))`, nil),
		chromedp.WaitVisible(sel("validate-resource-type")),
		chromedp.SetValue(sel("validate-resource-type"), "AWS::S3::Bucket", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('[data-testid="validate-resource-type"]').dispatchEvent(new Event("change", {bubbles: true}))`, nil)); err != nil {
		t.Fatal(err)
	}
	got, err = pollText(ctx, "validate-results", func(s string) bool { return strings.Contains(s, "PUBLIC_ACCESS") })
	if err != nil {
		t.Fatalf("no PUBLIC_ACCESS finding for a public bucket policy: %.500q", got)
	}
	if !strings.Contains(got, "line 4:5") || !strings.Contains(got, `open to "*"`) {
		t.Errorf("PUBLIC_ACCESS finding without its statement: %.500q", got)
	}
	var public bool
	if err := run(ctx, chromedp.Evaluate(`document.querySelector('`+sel("validate-public")+`').checked`, &public)); err != nil || !public {
		t.Errorf("the public-access check is not on by default for a resource policy (%v)", err)
	}
	screenshot(t, ctx, "validate-public")

	// The guardrail, the policy type and the public check survive a reload.
	if err := run(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	if err := waitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if v := valueOf(t, ctx, "validate-input"); v != bucket {
		t.Errorf("policy lost on reload: %q", v)
	}
	var on bool
	if err := run(ctx, chromedp.Evaluate(`document.querySelector('`+sel("validate-guardrail-iam-write")+`').checked`, &on)); err != nil || !on {
		t.Errorf("the iam-write guardrail is not kept on after a reload (%v)", err)
	}
	if got, err := pollText(ctx, "validate-results", func(s string) bool { return strings.Contains(s, "PUBLIC_ACCESS") }); err != nil {
		t.Errorf("no PUBLIC_ACCESS after a reload: %.500q", got)
	}
	// Turned off, it stays off.
	if err := run(ctx, chromedp.Click(sel("validate-public"))); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "validate-results", func(s string) bool { return !strings.Contains(s, "PUBLIC_ACCESS") }); err != nil {
		t.Errorf("PUBLIC_ACCESS with the check off: %.500q", got)
	}
	if err := run(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	if err := waitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, chromedp.Evaluate(`document.querySelector('`+sel("validate-public")+`').checked`, &public)); err != nil || public {
		t.Errorf("the public-access check is back on after a reload (%v)", err)
	}

	// A share link carries the choices to a fresh browser.
	if err := run(ctx, setValue("validate-input", identity),
		chromedp.SetValue(sel("validate-type"), "identity", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('[data-testid="validate-type"]').dispatchEvent(new Event("change", {bubbles: true}))`, nil)); err != nil {
		t.Fatal(err)
	}
	var link string
	if err := run(ctx, chromedp.Click(sel("share")), chromedp.WaitVisible(sel("share-link")), chromedp.Value(sel("share-link"), &link, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	ctx2, cancel2 := browser(t)
	defer cancel2()
	if err := run(ctx2, chromedp.Navigate(link)); err != nil {
		t.Fatal(err)
	}
	if err := waitReady(ctx2); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx2, "validate-results", func(s string) bool { return strings.Contains(s, "MUST_NOT_GRANT") }); err != nil {
		t.Errorf("the share link did not carry the iam-write guardrail: %.500q", got)
	}
}
