package webapp

import (
	"encoding/json"
	"fmt"
	"runtime"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// The account panel audits an authorization-details file away from the
// page: the page sends AccountRequests to an AccountService, which keeps
// the audited *Account and answers each with an AccountResponse. In the
// browser the service runs in a Web Worker (wasm/app's
// platform_worker_wasm.go carries the messages: AccountRequest and
// AccountResponse as JSON, and a message's bytes beside, transferred),
// so that the page's own heap only ever holds the summary, one page of
// rows and one principal's findings; without a worker the page runs the
// same service itself.

// AccountOp is what an AccountRequest asks for.
type AccountOp string

const (
	// OpLoad loads the dataset: the request's bytes are the compressed
	// file, SHA256 the manifest's digest of it.
	OpLoad AccountOp = "load"
	// OpAudit audits the request's bytes (File names them) with the
	// built-in lists and List, reporting progress; the answer has the
	// account's AccountInfo and the first page for Query. It replaces
	// the account kept before.
	OpAudit AccountOp = "audit"
	// OpPage answers Query with a page of rows.
	OpPage AccountOp = "page"
	// OpFindings answers Principal's findings and notes.
	OpFindings AccountOp = "findings"
	// OpExport renders the report in Format; the answer's bytes are the
	// file, Name and MediaType say what it is.
	OpExport AccountOp = "export"
)

// AccountRequest is one request of the account panel to its service.
type AccountRequest struct {
	// ID identifies the request: its reports and answer carry it.
	ID int `json:"id"`
	// Gen is the audit the request is about: an audit request sets it,
	// and a request about an older audit than the one kept is refused
	// (ErrStale), so that an answer never mixes two files.
	Gen int       `json:"gen"`
	Op  AccountOp `json:"op"`
	// File is the audited file's name and List the custom risk list
	// (OpAudit); SHA256 the dataset's digest (OpLoad).
	File   string `json:"file,omitempty"`
	List   string `json:"list,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	// Query selects the page (OpAudit, OpPage).
	Query AccountQuery `json:"query"`
	// Principal is whose findings (OpFindings); Format the report's
	// format, one of ExportFormats (OpExport).
	Principal string `json:"principal,omitempty"`
	Format    string `json:"format,omitempty"`
}

// AccountInfo is what the panel shows of an audited account besides its
// rows.
type AccountInfo struct {
	// File is the file's name; Summary the line Account.Summary writes.
	File, Summary string
	// Principals is how many principals the account has.
	Principals int
	// Categories and CategoryTitles are the columns (Account's).
	Categories, CategoryTitles []string
	// MemSys is the memory the service's Go runtime held after the audit
	// (runtime.MemStats.Sys): in the browser, the worker's wasm memory.
	MemSys uint64 `json:",omitempty"`
}

// AccountResponse is a progress report or the answer to an
// AccountRequest.
type AccountResponse struct {
	// ID and Gen are the request's.
	ID  int `json:"id"`
	Gen int `json:"gen"`
	// Progress is set on the reports an audit sends before its answer.
	Progress *audit.Progress `json:"progress,omitempty"`
	// Err is why the request failed ("" when it did not).
	Err string `json:"err,omitempty"`
	// Info (OpAudit), Page (OpAudit, OpPage), Findings and Notes
	// (OpFindings), Name and MediaType (OpExport) answer the request.
	Info      *AccountInfo `json:"info,omitempty"`
	Page      *AccountPage `json:"page,omitempty"`
	Findings  []FindingRow `json:"findings,omitempty"`
	Notes     []string     `json:"notes,omitempty"`
	Name      string       `json:"name,omitempty"`
	MediaType string       `json:"mediaType,omitempty"`
}

// ErrStale is the Err of an answer to a request about an audit that a
// newer one replaced (or that never ran): the page ignores it.
const ErrStale = "stale request: another account file was opened"

// EncodeAccountRequest writes a request for the wire (JSON).
func EncodeAccountRequest(r AccountRequest) string { return encodeJSON(r) }

// DecodeAccountRequest reads a request from the wire.
func DecodeAccountRequest(s string) (AccountRequest, error) {
	var r AccountRequest
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return r, fmt.Errorf("account request: %w", err)
	}
	switch r.Op {
	case OpLoad, OpAudit, OpPage, OpFindings, OpExport:
		return r, nil
	}
	return r, fmt.Errorf("account request %d: unknown op %q", r.ID, r.Op)
}

// EncodeAccountResponse writes a report or an answer for the wire (JSON).
func EncodeAccountResponse(r AccountResponse) string { return encodeJSON(r) }

// DecodeAccountResponse reads a report or an answer from the wire.
func DecodeAccountResponse(s string) (AccountResponse, error) {
	var r AccountResponse
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return r, fmt.Errorf("account response: %w", err)
	}
	return r, nil
}

// encodeJSON marshals a request or response; their types always marshal.
func encodeJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("webapp: encoding %T: %v", v, err))
	}
	return string(b)
}

// AccountService audits account files and keeps the newest one's
// *Account to answer the panel's requests about it. It is not safe for
// concurrent use: its caller handles one request at a time.
type AccountService struct {
	db   *iamdb.DB
	acct *Account
	gen  int // the audit acct is, or the newest one started
}

// NewAccountService returns a service on a loaded dataset (nil: an
// OpLoad request must come first).
func NewAccountService(db *iamdb.DB) *AccountService { return &AccountService{db: db} }

// Handle answers one request. data is the request's bytes (the dataset
// for OpLoad, the file for OpAudit); the answer's bytes are the report
// of OpExport. progress, when set, receives an audit's reports as they
// come.
func (s *AccountService) Handle(req AccountRequest, data []byte, progress func(AccountResponse)) (AccountResponse, []byte) {
	resp := AccountResponse{ID: req.ID, Gen: req.Gen}
	fail := func(err error) (AccountResponse, []byte) {
		resp.Err = err.Error()
		return resp, nil
	}
	switch req.Op {
	case OpLoad:
		if err := iamdb.CheckSHA256(data, req.SHA256); err != nil {
			return fail(err)
		}
		db, err := iamdb.LoadVerified(data)
		if err != nil {
			return fail(fmt.Errorf("loading the dataset: %w", err))
		}
		s.db = db
		return resp, nil
	case OpAudit:
		if req.Gen < s.gen {
			resp.Err = ErrStale
			return resp, nil
		}
		s.gen, s.acct = req.Gen, nil // the old account can be collected during the audit
		if s.db == nil {
			return fail(fmt.Errorf("auditing %s: the dataset is not loaded", req.File))
		}
		var report func(audit.Progress)
		if progress != nil {
			report = func(p audit.Progress) { progress(AccountResponse{ID: req.ID, Gen: req.Gen, Progress: &p}) }
		}
		acct, err := AuditAccount(s.db, File{Name: req.File, Data: data}, req.List, report)
		if err != nil {
			return fail(err)
		}
		s.acct = acct
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		resp.Info = &AccountInfo{File: acct.File, Summary: acct.Summary(), Principals: len(acct.Rows),
			Categories: acct.Categories, CategoryTitles: acct.CategoryTitles, MemSys: ms.Sys}
		p := acct.Query(req.Query)
		resp.Page = &p
		return resp, nil
	case OpPage, OpFindings, OpExport:
		if s.acct == nil || req.Gen != s.gen {
			resp.Err = ErrStale
			return resp, nil
		}
	default:
		return fail(fmt.Errorf("account request %d: unknown op %q", req.ID, req.Op))
	}
	switch req.Op {
	case OpPage:
		p := s.acct.Query(req.Query)
		resp.Page = &p
	case OpFindings:
		resp.Findings, resp.Notes = s.acct.Findings(req.Principal), s.acct.Notes(req.Principal)
	case OpExport:
		name, mt, b, err := s.acct.Export(req.Format)
		if err != nil {
			return fail(err)
		}
		resp.Name, resp.MediaType = name, mt
		return resp, b
	}
	return resp, nil
}

// Serve answers one message from the wire: it decodes the request, runs
// Handle and sends each report and the answer through send, as JSON with
// the answer's bytes. A message that does not decode is answered with
// its error (ID 0 when even the ID cannot be read).
func (s *AccountService) Serve(msg string, data []byte, send func(msg string, data []byte)) {
	req, err := DecodeAccountRequest(msg)
	if err != nil {
		send(EncodeAccountResponse(AccountResponse{ID: req.ID, Gen: req.Gen, Err: err.Error()}), nil)
		return
	}
	resp, out := s.Handle(req, data, func(r AccountResponse) { send(EncodeAccountResponse(r), nil) })
	send(EncodeAccountResponse(resp), out)
}
