package main

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/vugu/vugu"
)

// AccountPanel is the Audit screen's account view: an
// authorization-details file audited per principal, a table of
// principals (sortable, filterable, paged), one principal's findings,
// and the report's downloads. The audit runs in a Web Worker
// (startAccountWorker) that keeps the account and answers the panel's
// requests (webapp.AccountService); the panel holds the summary, one
// page of rows and one principal's findings. Without a worker the page
// runs the same service itself.
type AccountPanel struct {
	screen *AuditScreen
	// File is the audited file's name; Busy, Progress (0 to 1000) and
	// Stage show a running audit; Where says where it runs; Err its
	// failure.
	File     string
	Busy     bool
	Progress int
	Stage    string
	Where    string
	Err      string
	// Info is the audited account (nil before); Page the rows shown of
	// Query (the table's filters, order and page); Pending that a newer
	// page is on its way.
	Info    *webapp.AccountInfo
	Page    webapp.AccountPage
	Query   webapp.AccountQuery
	Pending bool
	// PageMem is the page's Go memory (runtime.MemStats.Sys) when the
	// audit's answer came, for the browser tests' figures.
	PageMem uint64
	// Selected is the principal whose Findings and Notes are shown;
	// FindingsFor is whose findings have arrived ("" while on their way).
	Selected    string
	Findings    []webapp.FindingRow
	Notes       []string
	FindingsFor string

	gen     int            // counts audits: only the newest one's answers are shown
	pageSeq int            // counts page requests, likewise
	findSeq int            // counts findings requests, likewise
	be      accountBackend // nil until the first audit
}

// accountBackend runs the panel's requests: the audit worker, or this
// page when there is none.
type accountBackend interface {
	// call sends a request (data: its bytes) and waits for the answer,
	// passing an audit's progress reports to progress. A failure is the
	// answer's Err. An export's answer has been saved as a download.
	call(req webapp.AccountRequest, data []byte, progress func(webapp.AccountResponse)) webapp.AccountResponse
	// stop ends work under way; it reports whether the backend is gone
	// (a terminated worker), its pending calls answered webapp.ErrStale.
	stop() bool
	// where says where the audit runs, for the panel.
	where() string
	// broken reports whether the backend can answer no more (a worker
	// that failed): the next audit starts a new one.
	broken() bool
}

// pageAccounts runs the service in this page, yielding to the browser at
// each progress report: the fallback when no worker can be started.
type pageAccounts struct {
	svc    *webapp.AccountService
	reason string
	mu     sync.Mutex // one request at a time
}

func (b *pageAccounts) call(req webapp.AccountRequest, data []byte, progress func(webapp.AccountResponse)) webapp.AccountResponse {
	b.mu.Lock()
	defer b.mu.Unlock()
	resp, out := b.svc.Handle(req, data, func(r webapp.AccountResponse) {
		if progress != nil {
			progress(r)
		}
		yield()
	})
	if req.Op == webapp.OpExport && resp.Err == "" {
		download(resp.Name, resp.MediaType, string(out))
	}
	return resp
}

func (b *pageAccounts) stop() bool { return false }

func (b *pageAccounts) broken() bool { return false }

func (b *pageAccounts) where() string { return "in this page (" + b.reason + ")" }

// accountPage is how many principals the table shows at a time.
const accountPage = 50

// Active reports whether the panel has something to show.
func (c *AccountPanel) Active() bool { return c.Busy || c.Info != nil || c.Err != "" }

// backend returns the panel's backend, starting the worker the first
// time (or again after a cancelled audit terminated it). It is called
// without the event lock: starting a worker waits for it.
func (c *AccountPanel) backend(db *iamdb.DB) accountBackend {
	env := c.screen.app.env
	env.Lock()
	be := c.be
	env.UnlockOnly()
	if be != nil {
		return be
	}
	nb, err := startAccountWorker()
	env.Lock()
	defer env.UnlockOnly()
	if c.be != nil { // another audit made one meanwhile
		if nb != nil {
			nb.stop()
		}
		return c.be
	}
	if err != nil {
		c.be = &pageAccounts{svc: webapp.NewAccountService(db), reason: "no background worker: " + err.Error()}
	} else {
		c.be = nb
	}
	return c.be
}

// cancel stops the audit under way: a worker is terminated (the next
// audit starts a new one); in the page the old audit runs to its end and
// its answer is ignored.
func (c *AccountPanel) cancel() {
	if c.Busy && c.be != nil && c.be.stop() || c.be != nil && c.be.broken() {
		c.be = nil
	}
}

