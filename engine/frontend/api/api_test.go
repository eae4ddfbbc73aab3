package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/frontend/api"
	"github.com/leastpriv/policysentry/engine/frontend/cli"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

func testDB(t testing.TB) *iamdb.DB {
	t.Helper()
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func newHandler(t testing.TB) *api.Handler {
	return api.New(api.Options{DB: api.Static(testDB(t))})
}

// runCLI runs the CLI in-process on the same dataset and returns stdout.
func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	app := &cli.App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Preloaded: testDB(t)}
	if code := app.Run(args); code != 0 {
		t.Fatalf("policy-sentry %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return out.String()
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// do sends one request to h and returns the recorded response.
func do(h http.Handler, method, target, ctype string, body []byte) *httptest.ResponseRecorder {
	var r *http.Request
	if body != nil {
		r = httptest.NewRequest(method, target, bytes.NewReader(body))
	} else {
		r = httptest.NewRequest(method, target, nil)
	}
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

type errorBody struct {
	Error wireError `json:"error"`
}

// wireError and detail are the API's error object as documented: the
// decoder rejects any other field.
type wireError struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Line    int      `json:"line"`
	Column  int      `json:"column"`
	Details []detail `json:"details"`
}

type detail struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

func decodeError(t *testing.T, w *httptest.ResponseRecorder) wireError {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error Content-Type %q, want application/json", ct)
	}
	var eb errorBody
	dec := json.NewDecoder(w.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&eb); err != nil {
		t.Fatalf("error body is not {\"error\": {...}}: %v", err)
	}
	if eb.Error.Code == "" || eb.Error.Message == "" {
		t.Fatalf("error without code or message: %+v", eb.Error)
	}
	return eb.Error
}

// TestPolicyMatchesCLI checks POST /policy answers byte for byte what
// `policy-sentry write-policy` prints, for each format and minimize.
func TestPolicyMatchesCLI(t *testing.T) {
	h := newHandler(t)
	cases := []struct {
		file, ctype, query string
		cliArgs            []string
		wantCT             string
	}{
		{"crud.yml", "application/yaml", "", nil, "application/json"},
		{"crud.yml", "text/yaml; charset=utf-8", "?fmt=yaml", []string{"--fmt", "yaml"}, "application/yaml"},
		{"crud.yml", "application/x-yaml", "?fmt=terraform", []string{"--fmt", "terraform"}, "application/json"},
		{"crud.yml", "application/yaml", "?minimize", []string{"--minimize"}, "application/json"},
		{"crud.yml", "application/yaml", "?minimize=5&fmt=json", []string{"--minimize", "5"}, "application/json"},
		{"actions.json", "application/json", "", nil, "application/json"},
		{"actions.json", "application/json", "?fmt=yaml&minimize=0", []string{"--fmt", "yaml", "--minimize", "0"}, "application/yaml"},
		{"crud.yml", "application/yaml", "?fmt=terraform-hcl", []string{"--fmt", "terraform-hcl"}, "text/plain"},
		{"crud.yml", "application/yaml", "?fmt=cloudformation", []string{"--fmt", "cloudformation"}, "application/yaml"},
		{"crud.yml", "application/yaml", "?fmt=cloudformation-json", []string{"--fmt", "cloudformation-json"}, "application/json"},
		{"crud.yml", "application/yaml", "?fmt=cdk", []string{"--fmt", "cdk"}, "text/typescript"},
		{"crud.yml", "application/yaml", "?split=user-inline", []string{"--split", "user-inline"}, "application/json"},
		{"crud.yml", "application/yaml", "?split=1200&fmt=terraform-hcl", []string{"--split", "1200", "--fmt", "terraform-hcl"}, "text/plain"},
	}
	for _, c := range cases {
		t.Run(c.file+c.query, func(t *testing.T) {
			w := do(h, "POST", "/api/v1/policy"+c.query, c.ctype, readTestdata(t, c.file))
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, c.wantCT) {
				t.Errorf("Content-Type %q, want %s", ct, c.wantCT)
			}
			args := append([]string{"write-policy", "--input-file", filepath.Join("testdata", c.file)}, c.cliArgs...)
			if want := runCLI(t, args...); w.Body.String() != want {
				t.Errorf("API answer differs from the CLI's\n--- API\n%s\n--- CLI\n%s", w.Body, want)
			}
		})
	}
}

