package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestFormKeepsComments types a commented CRUD template, edits it with the
// form (a row added and typed into, a missing section created, a row
// removed) and checks that the YAML textarea keeps the comments and the
// policy gets the new ARNs.
func TestFormKeepsComments(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := openApp(t, srv)
	defer cancel()
	yaml := func() string { return valueOf(t, ctx, "crud-yaml") }
	comments := []string{"# Team buckets (keep this comment)", "# the first bucket", "# reads end here"}
	start := comments[0] + "\nmode: crud\nname: comments\n\nread:\n- arn:aws:s3:::first-bucket/*   " + comments[1] + "\n" + comments[2] + "\n"
	if err := run(ctx, chromedp.Click(sel("tab-crud")), setValue("crud-yaml", start)); err != nil {
		t.Fatal(err)
	}
	if _, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "first-bucket") }); err != nil {
		t.Fatalf("the typed template gave no policy: %v", err)
	}
	checkComments := func(step string) string {
		t.Helper()
		y := yaml()
		for _, c := range comments {
			if !strings.Contains(y, c) {
				t.Errorf("%s: comment %q lost; crud-yaml is\n%s", step, c, y)
			}
		}
		return y
	}

	// Add a Read row with the form and type an ARN into it.
	const second = "arn:aws:s3:::second-bucket/*"
	if err := runWithin(ctx, 60*time.Second, chromedp.Click(`button[aria-label="add a row to Read"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[aria-label="Read row 2"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[aria-label="Read row 2"]`, second, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "second-bucket") }); err != nil {
		t.Errorf("the new ARN is not in policy-json: %.400q", got)
	}
	want := start[:strings.Index(start, comments[2])] + "- " + second + "\n" + comments[2] + "\n"
	if y := checkComments("add a row"); y != want {
		t.Errorf("add a row: crud-yaml is\n%s\nwant (the rest byte for byte)\n%s", y, want)
	}

	// A missing section is created where it belongs.
	if err := runWithin(ctx, 60*time.Second, chromedp.Click(`button[aria-label="add a row to Write"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[aria-label="Write row 1"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[aria-label="Write row 1"]`, "arn:aws:s3:::third-bucket", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "third-bucket") }); err != nil {
		t.Errorf("the Write ARN is not in policy-json: %.400q", got)
	}
	if y := checkComments("create a section"); !strings.Contains(y, "\nwrite:\n- arn:aws:s3:::third-bucket\n") {
		t.Errorf("create a section: crud-yaml is\n%s", y)
	}

	// Removing a row keeps the comments of the others.
	if err := run(ctx, chromedp.Click(`button[aria-label="remove Read row 2"]`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "policy-json", func(s string) bool { return !strings.Contains(s, "second-bucket") }); err != nil {
		t.Errorf("the removed ARN is still in policy-json: %.400q", got)
	}
	if y := checkComments("remove a row"); strings.Contains(y, "second-bucket") {
		t.Errorf("remove a row: crud-yaml is\n%s", y)
	}
	screenshot(t, ctx, "form-keeps-comments")

	// A first-format template cannot be edited in place: the form rewrites
	// it, says so, and "Restore previous work" brings the original back.
	first := "# old style (this comment goes)\nroles_with_crud_levels:\n- name: legacy\n  description: ''\n  arn: ''\n  read:\n  - arn:aws:s3:::legacy-bucket\n"
	if err := run(ctx, setValue("crud-yaml", first)); err != nil {
		t.Fatal(err)
	}
	if _, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "legacy-bucket") }); err != nil {
		t.Fatalf("the first-format template gave no policy: %v", err)
	}
	if err := runWithin(ctx, 60*time.Second, chromedp.Click(`button[aria-label="add a row to Write"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[aria-label="Write row 1"]`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if got, err := pollText(ctx, "notice", func(s string) bool { return strings.Contains(s, "first-format") }); err != nil {
		t.Errorf("no notice of the rewrite: %q", got)
	}
	if y := yaml(); strings.Contains(y, "roles_with_crud_levels") || !strings.Contains(y, "legacy-bucket") {
		t.Errorf("the form did not rewrite the first-format template in the current format:\n%s", y)
	}
	if err := run(ctx, chromedp.Click(sel("restore-previous"))); err != nil {
		t.Fatalf("no Restore previous work button: %v", err)
	}
	deadline := time.Now().Add(stepTimeout)
	for yaml() != first && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if y := yaml(); y != first {
		t.Errorf("Restore previous work gave\n%s\nwant the original\n%s", y, first)
	}
}
