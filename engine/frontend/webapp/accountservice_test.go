package webapp

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/audit"
)

// TestAccountWire round-trips requests and responses through their JSON
// and checks that malformed messages are refused.
func TestAccountWire(t *testing.T) {
	p := audit.Progress{Read: 10, Size: 20, Principals: 3, Done: 1}
	page := AccountPage{Rows: []AccountRow{{Principal: "user/a", Name: "a", Type: "user", Worst: audit.SeverityHigh, Counts: []int{1, 0}, Total: 1, Paths: []string{"ec2-001"}}}, Matching: 7, Offset: 5}
	for _, r := range []AccountRequest{
		{ID: 1, Op: OpLoad, SHA256: "ab12"},
		{ID: 2, Gen: 3, Op: OpAudit, File: "acme/account.json", List: "x: y", Query: AccountQuery{Limit: 50}},
		{ID: 3, Gen: 3, Op: OpPage, Query: AccountQuery{Filter: "role/", Type: "role", MinSeverity: audit.SeverityHigh, Sort: "paths", Desc: true, Offset: 50, Limit: 50}},
		{ID: 4, Gen: 3, Op: OpFindings, Principal: "user/alice"},
		{ID: 5, Gen: 3, Op: OpExport, Format: "sarif"},
	} {
		got, err := DecodeAccountRequest(EncodeAccountRequest(r))
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Errorf("request %+v came back as %+v (%v)", r, got, err)
		}
	}
	for _, r := range []AccountResponse{
		{ID: 2, Gen: 3, Progress: &p},
		{ID: 2, Gen: 3, Info: &AccountInfo{File: "f.json", Summary: "3 principals", Principals: 3, Categories: []string{"trust"}, CategoryTitles: []string{"Trust"}}, Page: &page},
		{ID: 4, Gen: 3, Findings: []FindingRow{{Severity: audit.SeverityCritical, Category: "Privilege escalation", Path: "iam-001", Actions: []string{"iam:PassRole"}, Sources: []FindingSource{{"p", "Statement[0]"}}, Why: "because"}}, Notes: []string{"n"}},
		{ID: 5, Gen: 3, Name: "account-audit.csv", MediaType: "text/csv"},
		{ID: 6, Gen: 2, Err: ErrStale},
	} {
		got, err := DecodeAccountResponse(EncodeAccountResponse(r))
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Errorf("response %+v came back as %+v (%v)", r, got, err)
		}
	}
	for _, tc := range []struct{ msg, want string }{
		{`{"id":1,"op":"launch"}`, `unknown op "launch"`},
		{`{"id":1}`, `unknown op ""`},
		{`{"id":"x"}`, "account request: json"},
		{`not json`, "account request: invalid character"},
	} {
		if _, err := DecodeAccountRequest(tc.msg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("DecodeAccountRequest(%s): %v, want an error containing %q", tc.msg, err, tc.want)
		}
	}
	if _, err := DecodeAccountResponse(`[`); err == nil {
		t.Error("DecodeAccountResponse accepted [")
	}
}

// served is what AccountService.Serve sent for one message.
type served struct {
	reports []AccountResponse
	answer  AccountResponse
	data    []byte
}

func serve(t *testing.T, s *AccountService, req string, data []byte) served {
	t.Helper()
	var out served
	n := 0
	s.Serve(req, data, func(msg string, b []byte) {
		r, err := DecodeAccountResponse(msg)
		if err != nil {
			t.Fatalf("%s: the service sent %v", req, err)
		}
		n++
		if r.Progress != nil {
			if b != nil {
				t.Errorf("%s: a progress report with bytes", req)
			}
			out.reports = append(out.reports, r)
			return
		}
		if n > len(out.reports)+1 {
			t.Errorf("%s: a second answer %+v", req, r)
		}
		out.answer, out.data = r, b
	})
	if n == 0 {
		t.Fatalf("%s: no answer", req)
	}
	return out
}

// sameJSON compares values by their JSON (AccountRow's index is not sent).
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s:\n got %.300s\nwant %.300s", what, g, w)
	}
}

