package main

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/vugu/vugu"
)

// OnAuditInput handles typing or pasting a policy.
func (c *Root) OnAuditInput(e vugu.DOMEvent) {
	c.AuditText = e.PropString("target", "value")
	c.auditFiles = nil
	c.save()
	c.runAudit(nil)
}

// OnAuditList handles the custom audit list.
func (c *Root) OnAuditList(e vugu.DOMEvent) {
	c.AuditList = e.PropString("target", "value")
	c.save()
	c.runAudit(c.auditFiles)
}

// RunAudit re-runs the audit.
func (c *Root) RunAudit(e vugu.DOMEvent) { c.runAudit(c.auditFiles) }

// runAudit audits the given files, or the pasted text when files is nil.
// Large inputs are audited a file at a time in a goroutine, with progress.
func (c *Root) runAudit(files []webapp.File) {
	if c.DB == nil {
		return
	}
	if files == nil {
		if strings.TrimSpace(c.AuditText) == "" {
			c.Report, c.AuditErr = nil, ""
			return
		}
		files = []webapp.File{{Name: "pasted policy", Data: []byte(c.AuditText)}}
	}
	if len(files) == 1 && webapp.IsAccountFile(files[0].Data) {
		// An account: audited per principal in the account panel.
		c.auditGen++
		c.Report, c.AuditErr, c.AuditBusy = nil, "", false
		c.account.Run(files[0])
		return
	}
	c.AuditBusy, c.AuditProgress, c.AuditErr = true, 0, ""
	c.auditGen++
	gen, db, list := c.auditGen, c.DB, c.AuditList
	go func() {
		rep, err := webapp.AuditFilesProgress(db, files, list, func(done, total int) {
			c.env.Lock()
			if gen == c.auditGen {
				c.AuditProgress = done * 100 / max(total, 1)
			}
			c.env.UnlockRender()
			yield()
		})
		c.env.Lock()
		defer c.env.UnlockRender()
		if gen != c.auditGen {
			return // a newer audit started: its result wins
		}
		c.AuditBusy = false
		if err != nil {
			c.AuditErr = err.Error()
			return
		}
		c.Report = rep
		c.AuditShown = auditPage
	}()
}

// auditPage is how many policies the results show at a time: an account
// dump can hold thousands, and rendering them all would freeze the page.
const auditPage = 20

func (c *Root) shownPolicies() []*audit.PolicyReport {
	if c.Report == nil {
		return nil
	}
	return c.Report.Policies[:min(c.AuditShown, len(c.Report.Policies))]
}

func (c *Root) morePoliciesLabel() string {
	n := len(c.Report.Policies) - c.AuditShown
	return fmt.Sprintf("Show %d more (%d not shown)", min(n, auditPage), n)
}

// ShowMorePolicies shows the next page of audited policies.
func (c *Root) ShowMorePolicies(e vugu.DOMEvent) { c.AuditShown += auditPage }

func (c *Root) reportSummary() string { return webapp.ReportSummary(c.Report) }

func (c *Root) severitySummary(p *audit.PolicyReport) string { return webapp.SeveritySummary(p) }

// OnAuditFiles reads files picked for the audit.
func (c *Root) OnAuditFiles(e vugu.DOMEvent) {
	files := e.JSEventTarget().Get("files")
	c.readFiles(files, func(fs []webapp.File) {
		c.auditFiles = fs
		c.runAudit(fs)
	})
}

// OnDragOver lets files be dropped anywhere on the page.
func (c *Root) OnDragOver(e vugu.DOMEvent) { e.PreventDefault() }

// OnDrop routes dropped files: YAML templates to the write screens, JSON
// to the audit.
func (c *Root) OnDrop(e vugu.DOMEvent) {
	e.PreventDefault()
	dt := e.JSEvent().Get("dataTransfer")
	if dt.IsUndefined() || dt.IsNull() {
		return
	}
	c.readFiles(dt.Get("files"), func(fs []webapp.File) {
		if len(fs) == 1 && isYAML(fs[0].Name) {
			c.importTemplate(fs[0])
			return
		}
		c.Tab = "audit"
		c.Notice = "Auditing " + fileNames(fs) + "."
		c.auditFiles = fs
		c.AuditText = ""
		if len(fs) == 1 && len(fs[0].Data) < 200000 {
			c.AuditText = string(fs[0].Data)
		}
		c.runAudit(fs)
		c.save()
	})
}

func fileNames(fs []webapp.File) string {
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
	}
	if len(names) > 3 {
		return fmt.Sprintf("%s and %d more files", strings.Join(names[:3], ", "), len(names)-3)
	}
	return strings.Join(names, ", ")
}

func isYAML(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".yaml")
}

