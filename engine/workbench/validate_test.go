package workbench_test

import (
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/validate"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// TestValidate: findings of every input with their positions, the
// ignore rules, the three formats, and the options checked.
func TestValidate(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	src := []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::b/*"}]}`)
	res, err := workbench.Validate(db, src, "p.json", workbench.ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Diagnostics) != 1 || res.Diagnostics[0].Code != "INVALID_ACTION" || res.Diagnostics[0].Start.Column != 71 {
		t.Fatalf("diagnostics %v", res.Diagnostics)
	}
	if w, ok := res.Worst(); !ok || w != diag.Error {
		t.Errorf("worst %v %v", w, ok)
	}
	for _, f := range workbench.ValidateFormats {
		out, err := res.Render(f, "test")
		if err != nil || !strings.Contains(string(out), "INVALID_ACTION") {
			t.Errorf("%s: %v\n%s", f, err, out)
		}
	}
	if _, err := res.Render("xml", "test"); err == nil {
		t.Error("unknown format: no error")
	}
	ig, err := validate.ParseIgnore([]byte("ignore:\n  - code: INVALID_ACTION\n    file: '*.json'\n"), "ig.yml")
	if err != nil {
		t.Fatal(err)
	}
	res, _ = workbench.Validate(db, src, "dir/p.json", workbench.ValidateOptions{Ignore: ig})
	if len(res.Diagnostics) != 0 {
		t.Errorf("ignored: %v", res.Diagnostics)
	}
	if _, err := workbench.Validate(db, src, "p.json", workbench.ValidateOptions{Options: validate.Options{ResourceType: "AWS::S3::Bucket"}}); err == nil {
		t.Error("a resource type for an identity policy: no error")
	}
}

// TestAuditChecksFirst: Audit refuses a policy AWS would reject, with its
// findings, and decodes a bare URL-encoded document.
func TestAuditChecksFirst(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	_, err = workbench.Audit(db, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"arn:aws:s3:::b"}]}`), "p.json", workbench.AuditOptions{})
	if err == nil || !strings.Contains(err.Error(), "p.json:1:101: $.Statement[0].NotResource: AWS would reject this policy (UNSUPPORTED_ELEMENT_COMBINATION") {
		t.Errorf("rejected policy: %v", err)
	}
	res, err := workbench.Audit(db, []byte("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3APassRole%22%2C%22Resource%22%3A%22*%22%7D%5D%7D"), "enc.json", workbench.AuditOptions{})
	if err != nil || len(res.Report.Policies) != 1 {
		t.Fatalf("URL-encoded: %v", err)
	}
}
