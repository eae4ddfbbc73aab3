package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/frontend/api"
	"github.com/leastpriv/policysentry/engine/internal/golden"
	"github.com/leastpriv/policysentry/engine/simulate"
)

// TestSimulate posts a simulation (an identity policy as text, a
// boundary and an SCP as JSON, three requests, one with a wildcard
// action) and checks the decisions, the deciding statement's position in
// the policy text, and the whole answer against a golden file.
func TestSimulate(t *testing.T) {
	h := newHandler(t)
	rec := do(h, "POST", "/api/v1/simulate", "application/json", readTestdata(t, "simulate.json"))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	var out simulate.Output
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range out.Results {
		got = append(got, r.Action+"="+string(r.Decision))
	}
	want := "s3:GetObject=Allowed iam:CreateUser=ImplicitDeny s3:GetObjectTagging=Allowed s3:GetObjectTorrent=Allowed"
	if strings.Join(got, " ") != want {
		t.Errorf("decisions %s\nwant %s", strings.Join(got, " "), want)
	}
	if out.Allowed != 3 || out.Denied != 1 {
		t.Errorf("allowed %d denied %d", out.Allowed, out.Denied)
	}
	var d simulate.Match
	for _, m := range out.Results[0].Deciding {
		if m.Kind == simulate.KindIdentity {
			d = m
		}
	}
	if d.Policy != "identity[0]" || d.Sid != "ReadDocs" || d.At.Line != 4 || d.At.Column != 5 {
		t.Errorf("deciding statement %+v, want identity[0] ReadDocs at 4:5", d)
	}
	if n := out.Results[1].NearMiss; n == nil || n.Kind != simulate.KindBoundary || strings.Join(n.Differs, ",") != "action" {
		t.Errorf("near miss %+v, want the boundary differing in action", n)
	}
	golden.Check(t, "testdata/simulate.golden.json", rec.Body.Bytes(), "go test ./engine/frontend/api -run TestSimulate -update")
}

// TestSimulateErrors: bad bodies get 400 with the code and, where there
// is one, the line and column.
func TestSimulateErrors(t *testing.T) {
	h := newHandler(t)
	for _, c := range []struct {
		name, ctype, body string
		status            int
		code              string
		line, col         int
		msg               string
	}{
		{"syntax", "application/json", "{\"requests\": [\n  {\"action\": }]}", 400, "bad_request", 2, 15, "invalid character"},
		{"no requests", "application/json", `{"policies": {}}`, 400, "bad_request", 0, 0, "no requests"},
		{"unknown field", "application/json", `{"policy": {}, "requests": [{"action": "s3:GetObject"}]}`, 400, "bad_request", 0, 0, `unknown field "policy"`},
		{"bad policy", "application/json", `{"policies": {"identity": ["{\"Version\": \"2012-10-17\",\n \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"yes\"}}}}"]}, "requests": [{"action": "s3:GetObject"}]}`, 400, "invalid_policy", 2, 15, `identity[0]: $.Statement[0].Condition.Bool.aws:SecureTransport: "yes" is not true or false`},
		{"malformed policy", "application/json", `{"policies": {"boundary": "{\"Statement\": ["}, "requests": [{"action": "s3:GetObject"}]}`, 400, "invalid_policy", 1, 16, "boundary: malformed JSON"},
		{"no match", "application/json", `{"requests": [{"action": "s3:NoSuch*"}]}`, 400, "bad_request", 0, 0, "matches no action"},
		{"yaml", "application/yaml", `requests: []`, 415, "unsupported_media_type", 0, 0, "application/json"},
	} {
		rec := do(h, "POST", "/api/v1/simulate", c.ctype, []byte(c.body))
		var body struct{ Error api.Error }
		json.Unmarshal(rec.Body.Bytes(), &body)
		e := body.Error
		if rec.Code != c.status || e.Code != c.code || e.Line != c.line || e.Column != c.col || !strings.Contains(e.Message, c.msg) {
			t.Errorf("%s: %d %+v\nwant %d %s %d:%d %q", c.name, rec.Code, e, c.status, c.code, c.line, c.col, c.msg)
		}
	}
}