// TestAccountService drives the service as the page does, message by
// message on the wire, through a load, two audits, queries, findings,
// exports and stale or malformed requests, and checks each answer
// against the Account the same file gives directly.
func TestAccountService(t *testing.T) {
	src, err := os.ReadFile("testdata/account.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := dataset.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	want := loadAccount(t, nil)
	s := NewAccountService(nil)
	steps := []struct {
		name string
		req  AccountRequest
		data []byte
		raw  string // sent instead of req when set
		// check the answer; err is the expected Err substring ("" none).
		err   string
		check func(t *testing.T, got served)
	}{
		{name: "audit before the dataset", req: AccountRequest{ID: 1, Gen: 1, Op: OpAudit, File: "a.json"}, data: src, err: "the dataset is not loaded"},
		{name: "load with a wrong digest", req: AccountRequest{ID: 2, Op: OpLoad, SHA256: strings.Repeat("0", 64)}, data: dataset.Compressed(), err: "the download is corrupt or stale"},
		{name: "load", req: AccountRequest{ID: 3, Op: OpLoad, SHA256: m.SHA256}, data: dataset.Compressed()},
		{name: "page before any audit", req: AccountRequest{ID: 4, Gen: 1, Op: OpPage}, err: ErrStale},
		{name: "a policy is not an account", req: AccountRequest{ID: 5, Gen: 1, Op: OpAudit, File: "p.json"}, data: []byte(`{"Version":"2012-10-17","Statement":[]}`), err: "p.json is not `aws iam get-account-authorization-details` output"},
		{name: "audit", req: AccountRequest{ID: 6, Gen: 2, Op: OpAudit, File: "acme/account.json", Query: AccountQuery{Limit: 3}}, data: src,
			check: func(t *testing.T, got served) {
				if len(got.reports) == 0 {
					t.Error("no progress reports")
				}
				for _, r := range got.reports {
					if r.ID != 6 || r.Gen != 2 || r.Progress.Size != len(src) {
						t.Errorf("report %+v", r)
					}
				}
				if got.answer.Info == nil || got.answer.Info.MemSys == 0 {
					t.Fatalf("no info, or no memory figure: %+v", got.answer.Info)
				}
				got.answer.Info.MemSys = 0
				sameJSON(t, "info", got.answer.Info, &AccountInfo{File: "acme/account.json", Summary: want.Summary(), Principals: len(want.Rows), Categories: want.Categories, CategoryTitles: want.CategoryTitles})
				sameJSON(t, "first page", got.answer.Page, want.Query(AccountQuery{Limit: 3}))
			}},
		{name: "page", req: AccountRequest{ID: 7, Gen: 2, Op: OpPage, Query: AccountQuery{Filter: "user/", Sort: "principal", Desc: true, Offset: 1, Limit: 2}},
			check: func(t *testing.T, got served) {
				sameJSON(t, "page", got.answer.Page, want.Query(AccountQuery{Filter: "user/", Sort: "principal", Desc: true, Offset: 1, Limit: 2}))
				if got.answer.Page.Matching < 3 || len(got.answer.Page.Rows) != 2 {
					t.Errorf("page %+v: want 2 of 3 or more users", got.answer.Page)
				}
			}},
		{name: "findings", req: AccountRequest{ID: 8, Gen: 2, Op: OpFindings, Principal: want.Rows[0].Principal},
			check: func(t *testing.T, got served) {
				if len(got.answer.Findings) == 0 {
					t.Errorf("no findings for %s", want.Rows[0].Principal)
				}
				sameJSON(t, "findings", got.answer.Findings, want.Findings(want.Rows[0].Principal))
				sameJSON(t, "notes", got.answer.Notes, want.Rows[0].Notes)
			}},
		{name: "findings of an unknown principal", req: AccountRequest{ID: 9, Gen: 2, Op: OpFindings, Principal: "user/nobody"},
			check: func(t *testing.T, got served) {
				if got.answer.Findings != nil || got.answer.Notes != nil {
					t.Errorf("findings of nobody: %+v", got.answer)
				}
			}},
		{name: "export csv", req: AccountRequest{ID: 10, Gen: 2, Op: OpExport, Format: "csv"},
			check: func(t *testing.T, got served) {
				name, mt, b, _ := want.Export("csv")
				if got.answer.Name != name || got.answer.MediaType != mt || string(got.data) != string(b) || len(b) == 0 {
					t.Errorf("export: %q %q %d bytes, want %q %q %d bytes", got.answer.Name, got.answer.MediaType, len(got.data), name, mt, len(b))
				}
			}},
		{name: "export in an unknown format", req: AccountRequest{ID: 11, Gen: 2, Op: OpExport, Format: "pdf"}, err: "pdf"},
		{name: "a request about an older audit", req: AccountRequest{ID: 12, Gen: 1, Op: OpPage}, err: ErrStale},
		{name: "an older audit after a newer one", req: AccountRequest{ID: 13, Gen: 1, Op: OpAudit, File: "a.json"}, data: src, err: ErrStale},
		{name: "malformed", raw: `{"id":14,"gen":2,"op":"delete"}`, err: `unknown op "delete"`,
			check: func(t *testing.T, got served) {
				if got.answer.ID != 14 || got.answer.Gen != 2 {
					t.Errorf("the error answer has id %d gen %d, want the request's 14 and 2", got.answer.ID, got.answer.Gen)
				}
			}},
		{name: "the account is still there", req: AccountRequest{ID: 15, Gen: 2, Op: OpPage, Query: AccountQuery{Limit: 1}},
			check: func(t *testing.T, got served) {
				sameJSON(t, "page", got.answer.Page, want.Query(AccountQuery{Limit: 1}))
			}},
		{name: "a newer audit that fails drops the account", req: AccountRequest{ID: 16, Gen: 3, Op: OpAudit, File: "b.json"}, data: []byte("{}"), err: "is not"},
		{name: "the old account is gone", req: AccountRequest{ID: 17, Gen: 2, Op: OpPage}, err: ErrStale},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			msg := st.raw
			if msg == "" {
				msg = EncodeAccountRequest(st.req)
			}
			got := serve(t, s, msg, st.data)
			if !strings.Contains(got.answer.Err, st.err) || (st.err == "") != (got.answer.Err == "") {
				t.Errorf("Err %q, want %q", got.answer.Err, st.err)
			}
			if st.raw == "" && (got.answer.ID != st.req.ID || got.answer.Gen != st.req.Gen) {
				t.Errorf("answer id %d gen %d, want %d %d", got.answer.ID, got.answer.Gen, st.req.ID, st.req.Gen)
			}
			if st.check != nil {
				st.check(t, got)
			}
		})
	}
}