// TestPolicyWarnings checks the warnings header: positions and messages.
func TestPolicyWarnings(t *testing.T) {
	h := newHandler(t)
	w := do(h, "POST", "/api/v1/policy", "application/yaml", readTestdata(t, "unmatched-arn.yml"))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var warns []detail
	if err := json.Unmarshal([]byte(w.Header().Get(api.WarningsHeader)), &warns); err != nil {
		t.Fatalf("%s: %v", api.WarningsHeader, err)
	}
	if len(warns) != 1 || warns[0].Line != 4 || warns[0].Column != 3 || !strings.Contains(warns[0].Message, `unknown service "nosuchservice"`) {
		t.Errorf("warnings %+v, want one at 4:3 about nosuchservice", warns)
	}

	// Non-ASCII text is escaped in the header and decodes back.
	w = do(h, "POST", "/api/v1/policy", "application/yaml", []byte("mode: crud\nread:\n- arn:aws:café😀:us-east-1:123456789012:x/y\n"))
	hv := w.Header().Get(api.WarningsHeader)
	for _, r := range hv {
		if r > 0x7e || r < 0x20 {
			t.Fatalf("the warnings header has a non-printable-ASCII character %q: %s", r, hv)
		}
	}
	warns = nil
	if err := json.Unmarshal([]byte(hv), &warns); err != nil || len(warns) != 1 || !strings.Contains(warns[0].Message, "café😀") {
		t.Errorf("non-ASCII warning: %v, %+v", err, warns)
	}

	w = do(h, "POST", "/api/v1/policy", "application/json", readTestdata(t, "actions.json"))
	if v := w.Header().Get(api.WarningsHeader); v != "" {
		t.Errorf("a template without warnings got %s: %s", api.WarningsHeader, v)
	}
	w = do(h, "POST", "/api/v1/policy", "application/yaml", readTestdata(t, "crud.yml"))
	if v := w.Header().Get(api.WarningsHeader); !strings.Contains(v, "over the AWS limit for user inline policy") {
		t.Errorf("the size warning is missing: %q", v)
	}
}

