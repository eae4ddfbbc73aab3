package browsertest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConditionEditor adds aws:ResourceTag/team StringEquals payments to
// the read section of a commented default CRUD template with the
// condition editor, checks that the YAML gets read-condition: and keeps
// the comment, that the policy has the Condition and the clause is
// listed, then removes it again.
func TestConditionEditor(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := openApp(t, srv)
	defer cancel()
	const comment = "# payments team (keep this comment)"
	start := comment + "\nmode: crud\nname: example\nread:\n- arn:aws:s3:::example-bucket/*\nwrite:\n- arn:aws:s3:::example-bucket/*\nlist:\n- arn:aws:s3:::example-bucket\n"
	if err := run(ctx, chromedp.Click(sel("tab-crud")), setValue("crud-yaml", start)); err != nil {
		t.Fatal(err)
	}
	if _, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "example-bucket") && !strings.Contains(s, "Condition") }); err != nil {
		t.Fatalf("the template gave no policy: %v", err)
	}
	if err := runWithin(ctx, 60*time.Second, chromedp.WaitVisible(sel("condition-editor"), chromedp.ByQuery),
		setChoice("cond-where", "read"), setValue("cond-key", "aws:ResourceTag/team")); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "cond-key-type", func(s string) bool { return s == "String" }); err != nil {
		t.Errorf("key type shown %q, want String", got)
	}
	// The operators fit the key's type: no Numeric or Bool for a String key.
	var ops []string
	if err := run(ctx, chromedp.Evaluate(`[...document.querySelectorAll('`+sel("cond-operator")+` option')].map(o => o.value)`, &ops)); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ops, "StringEquals") || slices.Contains(ops, "NumericEquals") || slices.Contains(ops, "Bool") {
		t.Errorf("operators for a String key: %v", ops)
	}
	if err := run(ctx, setChoice("cond-operator", "StringEquals"), setValue("cond-values", "payments"), chromedp.Click(sel("cond-add"), chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	policy, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, `"aws:ResourceTag/team": "payments"`) })
	if err != nil {
		t.Errorf("the policy has no Condition: %.600q", policy)
	}
	if !strings.Contains(policy, `"Condition"`) || !strings.Contains(policy, `"StringEquals"`) {
		t.Errorf("policy-json: %s", policy)
	}
	y := valueOf(t, ctx, "crud-yaml")
	if want := start + "read-condition:\n  StringEquals:\n    aws:ResourceTag/team: payments\n"; y != want {
		t.Errorf("crud-yaml is\n%s\nwant\n%s", y, want)
	}
	if !strings.Contains(y, comment) {
		t.Errorf("the comment was lost:\n%s", y)
	}
	if rows, err := pollText(ctx, "condition-rows", func(s string) bool { return strings.Contains(s, "read-condition") }); err != nil || !strings.Contains(rows, "StringEquals aws:ResourceTag/team: payments") {
		t.Errorf("condition rows: %q", rows)
	}
	screenshot(t, ctx, "condition-editor")

	// Remove it again: the text is back to what was typed.
	if err := run(ctx, chromedp.Click(`[data-testid="condition-rows"] button.del`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "policy-json", func(s string) bool { return !strings.Contains(s, "Condition") }); err != nil {
		t.Errorf("the Condition is still in the policy: %.600q", got)
	}
	if y := valueOf(t, ctx, "crud-yaml"); y != start {
		t.Errorf("after removing, crud-yaml is\n%s\nwant\n%s", y, start)
	}

	// A shortcut fills the key and operator it stands for.
	if err := run(ctx, setChoice("cond-shortcut", "source-ip")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(stepTimeout)
	for valueOf(t, ctx, "cond-key") != "aws:SourceIp" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if k, op := valueOf(t, ctx, "cond-key"), valueOf(t, ctx, "cond-operator"); k != "aws:SourceIp" || op != "IpAddress" {
		t.Errorf("the source-ip shortcut filled %q %q, want aws:SourceIp IpAddress", k, op)
	}

	// The Actions screen offers only the whole template; the mfa shortcut
	// fills Bool aws:MultiFactorAuthPresent true.
	if err := runWithin(ctx, 60*time.Second, chromedp.Click(sel("tab-actions")), chromedp.WaitVisible(sel("condition-editor"), chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	var where []string
	if err := run(ctx, chromedp.Evaluate(`[...document.querySelectorAll('`+sel("cond-where")+` option')].map(o => o.value)`, &where)); err != nil {
		t.Fatal(err)
	}
	if len(where) != 1 || where[0] != "" {
		t.Errorf("the Actions screen offers %q, want only the whole template", where)
	}
	if err := run(ctx, setChoice("cond-shortcut", "mfa"), chromedp.Click(sel("cond-add"), chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, `"aws:MultiFactorAuthPresent": "true"`) }); err != nil {
		t.Errorf("the Actions policy has no MFA condition: %.600q", got)
	}
	if y := valueOf(t, ctx, "actions-yaml"); !strings.HasSuffix(y, "condition:\n  Bool:\n    aws:MultiFactorAuthPresent: true\n") {
		t.Errorf("actions-yaml is\n%s", y)
	}
	screenshot(t, ctx, "condition-editor-actions")
}

// setChoice picks a select's option and fires a change event.
func setChoice(id, value string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var ok bool
		if err := chromedp.Evaluate(`(() => { const e = document.querySelector('`+sel(id)+`'); if (!e) return false; e.value = `+jsString(value)+`; if (e.value !== `+jsString(value)+`) return false; e.dispatchEvent(new Event('change', {bubbles: true})); return true })()`, &ok).Do(ctx); err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no option %q in %s", value, sel(id))
		}
		return nil
	})
}

// TestConditionKeySuggestions checks that the key field's suggestions
// (the datalist of the template's condition keys) are in the page while
// the field has the focus, with the template's service keys and the
// global ones, and are left out otherwise, so that a keystroke in the
// template does not update a few hundred options.
func TestConditionKeySuggestions(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := openApp(t, srv)
	defer cancel()
	start := "mode: crud\nname: example\nread:\n- arn:aws:s3:::example-bucket/*\n"
	if err := run(ctx, chromedp.Click(sel("tab-crud")), setValue("crud-yaml", start)); err != nil {
		t.Fatal(err)
	}
	if _, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "example-bucket") }); err != nil {
		t.Fatalf("the template gave no policy: %v", err)
	}
	options := func() []string {
		t.Helper()
		var keys []string
		if err := run(ctx, chromedp.Evaluate(`[...document.querySelectorAll('`+sel("cond-key-list")+` option')].map(o => o.value)`, &keys)); err != nil {
			t.Fatal(err)
		}
		return keys
	}
	waitOptions := func(want bool) []string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			keys := options()
			if (len(keys) > 0) == want || time.Now().After(deadline) {
				return keys
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if keys := waitOptions(false); len(keys) != 0 {
		t.Fatalf("%d key suggestions in the page before the key field has the focus", len(keys))
	}
	if err := run(ctx, chromedp.Focus(sel("cond-key"), chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	keys := waitOptions(true)
	if !slices.Contains(keys, "s3:ExistingObjectTag/${TagKey}") && !slices.Contains(keys, "s3:prefix") || !slices.Contains(keys, "aws:SourceIp") {
		t.Errorf("suggestions with the focus (%d) lack s3's keys or aws:SourceIp: %.10q", len(keys), keys)
	}
	if err := run(ctx, chromedp.Focus(sel("crud-yaml"), chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if keys := waitOptions(false); len(keys) != 0 {
		t.Errorf("%d key suggestions left in the page after the key field lost the focus", len(keys))
	}
}