// OnImport reads a template picked with the file input.
func (c *Root) OnImport(e vugu.DOMEvent, mode string) {
	c.readFiles(e.JSEventTarget().Get("files"), func(fs []webapp.File) {
		if len(fs) > 0 {
			c.importTemplate(fs[0])
		}
	})
}

func (c *Root) importTemplate(f webapp.File) {
	text := string(f.Data)
	if strings.Contains(text, "mode: actions") || strings.Contains(text, "roles_with_actions") {
		c.Tab, c.ActionsYAML = "actions", text
		c.regenerate("actions")
	} else {
		c.Tab, c.CRUDYAML = "crud", text
		c.regenerate("crud")
	}
	c.Notice = "Imported " + f.Name
	c.save()
}

// Export downloads the template as YAML.
func (c *Root) Export(e vugu.DOMEvent, mode string) {
	if mode == "actions" {
		download("actions.yml", "application/yaml", c.ActionsYAML)
	} else {
		download("crud.yml", "application/yaml", c.CRUDYAML)
	}
}

func (c *Root) currentOutput(mode string) (name, mime, text string) {
	o := c.out(mode)
	switch c.OutTab {
	case "yaml":
		return "policy.yml", "application/yaml", o.YAML
	case "terraform":
		return "policy.tf.json", "application/json", o.Terraform
	}
	return "policy.json", "application/json", o.JSON
}

// Copy copies the policy to the clipboard.
func (c *Root) Copy(e vugu.DOMEvent, mode string) {
	_, _, text := c.currentOutput(mode)
	copyText(text, c.copied("Copied the policy to the clipboard."))
}

// Download saves the policy as a file.
func (c *Root) Download(e vugu.DOMEvent, mode string) {
	name, mime, text := c.currentOutput(mode)
	download(name, mime, text)
}

// Share copies a link that carries the whole state in its fragment and
// shows it, selectable, in case the clipboard is not available.
func (c *Root) Share(e vugu.DOMEvent) {
	c.ShareURL = shareLink(webapp.EncodeFragment(c.state()))
	c.Notice = "Share link: the state travels in the # part, which browsers never send to a server."
	copyText(c.ShareURL, c.copied("Share link copied. The state travels in the # part, which browsers never send to a server."))
}

// copied returns copyText's callback: it reports the outcome.
func (c *Root) copied(ok string) func(error) {
	return func(err error) {
		c.env.Lock()
		defer c.env.UnlockRender()
		if err != nil {
			c.Notice = "Could not copy (" + err.Error() + "): select the text and press Ctrl+C."
			return
		}
		c.Notice = ok
	}
}

// CloseNotice hides the notice and the share link.
func (c *Root) CloseNotice(e vugu.DOMEvent) { c.Notice, c.ShareURL, c.HasPrevious = "", "", false }

func (c *Root) topFindings(p *audit.PolicyReport) []audit.Finding {
	if len(p.Findings) > 50 {
		return p.Findings[:50]
	}
	return p.Findings
}

func (c *Root) moreFindings(p *audit.PolicyReport) string {
	return fmt.Sprintf("… and %d more findings (use the CLI's --fmt json for all).", len(p.Findings)-50)
}

func (c *Root) findingTitle(f audit.Finding) string {
	if f.Method != "" {
		return f.Title + ": " + f.Method
	}
	return f.Title
}

func (c *Root) findingActions(f audit.Finding) string {
	if len(f.Actions) > 10 {
		return strings.Join(f.Actions[:10], ", ") + fmt.Sprintf(" (+%d)", len(f.Actions)-10)
	}
	return strings.Join(f.Actions, ", ")
}

func (c *Root) findingScope(f audit.Finding) string {
	s := "on specific resources"
	if f.Unconstrained {
		s = "on Resource *"
	}
	if f.Conditioned {
		s += ", with conditions"
	}
	return "in " + strings.Join(f.Statements, ", ") + ", " + s
}

func (c *Root) unknownText(u audit.Unknown) string {
	s := "unknown action " + u.Pattern + " in " + u.Statement
	if len(u.Suggestions) > 0 {
		s += "; did you mean " + strings.Join(u.Suggestions, ", ") + "?"
	}
	return s
}

// OnServiceSearch filters the service list.
func (c *Root) OnServiceSearch(e vugu.DOMEvent) {
	c.ServiceQuery = e.PropString("target", "value")
}

func (c *Root) services() []webapp.ServiceHit {
	if c.DB == nil {
		return nil
	}
	return webapp.SearchServices(c.DB, c.ServiceQuery)
}

func (c *Root) serviceClass(p string) string {
	if p == c.Service {
		return "active"
	}
	return ""
}

