package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestValidateScreen: a pasted policy is validated as typed, with each
// finding's type, code, line:column and documentation link; clicking a
// finding selects its text in the editor; the policy type and resource
// type change the checks; the screen's state survives a reload; its
// controls are labelled.
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
	for _, want := range []string{"1 policies validated", "ERROR", "line 4:51", "did you mean s3:GetObject", "$.Statement[0].Action[0]"} {
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
}