// TestAnalyze checks POST /analyze answers what `policy-sentry analyze`
// prints for one policy, an array and an authorization-details dump.
func TestAnalyze(t *testing.T) {
	h := newHandler(t)
	cases := []struct {
		file, query, name string
		cliArgs           []string
		wantCT            string
		worst             string
	}{
		{"policy.json", "", "policy.json", nil, "application/json", "critical"},
		{"policy.json", "?fmt=yaml", "policy.json", []string{"--fmt", "yaml"}, "application/yaml", "critical"},
		{"policy.json", "?fmt=text", "policy.json", []string{"--fmt", "text"}, "text/plain", "critical"},
		{"policy.json", "?access-level=read", "policy.json", []string{"--from-access-level", "read"}, "application/json", "critical"},
		{"policies.json", "?access-level=permissions-management&fmt=text", "policies.json", []string{"--from-access-level", "permissions-management", "--fmt", "text"}, "text/plain", ""},
		{"policies.json", "", "policies.json", nil, "application/json", ""},
		{"authdetails.json", "", "authdetails.json", nil, "application/json", ""},
		{"authdetails.json", "?fmt=csv", "authdetails.json", []string{"--fmt", "csv"}, "text/csv", ""},
		{"policy.json", "?fmt=csv", "policy.json", []string{"--fmt", "csv"}, "text/csv", "critical"},
	}
	for _, c := range cases {
		t.Run(c.file+c.query, func(t *testing.T) {
			q := c.query
			if q == "" {
				q = "?"
			} else {
				q += "&"
			}
			// name= makes the report name what the CLI gives the file.
			q += "name=" + filepath.Join("testdata", c.name)
			w := do(h, "POST", "/api/v1/analyze"+q, "application/json", readTestdata(t, c.file))
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, c.wantCT) {
				t.Errorf("Content-Type %q, want %s", ct, c.wantCT)
			}
			args := append([]string{"analyze", "--policy", filepath.Join("testdata", c.file), "--fmt", "json"}, c.cliArgs...)
			if want := runCLI(t, args...); w.Body.String() != want {
				t.Errorf("API answer differs from the CLI's\n--- API\n%s\n--- CLI\n%s", w.Body, want)
			}
			if c.worst != "" && w.Header().Get(api.WorstSeverityHeader) != c.worst {
				t.Errorf("%s = %q, want %q", api.WorstSeverityHeader, w.Header().Get(api.WorstSeverityHeader), c.worst)
			}
		})
	}
	// An authorization-details dump is several policies.
	w := do(h, "POST", "/api/v1/analyze", "application/json", readTestdata(t, "authdetails.json"))
	var rep struct {
		Policies []struct {
			Name     string            `json:"name"`
			Findings []json.RawMessage `json:"findings"`
		} `json:"policies"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Policies) != 2 || !strings.Contains(rep.Policies[0].Name, "alice") || !strings.Contains(rep.Policies[1].Name, "builder") {
		t.Errorf("authorization-details report: %+v", rep.Policies)
	}
}

// TestQuery checks the query endpoints answer what the CLI prints with
// --fmt yaml (after the CLI's header line), and valid JSON by default.
func TestQuery(t *testing.T) {
	h := newHandler(t)
	cases := []struct {
		target  string
		cliArgs []string
		want    string // a substring of the JSON answer
	}{
		{"/api/v1/query/actions?service=s3&access-level=permissions-management", []string{"query", "action-table", "--service", "s3", "--access-level", "permissions-management"}, `"s3:PutBucketPolicy"`},
		{"/api/v1/query/actions?service=kms&name=CreateGrant", []string{"query", "action-table", "--service", "kms", "--name", "CreateGrant"}, `"kms:CreateGrant"`},
		{"/api/v1/query/actions?service=ssm&condition=aws:ResourceTag/${TagKey}", []string{"query", "action-table", "--service", "ssm", "--condition", "aws:ResourceTag/${TagKey}"}, `"ssm:`},
		{"/api/v1/query/actions?service=s3&resource-type=object&access-level=read", []string{"query", "action-table", "--service", "s3", "--resource-type", "object", "--access-level", "read"}, `"s3:GetObject"`},
		{"/api/v1/query/arns?service=s3", []string{"query", "arn-table", "--service", "s3"}, `arn:${Partition}:s3:::${BucketName}`},
		{"/api/v1/query/arns?service=s3&list-arn-types", []string{"query", "arn-table", "--service", "s3", "--list-arn-types"}, `"bucket"`},
		{"/api/v1/query/arns?service=s3&name=bucket", []string{"query", "arn-table", "--service", "s3", "--name", "bucket"}, `"bucket"`},
		{"/api/v1/query/conditions?service=s3", []string{"query", "condition-table", "--service", "s3"}, `"s3:x-amz-acl"`},
		{"/api/v1/query/conditions?service=s3&name=s3:x-amz-acl", []string{"query", "condition-table", "--service", "s3", "--name", "s3:x-amz-acl"}, `"s3:x-amz-acl"`},
		{"/api/v1/query/services", []string{"query", "service-table"}, `"s3"`},
	}
	for _, c := range cases {
		t.Run(c.target, func(t *testing.T) {
			w := do(h, "GET", c.target, "", nil)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if !json.Valid(w.Body.Bytes()) {
				t.Fatalf("not JSON: %s", w.Body)
			}
			if !strings.Contains(w.Body.String(), c.want) {
				t.Errorf("answer lacks %s: %.300s", c.want, w.Body)
			}
			sep := "?"
			if strings.Contains(c.target, "?") {
				sep = "&"
			}
			wy := do(h, "GET", c.target+sep+"fmt=yaml", "", nil)
			if wy.Code != http.StatusOK || !strings.HasPrefix(wy.Header().Get("Content-Type"), "application/yaml") {
				t.Fatalf("fmt=yaml: status %d, Content-Type %q", wy.Code, wy.Header().Get("Content-Type"))
			}
			cliOut := runCLI(t, append(c.cliArgs, "--fmt", "yaml")...)
			if !strings.HasSuffix(cliOut, wy.Body.String()) {
				t.Errorf("fmt=yaml answer is not the CLI's output\n--- API\n%.400s\n--- CLI\n%.400s", wy.Body, cliOut)
			}
		})
	}
	w := do(h, "GET", "/api/v1/query/services?fmt=csv", "", nil)
	if want := runCLI(t, "query", "service-table", "--fmt", "csv"); w.Code != 200 || w.Body.String() != want {
		t.Errorf("fmt=csv: status %d, answer differs from the CLI's", w.Code)
	}
}

