package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/frontend/api"
)

// TestValidate checks POST /api/v1/validate: the findings as JSON, the
// same as the CLI's, the worst-type header, the options as query
// parameters and their errors.
func TestValidate(t *testing.T) {
	h := newHandler(t)
	body := []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "NotResource": "arn:aws:s3:::c/*"}]}`)
	w := do(h, http.MethodPost, "/api/v1/validate?name=p.json", "application/json", body)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var got []struct {
		FindingType, IssueCode, Path, File string
		Line, Column                       int
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, f := range got {
		codes[f.IssueCode] = true
		if f.File != "p.json" || f.Line != 1 {
			t.Errorf("finding %+v", f)
		}
	}
	if !codes["UNSUPPORTED_PRINCIPAL"] || !codes["UNSUPPORTED_ELEMENT_COMBINATION"] {
		t.Errorf("codes %v", codes)
	}
	if hv := w.Header().Get(api.WorstFindingTypeHeader); hv != "ERROR" {
		t.Errorf("%s = %q", api.WorstFindingTypeHeader, hv)
	}
	// As a resource policy of a bucket, the Principal is expected.
	w = do(h, http.MethodPost, "/api/v1/validate?policy-type=resource&resource-type=AWS::S3::Bucket&fmt=text", "application/json", body)
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), "UNSUPPORTED_PRINCIPAL") || !strings.Contains(w.Body.String(), "UNSUPPORTED_ELEMENT_COMBINATION") {
		t.Errorf("resource policy: %d\n%s", w.Code, w.Body)
	}
	w = do(h, http.MethodPost, "/api/v1/validate?fmt=sarif", "application/json", body)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"version": "2.1.0"`) {
		t.Errorf("sarif: %d", w.Code)
	}
	for _, q := range []string{"policy-type=group", "policy-type=identity&resource-type=AWS::S3::Bucket", "fmt=xml", "color=red"} {
		if w := do(h, http.MethodPost, "/api/v1/validate?"+q, "application/json", body); w.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d", q, w.Code)
		}
	}
	if w := do(h, http.MethodGet, "/api/v1/validate", "", nil); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d", w.Code)
	}
	// Malformed JSON is a finding, not an API error.
	w = do(h, http.MethodPost, "/api/v1/validate", "application/json", []byte(`{"Version": `))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "JSON_SYNTAX_ERROR") {
		t.Errorf("malformed: %d %s", w.Code, w.Body)
	}
}

// TestValidateCustomChecks: the guardrails, must-not-grant and public
// query parameters add MUST_NOT_GRANT and PUBLIC_ACCESS findings.
func TestValidateCustomChecks(t *testing.T) {
	h := newHandler(t)
	body := []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:PutBucketLogging"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}]}`)
	for _, tc := range []struct {
		query string
		want  []string
		not   []string
	}{
		{"policy-type=resource&resource-type=AWS::S3::Bucket&fmt=text", nil, []string{"MUST_NOT_GRANT", "PUBLIC_ACCESS"}},
		{"policy-type=resource&resource-type=AWS::S3::Bucket&fmt=text&public=true", []string{"PUBLIC_ACCESS"}, []string{"MUST_NOT_GRANT"}},
		{"policy-type=resource&fmt=text&guardrails=disable-logging", []string{`MUST_NOT_GRANT: grants s3:PutBucketLogging on arn:aws:s3:::b, which guardrail "disable-logging"`}, []string{"PUBLIC_ACCESS"}},
		{"policy-type=resource&fmt=text&must-not-grant=" + url.QueryEscape(`[{"name": "reads", "actions": ["s3:Get*"]}]`), []string{`guardrail "reads" forbids`}, nil},
	} {
		w := do(h, http.MethodPost, "/api/v1/validate?"+tc.query, "application/json", body)
		if w.Code != http.StatusOK {
			t.Errorf("%s: status %d %s", tc.query, w.Code, w.Body)
			continue
		}
		for _, s := range tc.want {
			if !strings.Contains(w.Body.String(), s) {
				t.Errorf("%s: no %q in\n%s", tc.query, s, w.Body)
			}
		}
		for _, s := range tc.not {
			if strings.Contains(w.Body.String(), s) {
				t.Errorf("%s: %q in\n%s", tc.query, s, w.Body)
			}
		}
	}
	for _, q := range []string{"public=yes", "guardrails=nope", "must-not-grant=" + url.QueryEscape(`[{"name": "x"}]`)} {
		if w := do(h, http.MethodPost, "/api/v1/validate?"+q, "application/json", body); w.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d", q, w.Code)
		}
	}
}

// TestAnalyzeChecksFirst: POST /analyze refuses a policy AWS would reject
// with its findings, and audits a bare URL-encoded document.
func TestAnalyzeChecksFirst(t *testing.T) {
	h := newHandler(t)
	w := do(h, http.MethodPost, "/api/v1/analyze", "application/json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","NotResource":"arn:aws:iam::111122223333:role/x"}]}`))
	var e struct{ Error api.Error }
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || w.Code != http.StatusBadRequest {
		t.Fatalf("status %d %v: %s", w.Code, err, w.Body)
	}
	if e.Error.Code != api.CodeInvalidPolicy || e.Error.Line != 1 || e.Error.Column != 109 || !strings.Contains(e.Error.Message, "UNSUPPORTED_ELEMENT_COMBINATION") {
		t.Errorf("error %+v", e.Error)
	}
	w = do(h, http.MethodPost, "/api/v1/analyze", "application/json", []byte("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3APassRole%22%2C%22Resource%22%3A%22*%22%7D%5D%7D"))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "iam:PassRole") {
		t.Errorf("URL-encoded: %d %s", w.Code, w.Body)
	}
}
