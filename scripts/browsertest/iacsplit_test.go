package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestOutputFormatsAndSplit covers the output panel's format tabs for the
// infrastructure-as-code formats and its split menu: each tab shows its
// rendering, a split for the user inline quota rewrites every tab as the
// parts and says what it did, and "Do not split" brings the whole policy
// back.
func TestOutputFormatsAndSplit(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := openApp(t, srv)
	defer cancel()
	if err := run(ctx, chromedp.Click(sel("tab-crud")), setValue("crud-yaml", crudYML)); err != nil {
		t.Fatal(err)
	}
	if _, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "KmsWriteKey") }); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ format, want string }{
		{"terraform-hcl", `data "aws_iam_policy_document" "policy" {`},
		{"cloudformation", "Type: AWS::IAM::ManagedPolicy"},
		{"cloudformation-json", `"Type": "AWS::IAM::ManagedPolicy"`},
		{"cdk", "new iam.PolicyStatement({"},
	} {
		if err := run(ctx, chromedp.Click(sel("fmt-"+tc.format))); err != nil {
			t.Fatal(err)
		}
		if got, err := pollText(ctx, "policy-"+tc.format, func(s string) bool { return strings.Contains(s, tc.want) }); err != nil {
			t.Errorf("%s tab: %.300q", tc.format, got)
		}
	}
	chooseSplit := func(key string) chromedp.Action {
		return chromedp.Evaluate(`(() => { const s = document.querySelector('[data-testid="split"]'); s.value = `+jsString(key)+`; s.dispatchEvent(new Event('change', {bubbles: true})); return true })()`, nil)
	}
	if err := run(ctx, chooseSplit("user-inline")); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "policy-split", func(s string) bool { return strings.HasPrefix(s, "split into 2 policies") }); err != nil {
		t.Errorf("split summary: %q", got)
	}
	if got, err := pollText(ctx, "policy-cdk", func(s string) bool { return strings.Contains(s, "policy2Statements") }); err != nil {
		t.Errorf("CDK tab after the split: %.300q", got)
	}
	viewShot(t, ctx, "output-split-cdk")
	if err := run(ctx, chromedp.Click(sel("fmt-json"))); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, `"policy-2": {`) }); err != nil {
		t.Errorf("JSON tab after the split: %.300q", got)
	}
	if err := run(ctx, chooseSplit("")); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "policy-json", func(s string) bool { return !strings.Contains(s, `"policy-1"`) && strings.Contains(s, "KmsWriteKey") }); err != nil {
		t.Errorf("JSON tab without the split: %.300q", got)
	}
}