// TestDataset checks GET /dataset answers `policy-sentry dataset info`.
func TestDataset(t *testing.T) {
	h := newHandler(t)
	for _, m := range []string{"GET", "HEAD"} {
		w := do(h, m, "/api/v1/dataset", "", nil)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: status %d", m, w.Code)
		}
		if m == "GET" {
			if want := runCLI(t, "dataset", "info"); w.Body.String() != want {
				t.Errorf("answer differs from dataset info\n--- API\n%s\n--- CLI\n%s", w.Body, want)
			}
		}
	}
}

// TestErrors covers every error status with its code and, for bad input,
// the position in the body.
func TestErrors(t *testing.T) {
	h := newHandler(t)
	small := api.New(api.Options{DB: api.Static(testDB(t)), MaxBodyBytes: 64})
	broken := api.New(api.Options{DB: func(context.Context) (*iamdb.DB, error) { return nil, errors.New("no dataset here") }})
	big := bytes.Repeat([]byte("# padding\n"), 100)
	cases := []struct {
		name      string
		h         http.Handler
		method    string
		target    string
		ctype     string
		file      string // testdata file as the body
		body      []byte
		status    int
		code      string
		line, col int
		msg       string // substring of the message
		allow     string
	}{
		{name: "yaml syntax", method: "POST", target: "/api/v1/policy", ctype: "application/yaml", file: "bad-syntax.yml",
			status: 400, code: api.CodeInvalidTemplate, line: 4, col: 2, msg: "invalid YAML"}, // " write:" indented wrongly (yaml.v3 says line 3)
		{name: "unknown action", method: "POST", target: "/api/v1/policy", ctype: "application/yaml", file: "bad-action.yml",
			status: 400, code: api.CodeInvalidTemplate, line: 4, col: 3, msg: `unknown action "s3:GetObjectt"; did you mean s3:GetObject`},
		{name: "malformed JSON template", method: "POST", target: "/api/v1/policy", ctype: "application/json", file: "bad-template.json",
			status: 400, code: api.CodeInvalidTemplate, line: 5, col: 3, msg: "malformed JSON"},
		{name: "bad fmt", method: "POST", target: "/api/v1/policy?fmt=xml", ctype: "application/yaml", file: "crud.yml",
			status: 400, code: api.CodeInvalidParameter, msg: `fmt="xml": expected one of json, yaml, terraform, terraform-hcl, cloudformation, cloudformation-json, cdk`},
		{name: "bad split", method: "POST", target: "/api/v1/policy?split=huge", ctype: "application/yaml", file: "crud.yml",
			status: 400, code: api.CodeInvalidParameter, msg: `split="huge": unknown split quota "huge": use user-inline (2048)`},
		{name: "split impossible", method: "POST", target: "/api/v1/policy?split=200", ctype: "application/yaml", body: []byte("mode: crud\nread:\n- arn:aws:s3:::" + strings.Repeat("b", 250) + "/*\n"),
			status: 400, code: api.CodeInvalidTemplate, msg: "cannot split the policy: statement 1"},
		{name: "negative minimize", method: "POST", target: "/api/v1/policy?minimize=-1", ctype: "application/yaml", file: "crud.yml",
			status: 400, code: api.CodeInvalidParameter, msg: "minimize"},
		{name: "unknown parameter", method: "POST", target: "/api/v1/policy?minimise=3", ctype: "application/yaml", file: "crud.yml",
			status: 400, code: api.CodeInvalidParameter, msg: `unknown query parameter "minimise"`},
		{name: "repeated parameter", method: "GET", target: "/api/v1/query/arns?service=s3&service=ec2",
			status: 400, code: api.CodeInvalidParameter, msg: "given 2 times"},
		{name: "empty body", method: "POST", target: "/api/v1/policy", ctype: "application/yaml", body: []byte("  \n"),
			status: 400, code: api.CodeBadRequest, msg: "empty"},
		{name: "policy shape", method: "POST", target: "/api/v1/analyze", ctype: "application/json", file: "bad-policy.json",
			status: 400, code: api.CodeInvalidPolicy, line: 6, col: 17, msg: "$.Statement[0].Action: expected a string or an array of strings"},
		{name: "malformed policy", method: "POST", target: "/api/v1/analyze", ctype: "application/json", file: "malformed-policy.json",
			status: 400, code: api.CodeInvalidPolicy, line: 4, col: 24, msg: "malformed JSON"},
		{name: "bad access level", method: "POST", target: "/api/v1/analyze?access-level=admin", ctype: "application/json", file: "policy.json",
			status: 400, code: api.CodeInvalidParameter, msg: "access-level"},
		{name: "query without service", method: "GET", target: "/api/v1/query/actions?access-level=read",
			status: 400, code: api.CodeInvalidParameter, msg: "service parameter is required"},
		{name: "query bad access level", method: "GET", target: "/api/v1/query/actions?service=s3&access-level=admin",
			status: 400, code: api.CodeInvalidParameter},
		{name: "query bad boolean", method: "GET", target: "/api/v1/query/arns?service=s3&list-arn-types=maybe",
			status: 400, code: api.CodeInvalidParameter, msg: "list-arn-types"},
		{name: "dataset takes no parameters", method: "GET", target: "/api/v1/dataset?x=1",
			status: 400, code: api.CodeInvalidParameter, msg: `unknown query parameter "x"`},
		{name: "too large (Content-Length)", h: small, method: "POST", target: "/api/v1/policy", ctype: "application/yaml", body: big,
			status: 413, code: api.CodeTooLarge, msg: "64-byte limit"},
		{name: "too large (analyze)", h: small, method: "POST", target: "/api/v1/analyze", ctype: "application/json", file: "authdetails.json",
			status: 413, code: api.CodeTooLarge},
		{name: "no Content-Type", method: "POST", target: "/api/v1/policy", file: "crud.yml",
			status: 415, code: api.CodeUnsupportedType, msg: "application/yaml or application/json"},
		{name: "form Content-Type", method: "POST", target: "/api/v1/policy", ctype: "application/x-www-form-urlencoded", file: "crud.yml",
			status: 415, code: api.CodeUnsupportedType},
		{name: "YAML policy", method: "POST", target: "/api/v1/analyze", ctype: "application/yaml", file: "policy.json",
			status: 415, code: api.CodeUnsupportedType, msg: "application/json"},
		{name: "unknown endpoint", method: "GET", target: "/api/v1/nothing",
			status: 404, code: api.CodeNotFound},
		{name: "unknown version", method: "GET", target: "/api/v2/dataset",
			status: 404, code: api.CodeNotFound},
		{name: "unknown service", method: "GET", target: "/api/v1/query/arns?service=s3x",
			status: 404, code: api.CodeUnknownName, msg: `unknown service "s3x"; did you mean s3`},
		{name: "unknown action name", method: "GET", target: "/api/v1/query/actions?service=s3&name=GetObjectt",
			status: 404, code: api.CodeUnknownName, msg: "GetObject"},
		{name: "GET policy", method: "GET", target: "/api/v1/policy",
			status: 405, code: api.CodeMethodNotAllowed, allow: "POST"},
		{name: "POST query", method: "POST", target: "/api/v1/query/services", ctype: "application/json", body: []byte("{}"),
			status: 405, code: api.CodeMethodNotAllowed, allow: "GET, HEAD"},
		{name: "DELETE dataset", method: "DELETE", target: "/api/v1/dataset",
			status: 405, code: api.CodeMethodNotAllowed, allow: "GET, HEAD"},
		{name: "OPTIONS without CORS", method: "OPTIONS", target: "/api/v1/policy",
			status: 405, code: api.CodeMethodNotAllowed, allow: "POST"},
		{name: "dataset unavailable", h: broken, method: "GET", target: "/api/v1/dataset",
			status: 503, code: api.CodeDataset, msg: "no dataset here"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hh := c.h
			if hh == nil {
				hh = h
			}
			body := c.body
			if c.file != "" {
				body = readTestdata(t, c.file)
			}
			w := do(hh, c.method, c.target, c.ctype, body)
			if w.Code != c.status {
				t.Fatalf("status %d, want %d: %s", w.Code, c.status, w.Body)
			}
			e := decodeError(t, w)
			if e.Code != c.code {
				t.Errorf("code %q, want %q (%s)", e.Code, c.code, e.Message)
			}
			if e.Line != c.line || e.Column != c.col {
				t.Errorf("position %d:%d, want %d:%d (%s)", e.Line, e.Column, c.line, c.col, e.Message)
			}
			if !strings.Contains(e.Message, c.msg) {
				t.Errorf("message %q lacks %q", e.Message, c.msg)
			}
			if c.allow != "" && w.Header().Get("Allow") != c.allow {
				t.Errorf("Allow %q, want %q", w.Header().Get("Allow"), c.allow)
			}
		})
	}
}

