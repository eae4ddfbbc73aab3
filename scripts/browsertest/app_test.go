package browsertest

import (
	"encoding/json"
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
	defer func() {
		if t.Failed() {
			for _, m := range console() {
				t.Log("console:", m)
			}
		}
	}()
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
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
		if err := chromedp.Run(ctx, chromedp.Click(sel("tab-crud")), setValue("crud-yaml", crudYML)); err != nil {
			t.Fatal(err)
		}
		got, err := pollText(ctx, "policy-json", func(s string) bool { return strings.Contains(s, "KmsWriteKey") })
		if err != nil {
			t.Fatalf("policy not regenerated: %v\n%s", err, got)
		}
		var p policyDoc
		if err := json.Unmarshal([]byte(got), &p); err != nil {
			t.Fatalf("policy-json is not JSON: %v", err)
		}
		sids := map[string]bool{}
		for _, s := range p.Statement {
			sids[s.Sid] = true
		}
		for _, want := range []string{"S3ReadObject", "SsmReadParameter", "S3WriteBucket", "KmsWriteKey", "S3ListBucket", "SsmTaggingParameter", "S3PermissionsmanagementBucket"} {
			if !sids[want] {
				t.Errorf("statement %s missing; got %v", want, sids)
			}
		}
		screenshot(t, ctx, "crud")
	})

	t.Run("crud-warning", func(t *testing.T) {
		bad := "mode: crud\nread:\n- arn:aws:s3:::b/o\n- arn:aws:kms:us-east-1:1:nothing/x\n"
		if err := chromedp.Run(ctx, setValue("crud-yaml", bad)); err != nil {
			t.Fatal(err)
		}
		w, err := pollText(ctx, "policy-warnings", func(s string) bool { return strings.Contains(s, "matches no resource type") })
		if err != nil {
			t.Fatalf("no warning for an unmatched ARN: %q", w)
		}
	})

	t.Run("actions", func(t *testing.T) {
		y := "mode: actions\nactions:\n- kms:CreateCustomKeyStore\n- s3:GetObject\n"
		if err := chromedp.Run(ctx, chromedp.Click(sel("tab-actions")), setValue("actions-yaml", y)); err != nil {
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
		if err := chromedp.Run(ctx, setValue("action-search", "s3:getobjectt")); err != nil {
			t.Fatal(err)
		}
		screenshot(t, ctx, "actions")
	})

	t.Run("audit", func(t *testing.T) {
		admin := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
		if err := chromedp.Run(ctx, chromedp.Click(sel("tab-audit")), setValue("audit-input", admin)); err != nil {
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
		if err := chromedp.Run(ctx, setValue("audit-input", bad)); err != nil {
			t.Fatal(err)
		}
		if got, err := pollText(ctx, "audit-results", func(s string) bool { return strings.Contains(s, "pasted policy:2:") }); err != nil {
			t.Errorf("parse error without line:column: %q", got)
		}
	})

	t.Run("drop-file", func(t *testing.T) {
		f := t.TempDir() + "/policy.json"
		os.WriteFile(f, []byte(`{"Version":"2012-10-17","Statement":{"Sid":"Secrets","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}}`), 0o644)
		if err := chromedp.Run(ctx, chromedp.SetUploadFiles(sel("audit-files"), []string{f}, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if got, err := pollText(ctx, "audit-results", func(s string) bool { return strings.Contains(s, "policy.json") && strings.Contains(s, "Credentials exposure") }); err != nil {
			t.Errorf("picked file not audited: %q", got)
		}
	})

	t.Run("browse", func(t *testing.T) {
		if err := chromedp.Run(ctx, chromedp.Click(sel("tab-browse")), setValue("browse-service-search", "kms"),
			chromedp.Click(`a[href="#service=kms"]`, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if got, err := pollText(ctx, "browse-actions", func(s string) bool { return strings.Contains(s, "kms:CreateGrant") || strings.Contains(s, "CreateGrant") }); err != nil {
			t.Errorf("kms actions not listed: %.300q", got)
		}
		screenshot(t, ctx, "browse")
	})

	t.Run("reload-keeps-state", func(t *testing.T) {
		if err := chromedp.Run(ctx, chromedp.Click(sel("tab-crud")), setValue("crud-yaml", crudYML), chromedp.Reload()); err != nil {
			t.Fatal(err)
		}
		if err := waitReady(ctx); err != nil {
			t.Fatal(err)
		}
		var v string
		chromedp.Run(ctx, chromedp.Value(sel("crud-yaml"), &v, chromedp.ByQuery))
		if v != crudYML {
			t.Errorf("template lost on reload: %q", v)
		}
	})

	t.Run("share-link", func(t *testing.T) {
		var link string
		if err := chromedp.Run(ctx, chromedp.Evaluate(`localStorage.getItem("policy-sentry-state")`, &link)); err != nil || !strings.HasPrefix(link, "s=") {
			t.Fatalf("no saved state to share: %q %v", link, err)
		}
		ctx2, cancel2 := browser(t)
		defer cancel2()
		if err := chromedp.Run(ctx2, chromedp.Navigate(srv.URL+"/#"+link)); err != nil {
			t.Fatal(err)
		}
		if err := waitReady(ctx2); err != nil {
			t.Fatal(err)
		}
		if got, err := pollText(ctx2, "policy-json", func(s string) bool { return strings.Contains(s, "KmsWriteKey") }); err != nil {
			t.Errorf("shared link did not restore the template: %.300q", got)
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
