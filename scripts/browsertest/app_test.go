package browsertest

import (
	"os"
	"strings"
	"testing"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// crudYML is the README's crud.yml.
const crudYML = `mode: crud
name: myRole
read:
- arn:aws:s3:::example-org-sbx-vmimport/stuff
- arn:aws:ssm:us-east-1:123456789012:parameter/test
write:
- arn:aws:s3:::example-org-s3-access-logs
- arn:aws:kms:us-east-1:123456789012:key/123456
list:
- arn:aws:s3:::example-org-flow-logs
tagging:
- arn:aws:ssm:us-east-1:123456789012:parameter/test
permissions-management:
- arn:aws:s3:::example-org-s3-access-logs
`

type policyDoc struct {
	Statement []struct {
		Sid      string
		Action   []string
		Resource []string
	}
}

func TestAppEndToEnd(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := browser(t)
	defer cancel()
	if err := chromedp.Run(ctx, network.Enable(), runtime.Enable(), cdplog.Enable()); err != nil {
		t.Fatal(err)
	}
	requests := recordRequests(ctx)
	console := recordConsole(ctx)
	logConsoleOnFailure(t, console)
	if err := run(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	if err := waitReady(ctx); err != nil {
		screenshot(t, ctx, "not-ready")
		s, _ := textOf(ctx, "dataset-status")
		t.Fatalf("app not ready: %v (status %q)", err, s)
	}
	status, _ := textOf(ctx, "dataset-status")
	if !strings.Contains(status, "0.21.202609261") {
		t.Errorf("dataset-status %q does not name the dataset version", status)
	}

	t.Run("crud", func(t *testing.T) {
		generateCRUD(t, ctx)
		screenshot(t, ctx, "crud")
	})

	t.Run("crud-warning", func(t *testing.T) {
		bad := "mode: crud\nread:\n- arn:aws:s3:::b/o\n- arn:aws:kms:us-east-1:1:nothing/x\n"
		if err := run(ctx, setValue("crud-yaml", bad)); err != nil {
			t.Fatal(err)
		}
		w, err := pollText(ctx, "policy-warnings", func(s string) bool { return strings.Contains(s, "matches no resource type") })
		if err != nil {
			t.Fatalf("no warning for an unmatched ARN: %q", w)
		}
	})

	t.Run("actions", func(t *testing.T) {
		y := "mode: actions\nactions:\n- kms:CreateCustomKeyStore\n- s3:GetObject\n"
		if err := run(ctx, chromedp.Click(sel("tab-actions")), setValue("actions-yaml", y)); err != nil {
			t.Fatal(err)
		}
		got, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "cloudhsm:DescribeClusters") })
		if err != nil {
			t.Fatalf("actions policy lacks the dependent action: %v\n%s", err, got)
		}
		deps, _ := textOf(ctx, "dependent-actions")
		if !strings.Contains(deps, "cloudhsm:DescribeClusters") {
			t.Errorf("dependent actions not shown: %q", deps)
		}
		if err := run(ctx, setValue("action-search", "s3:getobjectt")); err != nil {
			t.Fatal(err)
		}
		screenshot(t, ctx, "actions")
	})

	t.Run("audit", func(t *testing.T) {
		admin := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
		if err := run(ctx, chromedp.Click(sel("tab-audit")), setValue("audit-input", admin)); err != nil {
			t.Fatal(err)
		}
		got, err := pollText(ctx, "audit-results", func(s string) bool { return strings.Contains(s, "Privilege escalation") })
		if err != nil {
			t.Fatalf("no privilege-escalation finding: %v\n%.500s", err, got)
		}
		if !strings.Contains(got, "critical") {
			t.Errorf("AdministratorAccess findings are not critical")
		}
		screenshot(t, ctx, "audit")
		bad := "{\n  \"Statement\": [ {\"Effect\": \"Allow\", }\n]}"
		if err := run(ctx, setValue("audit-input", bad)); err != nil {
			t.Fatal(err)
		}
		if got, err := pollText(ctx, "audit-results", func(s string) bool { return strings.Contains(s, "pasted policy:2:") }); err != nil {
			t.Errorf("parse error without line:column: %q", got)
		}
	})

	t.Run("drop-file", func(t *testing.T) {
		f := t.TempDir() + "/policy.json"
		os.WriteFile(f, []byte(`{"Version":"2012-10-17","Statement":{"Sid":"Secrets","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}}`), 0o644)
		if err := run(ctx, chromedp.SetUploadFiles(sel("audit-files"), []string{f}, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if got, err := pollText(ctx, "audit-results", func(s string) bool {
			return strings.Contains(s, "policy.json") && strings.Contains(s, "Credentials exposure")
		}); err != nil {
			t.Errorf("picked file not audited: %q", got)
		}
	})

	t.Run("browse", func(t *testing.T) {
		if err := run(ctx, chromedp.Click(sel("tab-browse")), setValue("browse-service-search", "kms"),
			chromedp.Click(`a[href="#service=kms"]`, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if got, err := pollText(ctx, "browse-actions", func(s string) bool {
			return strings.Contains(s, "kms:CreateGrant") || strings.Contains(s, "CreateGrant")
		}); err != nil {
			t.Errorf("kms actions not listed: %.300q", got)
		}
		screenshot(t, ctx, "browse")
	})

	t.Run("reload-keeps-state", func(t *testing.T) {
		// The Browse screen left #service=kms in the address bar: it
		// must not override the tab the user is on after a reload.
		if err := run(ctx, chromedp.Click(sel("tab-crud")), setValue("crud-yaml", crudYML)); err != nil {
			t.Fatal(err)
		}
		var url string
		if err := run(ctx, chromedp.Location(&url)); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(url, "#") {
			t.Errorf("the CRUD screen left a fragment in the address bar: %s", url)
		}
		if err := run(ctx, chromedp.Reload()); err != nil {
			t.Fatal(err)
		}
		if err := waitReady(ctx); err != nil {
			t.Fatal(err)
		}
		var v string
		if err := run(ctx, chromedp.Value(sel("crud-yaml"), &v, chromedp.ByQuery)); err != nil {
			t.Fatalf("the CRUD screen is not shown after a reload: %v", err)
		}
		if v != crudYML {
			t.Errorf("template lost on reload: %q", v)
		}
		if got, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "KmsWriteKey") }); err != nil {
			t.Errorf("policy not regenerated after a reload: %.300q", got)
		}
	})

	t.Run("share-link", func(t *testing.T) {
		var link string
		if err := run(ctx, chromedp.Click(sel("share")), chromedp.WaitVisible(sel("share-link")), chromedp.Value(sel("share-link"), &link, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(link, srv.URL+"/#s=") {
			t.Fatalf("share link %q does not carry the state in the fragment", link)
		}
		// A fresh browser (no localStorage) opens the link.
		ctx2, cancel2 := browser(t)
		defer cancel2()
		if err := run(ctx2, chromedp.Navigate(link)); err != nil {
			t.Fatal(err)
		}
		if err := waitReady(ctx2); err != nil {
			t.Fatal(err)
		}
		var v string
		if err := run(ctx2, chromedp.Value(sel("crud-yaml"), &v, chromedp.ByQuery)); err != nil {
			t.Fatalf("shared link did not open the CRUD screen: %v", err)
		}
		if v != crudYML {
			t.Errorf("shared link did not restore the template: %q", v)
		}
		if got, err := pollText(ctx2, "policy-json", func(s string) bool { return strings.Contains(s, "KmsWriteKey") }); err != nil {
			t.Errorf("shared link did not regenerate the policy: %.300q", got)
		}

		// Opening a link over other work keeps that work restorable.
		mine := "mode: crud\nname: mine\nread:\n- arn:aws:s3:::mine/*\n"
		if err := run(ctx, setValue("crud-yaml", mine), chromedp.Navigate(link)); err != nil {
			t.Fatal(err)
		}
		if err := waitReady(ctx); err != nil {
			t.Fatal(err)
		}
		if err := run(ctx, chromedp.Value(sel("crud-yaml"), &v, chromedp.ByQuery)); err != nil || v != crudYML {
			t.Fatalf("shared link over saved work: %q %v", v, err)
		}
		if err := run(ctx, chromedp.Click(sel("restore-previous"))); err != nil {
			t.Fatalf("no way back to the work the link replaced: %v", err)
		}
		if err := run(ctx, chromedp.Value(sel("crud-yaml"), &v, chromedp.ByQuery)); err != nil || v != mine {
			t.Errorf("previous work not restored: %q %v", v, err)
		}
	})

	for _, u := range requests() {
		if !strings.HasPrefix(u, srv.URL) && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("request left the origin: %s", u)
		}
	}
	if len(requests()) < 5 {
		t.Errorf("only %d requests recorded: the recorder does not work", len(requests()))
	}
}