// TestTooLargeChunked checks the cap holds without a Content-Length.
func TestTooLargeChunked(t *testing.T) {
	h := api.New(api.Options{DB: api.Static(testDB(t)), MaxBodyBytes: 100})
	r := httptest.NewRequest("POST", "/api/v1/policy", strings.NewReader(strings.Repeat("x", 1000)))
	r.ContentLength = -1
	r.Header.Set("Content-Type", "application/yaml")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", w.Code)
	}
	if e := decodeError(t, w); e.Code != api.CodeTooLarge {
		t.Errorf("code %q", e.Code)
	}
}

// TestMultipleTemplateErrors checks every problem is listed in details.
func TestMultipleTemplateErrors(t *testing.T) {
	h := newHandler(t)
	body := []byte("mode: actions\nactions:\n- s3:GetObjectt\n- kms:CreateGrantt\n")
	w := do(h, "POST", "/api/v1/policy", "application/yaml", body)
	e := decodeError(t, w)
	if w.Code != 400 || len(e.Details) != 2 || e.Details[0].Line != 3 || e.Details[1].Line != 4 || e.Line != 3 || e.Column != 3 {
		t.Errorf("status %d, error %+v: want two details at lines 3 and 4", w.Code, e)
	}
}

// TestCORS checks CORS is off by default and answers only allowed origins.
func TestCORS(t *testing.T) {
	off := newHandler(t)
	on := api.New(api.Options{DB: api.Static(testDB(t)), CORSOrigins: []string{"https://app.example.com"}})
	any := api.New(api.Options{DB: api.Static(testDB(t)), CORSOrigins: []string{"*"}})
	get := func(h http.Handler, method, origin string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/api/v1/dataset", nil)
		r.Header.Set("Origin", origin)
		if method == "OPTIONS" {
			r.Header.Set("Access-Control-Request-Method", "GET")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	if w := get(off, "GET", "https://app.example.com"); w.Header().Get("Access-Control-Allow-Origin") != "" || w.Code != 200 {
		t.Errorf("CORS off: status %d, Access-Control-Allow-Origin %q", w.Code, w.Header().Get("Access-Control-Allow-Origin"))
	}
	if w := get(on, "GET", "https://app.example.com"); w.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Errorf("allowed origin: Access-Control-Allow-Origin %q", w.Header().Get("Access-Control-Allow-Origin"))
	}
	if w := get(on, "GET", "https://evil.example.net"); w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin got Access-Control-Allow-Origin %q", w.Header().Get("Access-Control-Allow-Origin"))
	}
	w := get(on, "OPTIONS", "https://app.example.com")
	if w.Code != http.StatusNoContent || !strings.Contains(w.Header().Get("Access-Control-Allow-Methods"), "GET") {
		t.Errorf("preflight: status %d, methods %q", w.Code, w.Header().Get("Access-Control-Allow-Methods"))
	}
	if w := get(any, "GET", "https://x.example"); w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("*: Access-Control-Allow-Origin %q", w.Header().Get("Access-Control-Allow-Origin"))
	}
}

