package main

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/vugu/vugu"
)

// AccountPanel is the Audit screen's account view: an
// authorization-details file audited per principal in the page, a table
// of principals (sortable, filterable, paged), one principal's findings,
// and the report's downloads.
type AccountPanel struct {
	screen *AuditScreen
	// File is the audited file's name; Busy, Progress (0 to 1000) and
	// Stage show a running audit; Err its failure.
	File     string
	Busy     bool
	Progress int
	Stage    string
	Err      string
	// Account is the result; Query the table's filters, order and page;
	// Selected the principal whose findings are shown.
	Account  *webapp.Account
	Query    webapp.AccountQuery
	Selected string

	gen    int
	cached *webapp.AccountPage
}

// accountPage is how many principals the table shows at a time.
const accountPage = 50

// Active reports whether the panel has something to show.
func (c *AccountPanel) Active() bool { return c.Busy || c.Account != nil || c.Err != "" }

// Run audits an authorization-details file in a goroutine, yielding to
// the browser at each progress report so that the page stays responsive.
func (c *AccountPanel) Run(f webapp.File) {
	r := c.screen.app
	if r.DB == nil {
		return
	}
	c.gen++
	gen, db, list := c.gen, r.DB, c.screen.List
	c.File, c.Busy, c.Progress, c.Stage, c.Err = f.Name, true, 0, "Reading "+f.Name+"…", ""
	c.Account, c.Selected, c.cached = nil, "", nil
	c.Query = webapp.AccountQuery{Limit: accountPage}
	go func() {
		yield() // paint the bar first
		acct, err := webapp.AuditAccount(db, f, list, func(p audit.Progress) {
			r.env.Lock()
			if gen == c.gen {
				c.Progress = int(p.Fraction() * 1000)
				if p.Done == 0 {
					c.Stage = fmt.Sprintf("Reading: %d principals, %d%% of %s", p.Principals, p.Read*100/max(p.Size, 1), f.Name)
				} else {
					c.Stage = fmt.Sprintf("Evaluating principals: %d of %d", p.Done, p.Principals)
				}
			}
			r.env.UnlockRender()
			yield()
		})
		r.env.Lock()
		defer r.env.UnlockRender()
		if gen != c.gen {
			return // another file was opened: its result wins
		}
		c.Busy = false
		if err != nil {
			c.Err = err.Error()
			return
		}
		c.Account = acct
	}()
}

// Close leaves the account view (a policy was pasted or other files opened).
func (c *AccountPanel) Close() {
	c.gen++
	c.File, c.Busy, c.Err, c.Account, c.Selected, c.cached = "", false, "", nil, "", nil
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

func (c *AccountPanel) page() *webapp.AccountPage {
	if c.cached == nil {
		p := c.Account.Query(c.Query)
		c.cached = &p
	}
	return c.cached
}

func (c *AccountPanel) requery() {
	c.cached = nil
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

// Page moves one page back or forward.
func (c *AccountPanel) Page(e vugu.DOMEvent, dir int) {
	c.Query.Offset = max(0, c.Query.Offset+dir*accountPage)
	c.requery()
}

// Select shows a principal's findings (a second click hides them).
func (c *AccountPanel) Select(e vugu.DOMEvent, principal string) {
	if c.Selected == principal {
		c.Selected = ""
		return
	}
	c.Selected = principal
}

// Download saves the report in a format, generated in the page.
func (c *AccountPanel) Download(e vugu.DOMEvent, format string) {
	name, mime, data, err := c.Account.Export(format)
	if err != nil {
		c.Err = err.Error()
		return
	}
	download(name, mime, string(data))
}

type accountColumn struct{ ID, Label, Title string }

// columns are the table's columns: principal, type, highest risk, one
// per risk category, escalation paths.
func (c *AccountPanel) columns() []accountColumn {
	cols := []accountColumn{{"principal", "Principal", "user, group or role name"}, {"type", "Type", ""}, {"worst", "Highest risk", ""}}
	short := map[string]string{"privilege-escalation": "Priv. esc.", audit.TrustList: "Trust", "resource-exposure": "Res. exposure",
		"credentials-exposure": "Credentials", "data-exfiltration": "Data exfil.", "infrastructure-modification": "Infra. mod."}
	for i, id := range c.Account.Categories {
		label := short[id]
		if label == "" {
			label = c.Account.CategoryTitles[i]
		}
		cols = append(cols, accountColumn{id, label, c.Account.CategoryTitles[i] + ": distinct findings"})
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
	p := c.page()
	if p.Matching == 0 {
		return "no principal matches"
	}
	return fmt.Sprintf("%d–%d of %d", p.Offset+1, p.Offset+len(p.Rows), p.Matching)
}

func (c *AccountPanel) findings() []webapp.FindingRow { return c.Account.Findings(c.Selected) }

func (c *AccountPanel) selectedNotes() []string {
	for _, r := range c.Account.Rows {
		if r.Principal == c.Selected {
			return r.Notes
		}
	}
	return nil
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
