package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/diff"
)

// TestDiffEndpoint posts OLD and NEW (as objects and as a JSON string)
// and checks the review, the new-access header, the formats, and the
// errors for bad bodies.
func TestDiffEndpoint(t *testing.T) {
	h := newHandler(t)
	body := `{"old": {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/logs/*"}]},
	  "new": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"iam:PassRole\"],\"Resource\":\"*\"}]}",
	  "guardrails": ["iam-write"],
	  "mustNotGrant": [{"actions": ["s3:Get*"], "resources": ["arn:aws:s3:::b/*"]}]}`
	w := do(h, "POST", "/api/v1/diff", "application/json", []byte(body))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body.String())
	}
	if got := w.Header().Get("X-Policy-Sentry-New-Access"); got != "true" {
		t.Errorf("new-access header %q", got)
	}
	var rev diff.Review
	if err := json.Unmarshal(w.Body.Bytes(), &rev); err != nil {
		t.Fatal(err)
	}
	p := rev.Pairs[0]
	if len(p.Result.New) != 2 || len(p.Guardrails) != 2 {
		t.Errorf("new %d, guardrail hits %d: %s", len(p.Result.New), len(p.Guardrails), w.Body.String())
	}
	for _, f := range []string{"text", "sarif"} {
		w := do(h, "POST", "/api/v1/diff?fmt="+f, "application/json", []byte(body))
		if w.Code != http.StatusOK || (f == "sarif" && !strings.Contains(w.Body.String(), `"version": "2.1.0"`)) ||
			(f == "text" && !strings.Contains(w.Body.String(), "NEW_ACTION")) {
			t.Errorf("fmt=%s: %d %s", f, w.Code, w.Body.String())
		}
	}
	same := `{"old": {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}},
	  "new": {"Version":"2012-10-17","Statement":[{"Sid":"Renamed","Effect":"Allow","Action":["S3:getobject"],"Resource":["*"]}]}}`
	if w := do(h, "POST", "/api/v1/diff", "application/json", []byte(same)); w.Code != 200 || w.Header().Get("X-Policy-Sentry-New-Access") != "false" {
		t.Errorf("no change: %d %s %s", w.Code, w.Header().Get("X-Policy-Sentry-New-Access"), w.Body.String())
	}
	bad := []struct {
		body   string
		status int
		want   string
	}{
		{`{"old": {}}`, 400, "both"},
		{`{"old": {}, "new": {}, "typo": 1}`, 400, "typo"},
		{`{"old": {"Version":"2012-10-17","Statement":[]}, "new": {"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}}`, 400, "new"},
		{`{"old": {"Statement":[]}, "new": {"Statement":[]}, "guardrails": ["nope"]}`, 400, "nope"},
		{`{"old": {"Statement":[]}, "new": {"Statement":[]}, "resourceType": "AWS::Nope"}`, 400, "AWS::Nope"},
	}
	for _, b := range bad {
		w := do(h, "POST", "/api/v1/diff", "application/json", []byte(b.body))
		if w.Code != b.status || !strings.Contains(w.Body.String(), b.want) {
			t.Errorf("%s: %d %s", b.body, w.Code, w.Body.String())
		}
	}
	if w := do(h, "POST", "/api/v1/diff", "application/yaml", []byte(body)); w.Code != http.StatusUnsupportedMediaType {
		t.Errorf("yaml body: %d", w.Code)
	}
}