// TestLogNeverHasBodies checks the request log names the request but
// never the body nor the query string.
func TestLogNeverHasBodies(t *testing.T) {
	var buf bytes.Buffer
	h := api.New(api.Options{DB: api.Static(testDB(t)), Log: log.New(&buf, "", 0)})
	secret := "arn:aws:s3:::top-secret-bucket-name"
	do(h, "POST", "/api/v1/policy?fmt=yaml", "application/yaml", []byte("mode: crud\nread:\n- "+secret+"\n"))
	do(h, "POST", "/api/v1/policy", "application/yaml", []byte("mode: crud\nread: [\n- "+secret+"\n"))
	logs := buf.String()
	if strings.Contains(logs, "top-secret") || strings.Contains(logs, "fmt=yaml") {
		t.Errorf("the log has request content:\n%s", logs)
	}
	if !strings.Contains(logs, "POST /api/v1/policy 200") || !strings.Contains(logs, "POST /api/v1/policy 400") {
		t.Errorf("the log lacks the requests:\n%s", logs)
	}
}

// TestManyWarningsAreBounded checks a template with thousands of warnings
// gets a bounded header whose last entry counts the rest.
func TestManyWarningsAreBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("mode: crud\nread:\n")
	const n = 3000
	for i := range n {
		fmt.Fprintf(&b, "- arn:aws:nosuchservice:us-east-1:123456789012:thing/%d\n", i)
	}
	w := do(newHandler(t), "POST", "/api/v1/policy", "application/yaml", []byte(b.String()))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	h := w.Header().Get(api.WarningsHeader)
	var warns []detail
	if err := json.Unmarshal([]byte(h), &warns); err != nil {
		t.Fatalf("%s: %v", api.WarningsHeader, err)
	}
	if len(h) > 16<<10 || len(warns) < 2 || len(warns) >= n {
		t.Fatalf("header of %d bytes with %d warnings", len(h), len(warns))
	}
	last := warns[len(warns)-1]
	if want := fmt.Sprintf("and %d more warnings", n-(len(warns)-1)); !strings.HasPrefix(last.Message, want) {
		t.Errorf("last warning %q, want %q", last.Message, want)
	}
	if warns[0].Line != 3 || warns[1].Line != 4 {
		t.Errorf("first warnings at lines %d, %d; want 3, 4", warns[0].Line, warns[1].Line)
	}
}

