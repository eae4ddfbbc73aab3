package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestGrantScreen: the Grant screen writes the resource skeleton's bucket
// policy, follows edits of the template, shows a template error at
// line:column, switches to the trust template and its YAML rendering,
// and keeps the templates across a reload.
func TestGrantScreen(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := openApp(t, srv)
	defer cancel()

	if err := run(ctx, chromedp.Click(sel("tab-grant"))); err != nil {
		t.Fatal(err)
	}
	got, err := pollText(ctx, "grant-policy", func(s string) bool { return strings.Contains(s, `"arn:aws:s3:::example-bucket/*"`) })
	if err != nil || !strings.Contains(got, `"DenyInsecureTransport"`) || !strings.Contains(got, `"aws:SourceAccount": "111122223333"`) {
		t.Fatalf("the resource skeleton's policy: %v\n%.600s", err, got)
	}
	if s, _ := textOf(ctx, "grant-validated"); !strings.Contains(s, "resource policy of AWS::S3::Bucket") {
		t.Errorf("validated as: %q", s)
	}
	screenshot(t, ctx, "grant-resource")

	// An edit writes the policy again.
	sqs := "mode: resource\nresource-type: sqs\nresources: arn:aws:sqs:us-east-1:111122223333:orders\ngrants:\n- services: sns.amazonaws.com\n  source-arn: arn:aws:sns:us-east-1:111122223333:events\n  actions: sqs:SendMessage\n"
	if err := run(ctx, setValue("grant-yaml", sqs)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "grant-policy", func(s string) bool { return strings.Contains(s, `"sqs:SendMessage"`) }); err != nil {
		t.Errorf("the edited template's policy: %.400q", got)
	}
	// A mistake is shown at its line and column; the last policy stays.
	if err := run(ctx, setValue("grant-yaml", strings.Replace(sqs, "sqs:SendMessage", "sqs:SendMesage", 1))); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "grant-errors", func(s string) bool { return strings.Contains(s, "7:12: sqs:SendMesage: no such action; did you mean sqs:SendMessage") }); err != nil {
		t.Errorf("error list: %q", got)
	}
	screenshot(t, ctx, "grant-error")

	// The trust template and its YAML rendering.
	if err := run(ctx, chromedp.Click(sel("grant-mode-trust")), chromedp.Click(`.output .out-tabs button:nth-child(2)`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "grant-policy", func(s string) bool {
		return strings.Contains(s, "sts:AssumeRoleWithWebIdentity") && strings.Contains(s, "token.actions.githubusercontent.com:sub: repo:octo-org/octo-repo:ref:refs/heads/main")
	}); err != nil {
		t.Errorf("the trust skeleton's policy in YAML: %.800q", got)
	}
	if s, _ := textOf(ctx, "grant-validated"); !strings.Contains(s, "trust policy") {
		t.Errorf("validated as: %q", s)
	}
	screenshot(t, ctx, "grant-trust")

	// The templates are saved: after a reload, the resource template
	// still has the edit.
	if err := run(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	if err := waitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, chromedp.Click(sel("tab-grant")), chromedp.Click(sel("grant-mode-resource"))); err != nil {
		t.Fatal(err)
	}
	if v := valueOf(t, ctx, "grant-yaml"); !strings.Contains(v, "sqs:SendMesage") {
		t.Errorf("after a reload the resource template is:\n%s", v)
	}
}
