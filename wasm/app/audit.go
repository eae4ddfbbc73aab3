package main

import (
	"strings"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/vugu/vugu"
)

// AuditScreen audits pasted, picked or dropped policies and account
// dumps, with the built-in risk lists or a custom one.
type AuditScreen struct {
	app *App
	// Text is the pasted policy, List the custom audit list.
	Text string
	List string
	// Report is the last audit (Err when it failed); Busy and Progress
	// show a running audit; Shown is how many audited policies are
	// rendered.
	Report   *audit.Report
	Err      string
	Busy     bool
	Progress int
	Shown    int

	// account is the account panel: an authorization-details file is
	// audited per principal there.
	account *AccountPanel

	files []webapp.File // picked or dropped files (nil: the pasted text)
	gen   int           // counts audits started: only the newest one's result is shown
	stale bool          // refresh put off the audit of the pasted text (the screen was hidden)
}

func newAuditScreen(app *App) screen {
	c := &AuditScreen{app: app}
	c.account = &AccountPanel{screen: c}
	return c
}

func (c *AuditScreen) accountPanel() vugu.Builder { return c.account }

func (c *AuditScreen) saveState(s *webapp.State) { s.AuditText, s.AuditList = c.Text, c.List }

func (c *AuditScreen) loadState(s webapp.State) { c.Text, c.List = s.AuditText, s.AuditList }

func (c *AuditScreen) bigTexts(m map[string]string) {
	m["audit-input"], m["audit-list"] = c.Text, c.List
}

// refresh audits the pasted text again if the screen is shown; a hidden
// screen is marked stale and audited by Compute before it is next shown,
// or by catchUp in the background after start-up.
func (c *AuditScreen) refresh() {
	if c.app.Tab != "audit" {
		c.stale = true
		return
	}
	c.run(nil)
}

// Compute runs before each render of the screen (Vugu's lifecycle).
func (c *AuditScreen) Compute(ctx vugu.ComputeCtx) { c.catchUp() }

// catchUp audits the pasted text if refresh put it off.
func (c *AuditScreen) catchUp() {
	if c.stale {
		c.run(nil)
	}
}

// takeDrop audits dropped files (all but a single template).
func (c *AuditScreen) takeDrop(fs []webapp.File, shown bool) bool {
	if len(fs) == 0 || len(fs) == 1 && webapp.IsTemplateFile(fs[0].Name) {
		return false
	}
	c.app.showScreen(c)
	c.app.Notice = "Auditing " + webapp.FileNames(fs) + "."
	c.files = fs
	c.Text = ""
	if len(fs) == 1 && len(fs[0].Data) < 200000 {
		c.Text = string(fs[0].Data)
	}
	c.run(fs)
	c.app.save()
	return true
}

// OnInput handles typing or pasting a policy.
func (c *AuditScreen) OnInput(e vugu.DOMEvent) {
	c.Text = e.PropString("target", "value")
	c.files = nil
	c.app.save()
	c.run(nil)
}

// OnList handles the custom audit list.
func (c *AuditScreen) OnList(e vugu.DOMEvent) {
	c.List = e.PropString("target", "value")
	c.app.save()
	c.run(c.files)
}

// Run re-runs the audit.
func (c *AuditScreen) Run(e vugu.DOMEvent) { c.run(c.files) }

// OnFiles reads files picked for the audit.
func (c *AuditScreen) OnFiles(e vugu.DOMEvent) {
	c.app.readFiles(e.JSEventTarget().Get("files"), func(fs []webapp.File) {
		c.files = fs
		c.run(fs)
	})
}

// run audits the given files, or the pasted text when files is nil.
// Large inputs are audited a file at a time in a goroutine, with progress.
func (c *AuditScreen) run(files []webapp.File) {
	a := c.app
	if a.DB == nil {
		return
	}
	c.stale = false
	if files == nil {
		if strings.TrimSpace(c.Text) == "" {
			c.Report, c.Err = nil, ""
			return
		}
		files = []webapp.File{{Name: "pasted policy", Data: []byte(c.Text)}}
	}
	if len(files) == 1 && webapp.IsAccountFile(files[0].Data) {
		// An account: audited per principal in the account panel.
		c.gen++
		c.Report, c.Err, c.Busy = nil, "", false
		c.account.Run(files[0])
		return
	}
	c.Busy, c.Progress, c.Err = true, 0, ""
	c.gen++
	gen, db, list := c.gen, a.DB, c.List
	go func() {
		rep, err := webapp.AuditFilesProgress(db, files, list, func(done, total int) {
			a.env.Lock()
			if gen == c.gen {
				c.Progress = done * 100 / max(total, 1)
			}
			a.env.UnlockRender()
			yield()
		})
		a.env.Lock()
		defer a.env.UnlockRender()
		if gen != c.gen {
			return // a newer audit started: its result wins
		}
		c.Busy = false
		if err != nil {
			c.Err = err.Error()
			return
		}
		c.Report = rep
		c.Shown = webapp.AuditPage
	}()
}

func (c *AuditScreen) shownPolicies() []*audit.PolicyReport {
	if c.Report == nil {
		return nil
	}
	return c.Report.Policies[:min(c.Shown, len(c.Report.Policies))]
}

func (c *AuditScreen) morePoliciesLabel() string {
	return webapp.MorePoliciesLabel(len(c.Report.Policies), c.Shown)
}

// ShowMore shows the next page of audited policies.
func (c *AuditScreen) ShowMore(e vugu.DOMEvent) { c.Shown += webapp.AuditPage }