// TestPolicyConditions checks that POST /policy writes a template with
// condition blocks as the CLI does (each format), sends the condition
// warnings with their positions, and answers a condition error with 400
// and its line and column.
func TestPolicyConditions(t *testing.T) {
	h := newHandler(t)
	for _, f := range []string{"json", "yaml", "terraform"} {
		w := do(h, "POST", "/api/v1/policy?fmt="+f, "application/yaml", readTestdata(t, "conditions.yml"))
		if w.Code != http.StatusOK {
			t.Fatalf("%s: status %d: %s", f, w.Code, w.Body)
		}
		want := runCLI(t, "write-policy", "--input-file", filepath.Join("testdata", "conditions.yml"), "--fmt", f)
		if w.Body.String() != want {
			t.Errorf("%s: API answer differs from the CLI's\n--- API\n%s\n--- CLI\n%s", f, w.Body, want)
		}
		if !strings.Contains(w.Body.String(), "aws:ResourceTag/team") || !strings.Contains(w.Body.String(), "iam:PassedToService") {
			t.Errorf("%s: conditions missing:\n%s", f, w.Body)
		}
	}
	w := do(h, "POST", "/api/v1/policy", "application/yaml", readTestdata(t, "conditions.yml"))
	var warns []detail
	if err := json.Unmarshal([]byte(w.Header().Get(api.WarningsHeader)), &warns); err != nil {
		t.Fatalf("%s: %v", api.WarningsHeader, err)
	}
	found := false
	for _, d := range warns {
		if d.Line == 14 && d.Column == 5 && strings.Contains(d.Message, "aws:SoureIp") && strings.Contains(d.Message, "aws:SourceIp") {
			found = true
		}
	}
	if !found {
		t.Errorf("no warning at 14:5 about aws:SoureIp: %+v", warns)
	}

	w = do(h, "POST", "/api/v1/policy", "application/yaml", readTestdata(t, "conditions-error.yml"))
	if w.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400: %s", w.Code, w.Body)
	}
	e := decodeError(t, w)
	if e.Line != 5 || e.Column != 22 || !strings.Contains(e.Message, "not a Region name") {
		t.Errorf("error %+v, want 5:22 about the Region", e)
	}
}

// TestPolicySplitHeader checks that POST /policy?split= says what the
// split did in its header, as the CLI says it on stderr.
func TestPolicySplitHeader(t *testing.T) {
	h := newHandler(t)
	w := do(h, "POST", "/api/v1/policy?split=user-inline", "application/yaml", readTestdata(t, "crud.yml"))
	var summary string
	if err := json.Unmarshal([]byte(w.Header().Get(api.SplitHeader)), &summary); err != nil || w.Code != http.StatusOK {
		t.Fatalf("status %d, header %q: %v", w.Code, w.Header().Get(api.SplitHeader), err)
	}
	if !strings.HasPrefix(summary, "split into 2 policies that each fit the user inline policy quota (2048 characters)") {
		t.Errorf("summary %q", summary)
	}
	if w := do(h, "POST", "/api/v1/policy", "application/yaml", readTestdata(t, "crud.yml")); w.Header().Get(api.SplitHeader) != "" {
		t.Errorf("split header without split=")
	}
}