// SelectService opens a service on the Browse screen.
func (c *Root) SelectService(e vugu.DOMEvent, prefix string) {
	e.PreventDefault()
	c.Service = prefix
	c.filter = webapp.ActionFilter{}
	c.syncHash()
	c.save()
}

func (c *Root) service() *iamdb.Service {
	if c.DB == nil || c.Service == "" {
		return nil
	}
	return c.DB.Service(c.Service)
}

// OnFilter updates the Browse filters.
func (c *Root) OnFilter(e vugu.DOMEvent, which string) {
	v := e.PropString("target", "value")
	switch which {
	case "level":
		c.filter.AccessLevel = v
	case "rt":
		c.filter.ResourceType = v
	case "cond":
		c.filter.Condition = v
	case "text":
		c.filter.Text = v
	}
}

func (c *Root) browseActions() []*iamdb.Action {
	s := c.service()
	if s == nil {
		return nil
	}
	return webapp.FilterActions(s, c.filter)
}

// state is what is saved and shared.
func (c *Root) state() webapp.State {
	return webapp.State{Tab: c.Tab, CRUDYAML: c.CRUDYAML, ActionsYAML: c.ActionsYAML, AuditText: c.AuditText,
		AuditList: c.AuditList, Minimize: c.Minimize, MinLength: c.MinLength, OutTab: c.OutTab, Service: c.Service}
}

func (c *Root) apply(s webapp.State) {
	if s.Tab != "" {
		c.Tab = s.Tab
	}
	if s.Tab != "" || s.CRUDYAML != "" {
		// A state saved by the app always has a tab: an empty
		// template is then what the user left.
		c.CRUDYAML = s.CRUDYAML
	}
	if s.Tab != "" || s.ActionsYAML != "" {
		c.ActionsYAML = s.ActionsYAML
	}
	c.AuditText, c.AuditList = s.AuditText, s.AuditList
	c.Minimize, c.MinLength = s.Minimize, s.MinLength
	if s.OutTab != "" {
		c.OutTab = s.OutTab
	}
	c.Service = s.Service
}

// restore loads a shared link's state, else the saved one. Opening a
// shared link keeps the previous work, which RestorePrevious brings back.
func (c *Root) restore() {
	if saved := loadSaved(); saved != "" {
		if s, err := webapp.DecodeSaved(saved); err == nil {
			c.apply(s)
		}
	}
	c.openHash(getHash())
}

// openHash applies a URL fragment: a shared state (#s=...) or a Browse
// link (#service=prefix). A shared state is moved into localStorage and
// the fragment cleared, so that later edits survive a reload.
func (c *Root) openHash(h string) {
	switch {
	case strings.HasPrefix(h, "#s="):
		s, err := webapp.DecodeFragment(h)
		if err != nil {
			c.Notice = err.Error()
			return
		}
		if prev := webapp.EncodeFragment(c.state()); prev != webapp.EncodeFragment(s) {
			storePrevious(prev)
			c.HasPrevious = true
		}
		c.apply(s)
		c.Notice = "Opened a shared link."
		c.save()
		c.syncHash()
		if c.DB != nil {
			c.regenerate("crud")
			c.regenerate("actions")
			c.runAudit(nil)
		}
	case strings.HasPrefix(h, "#service="):
		c.Tab, c.Service = "browse", strings.TrimPrefix(h, "#service=")
		c.filter = webapp.ActionFilter{}
		c.save()
	}
}

// RestorePrevious brings back the work replaced by opening a shared link
// or by the form's rewrite of a first-format template.
func (c *Root) RestorePrevious(e vugu.DOMEvent) {
	prev := loadPrevious()
	s, err := webapp.DecodeFragment(prev)
	if err != nil {
		c.Notice = "No previous work to restore."
		c.HasPrevious = false
		return
	}
	storePrevious(webapp.EncodeFragment(c.state())) // a second click undoes
	c.apply(s)
	c.Notice = "Restored your previous work (click again to undo)."
	c.save()
	c.syncHash()
	c.regenerate("crud")
	c.regenerate("actions")
	c.runAudit(nil)
}

// syncHash keeps the address bar a shareable Browse link on the Browse
// screen and clears it elsewhere, so a stale fragment never overrides the
// saved state on reload.
func (c *Root) syncHash() {
	if c.Tab == "browse" && c.Service != "" {
		setHash("service=" + c.Service)
	} else {
		setHash("")
	}
}

// save keeps the state in localStorage; when the browser refuses (storage
// full or disabled) the user is told how to keep the work.
func (c *Root) save() {
	if err := storeSaved(webapp.EncodeSaved(c.state())); err != nil {
		c.Notice = "Could not save your work in this browser (" + err.Error() + "): use Export or Copy share link to keep it."
	}
}