// Run audits an authorization-details file, off the page when a worker
// can be started, and shows the first page of principals.
func (c *AccountPanel) Run(f webapp.File) {
	r := c.screen.app
	if r.DB == nil {
		return
	}
	c.cancel()
	c.gen++
	gen, db, list := c.gen, r.DB, c.screen.List
	c.File, c.Busy, c.Progress, c.Stage, c.Err = f.Name, true, 0, "Reading "+f.Name+"…", ""
	c.Info, c.Page, c.Pending = nil, webapp.AccountPage{}, false
	c.Selected, c.Findings, c.Notes = "", nil, nil
	c.Query = webapp.AccountQuery{Limit: accountPage}
	q := c.Query
	go func() {
		yield() // paint the bar first
		be := c.backend(db)
		r.env.Lock()
		if gen == c.gen {
			c.Where = be.where()
		}
		r.env.UnlockRender()
		// The bar is redrawn at most four times a second: each redraw
		// builds the page on the main thread.
		var lastDraw time.Time
		resp := be.call(webapp.AccountRequest{Gen: gen, Op: webapp.OpAudit, File: f.Name, List: list, Query: q}, f.Data, func(pr webapp.AccountResponse) {
			p := *pr.Progress
			r.env.Lock()
			if gen == c.gen {
				c.Progress = int(p.Fraction() * 1000)
				if p.Done == 0 {
					c.Stage = fmt.Sprintf("Reading: %d principals, %d%% of %s", p.Principals, p.Read*100/max(p.Size, 1), f.Name)
				} else {
					c.Stage = fmt.Sprintf("Evaluating principals: %d of %d", p.Done, p.Principals)
				}
			}
			if time.Since(lastDraw) < 250*time.Millisecond {
				r.env.UnlockOnly()
				return
			}
			lastDraw = time.Now()
			r.env.UnlockRender()
		})
		r.env.Lock()
		defer r.env.UnlockRender()
		if gen != c.gen || resp.Err == webapp.ErrStale {
			return // another file was opened: its result wins
		}
		c.Busy = false
		if resp.Err != "" {
			c.Err = resp.Err
			return
		}
		c.Info, c.Page = resp.Info, *resp.Page
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		c.PageMem = ms.Sys
	}()
}

// Close leaves the account view (a policy was pasted or other files opened).
func (c *AccountPanel) Close() {
	c.cancel()
	c.gen++
	c.File, c.Busy, c.Err, c.Info, c.Page, c.Pending = "", false, "", nil, webapp.AccountPage{}, false
	c.Selected, c.Findings, c.Notes = "", nil, nil
}

// OnFile reads the file picked in the panel.
func (c *AccountPanel) OnFile(e vugu.DOMEvent) {
	c.screen.app.readFiles(e.JSEventTarget().Get("files"), func(fs []webapp.File) {
		if len(fs) == 1 {
			c.screen.files = fs
			c.screen.Report, c.screen.Err = nil, ""
			c.Run(fs[0])
		}
	})
}

// ask sends a request about the account shown and applies its answer
// under the event lock, unless a newer audit or (when counter is set) a
// newer request of the same kind came since.
func (c *AccountPanel) ask(req webapp.AccountRequest, counter *int, apply func(webapp.AccountResponse)) {
	if c.Info == nil || c.be == nil {
		return
	}
	var seq int
	if counter != nil {
		*counter++
		seq = *counter
	}
	be := c.be
	req.Gen = c.gen
	env := c.screen.app.env
	go func() {
		resp := be.call(req, nil, nil)
		env.Lock()
		defer env.UnlockRender()
		if req.Gen != c.gen || resp.Err == webapp.ErrStale || counter != nil && seq != *counter {
			return
		}
		if resp.Err != "" {
			c.Err = resp.Err
			c.Pending = c.Pending && req.Op != webapp.OpPage
			return
		}
		apply(resp)
	}()
}

// requery asks for the page of the current query.
func (c *AccountPanel) requery() {
	c.Pending = true
	c.ask(webapp.AccountRequest{Op: webapp.OpPage, Query: c.Query}, &c.pageSeq, func(resp webapp.AccountResponse) {
		c.Page, c.Pending = *resp.Page, false
	})
}

// OnFilter filters the principals by name or escalation path.
func (c *AccountPanel) OnFilter(e vugu.DOMEvent) {
	c.Query.Filter, c.Query.Offset = e.PropString("target", "value"), 0
	c.requery()
}

// OnType keeps one type of principal.
func (c *AccountPanel) OnType(e vugu.DOMEvent) {
	c.Query.Type, c.Query.Offset = e.PropString("target", "value"), 0
	c.requery()
}

// OnSeverity keeps principals at or above a highest risk.
func (c *AccountPanel) OnSeverity(e vugu.DOMEvent) {
	c.Query.MinSeverity, c.Query.Offset = audit.Severity(e.PropString("target", "value")), 0
	c.requery()
}

// SortBy sorts by a column; a second click reverses the order. Counts
// sort most first at the first click, names A to Z.
func (c *AccountPanel) SortBy(e vugu.DOMEvent, col string) {
	if c.Query.Sort == col || (col == "worst" && c.Query.Sort == "") {
		c.Query.Desc = !c.Query.Desc
	} else {
		c.Query.Sort = col
		c.Query.Desc = col != "principal" && col != "type" && col != "worst"
	}
	c.Query.Offset = 0
	c.requery()
}

// PageBy moves one page back or forward.
func (c *AccountPanel) PageBy(e vugu.DOMEvent, dir int) {
	c.Query.Offset = max(0, c.Query.Offset+dir*accountPage)
	c.requery()
}

// Select shows a principal's findings (a second click hides them).
func (c *AccountPanel) Select(e vugu.DOMEvent, principal string) {
	if c.Selected == principal {
		c.Selected, c.Findings, c.Notes = "", nil, nil
		c.findSeq++ // an answer on its way is dropped
		return
	}
	c.Selected, c.Findings, c.Notes, c.FindingsFor = principal, nil, nil, ""
	c.ask(webapp.AccountRequest{Op: webapp.OpFindings, Principal: principal}, &c.findSeq, func(resp webapp.AccountResponse) {
		c.Findings, c.Notes, c.FindingsFor = resp.Findings, resp.Notes, principal
	})
}

// Download saves the report in a format, generated where the audit ran.
func (c *AccountPanel) Download(e vugu.DOMEvent, format string) {
	c.ask(webapp.AccountRequest{Op: webapp.OpExport, Format: format}, nil, func(webapp.AccountResponse) {})
}

type accountColumn struct{ ID, Label, Title string }

// columns are the table's columns: principal, type, highest risk, one
// per risk category, escalation paths.
func (c *AccountPanel) columns() []accountColumn {
	cols := []accountColumn{{"principal", "Principal", "user, group or role name"}, {"type", "Type", ""}, {"worst", "Highest risk", ""}}
	short := map[string]string{"privilege-escalation": "Priv. esc.", audit.TrustList: "Trust", "resource-exposure": "Res. exposure",
		"credentials-exposure": "Credentials", "data-exfiltration": "Data exfil.", "infrastructure-modification": "Infra. mod."}
	for i, id := range c.Info.Categories {
		label := short[id]
		if label == "" {
			label = c.Info.CategoryTitles[i]
		}
		cols = append(cols, accountColumn{id, label, c.Info.CategoryTitles[i] + ": distinct findings"})
	}
	return append(cols, accountColumn{"paths", "Escalation paths", "privilege-escalation paths the principal has"})
}

func (c *AccountPanel) headClass(col string) string {
	if c.Query.Sort == col || (col == "worst" && c.Query.Sort == "") {
		return "sorted"
	}
	return ""
}

func (c *AccountPanel) sortMark(col string) string {
	if c.headClass(col) == "" {
		return ""
	}
	// The report's order (worst) is worst first: descending by risk.
	asc := !c.Query.Desc
	if col == "worst" {
		asc = !asc
	}
	if asc {
		return " ▲"
	}
	return " ▼"
}

func (c *AccountPanel) rowClass(r webapp.AccountRow) string {
	if r.Principal == c.Selected {
		return "selected"
	}
	return ""
}

func (c *AccountPanel) worstText(r webapp.AccountRow) string {
	if r.Worst == "" {
		return "none"
	}
	return string(r.Worst)
}

func (c *AccountPanel) count(n int) string {
	if n == 0 {
		return "·"
	}
	return fmt.Sprint(n)
}

func (c *AccountPanel) pathsText(r webapp.AccountRow) string {
	if len(r.Paths) <= 4 {
		return strings.Join(r.Paths, " ")
	}
	return fmt.Sprintf("%s +%d", strings.Join(r.Paths[:4], " "), len(r.Paths)-4)
}

func (c *AccountPanel) rowsText() string {
	p := &c.Page
	if p.Matching == 0 {
		return "no principal matches"
	}
	return fmt.Sprintf("%d–%d of %d", p.Offset+1, p.Offset+len(p.Rows), p.Matching)
}

func (c *AccountPanel) tableClass() string {
	if c.Pending {
		return "principals pending"
	}
	return "principals"
}

func (c *AccountPanel) findingHead(f webapp.FindingRow) string {
	s := f.Category
	if f.Path != "" {
		s += ": " + f.Method + " (" + f.Path + ")"
	}
	if f.Detail != "" {
		s += ": " + f.Detail
	}
	return s
}

func (c *AccountPanel) sourceText(s webapp.FindingSource) string {
	if s.Statement == "" {
		return "policy " + s.Policy
	}
	return "policy " + s.Policy + ", statement " + s.Statement
}
