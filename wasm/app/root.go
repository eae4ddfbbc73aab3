package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/leastpriv/policysentry/engine/writer"
	"github.com/vugu/vugu"
)

// Root is the whole app: dataset status, the four screens and their state.
type Root struct {
	// Status is loading, ready or error; StatusText says it with the
	// dataset version; Progress is the dataset download in percent.
	Status     string
	StatusText string
	Progress   int
	// DB is the IAM dataset once loaded.
	DB *iamdb.DB

	// Tab is the screen shown: crud, actions, audit or browse.
	Tab string
	// Notice is a one-line message under the tabs.
	Notice string
	// ShareURL is the last share link made (shown until closed).
	ShareURL string
	// HasPrevious is set when a shared link replaced earlier work that
	// RestorePrevious can bring back.
	HasPrevious bool
	// crudStale is set while the CRUD YAML does not parse: the form then
	// shows the last parsed template read-only, so a form edit never
	// overwrites what is being typed in the YAML.
	crudStale bool
	// staleOut marks the write screens ("crud", "actions") whose policy
	// is out of date because they were hidden (see regenerate).
	staleOut map[string]bool
	arnHints map[string]string

	// CRUDYAML and ActionsYAML are the templates of the write screens,
	// CRUDOut and ActionsOut their policies; OutTab is the output format
	// shown (json, yaml, terraform); Minimize and MinLength are the
	// writer's options.
	CRUDYAML    string
	crudTmpl    *template.Template
	CRUDOut     webapp.PolicyOutput
	ActionsYAML string
	actionsTmpl *template.Template
	ActionsOut  webapp.PolicyOutput
	OutTab      string
	Minimize    bool
	MinLength   int
	showAll     bool
	// RegenMillis is the time of the last policy regeneration (for the
	// performance test; exposed on <body data-regen-ms>).
	RegenMillis float64

	// ActionQuery is the action search; Hits its suggestions.
	ActionQuery string
	Hits        []webapp.ActionHit

	// AuditText is the pasted policy, AuditList the custom audit list,
	// Report the last audit (AuditErr when it failed); AuditBusy and
	// AuditProgress show a running audit.
	AuditText     string
	AuditList     string
	auditFiles    []webapp.File
	Report        *audit.Report
	AuditErr      string
	AuditBusy     bool
	AuditProgress int
	auditGen      int
	// AuditShown is how many audited policies are rendered.
	AuditShown int

	// ServiceQuery filters the Browse list; Service is the one shown.
	ServiceQuery string
	Service      string
	filter       webapp.ActionFilter

	crudPanel, actionsPanel *OutputPanel
	// account is the Audit screen's account view.
	account *AccountPanel
	env     vugu.EventEnv
}

// Init starts loading the dataset and restores the saved state.
func (c *Root) Init(ctx vugu.InitCtx) {
	mark("app-init")
	c.env = ctx.EventEnv()
	c.Tab, c.OutTab = "crud", "json"
	c.CRUDYAML, c.ActionsYAML = webapp.DefaultCRUD, webapp.DefaultActions
	c.crudPanel = &OutputPanel{Root: c, Mode: "crud"}
	c.actionsPanel = &OutputPanel{Root: c, Mode: "actions"}
	c.account = &AccountPanel{Root: c}
	c.restore()
	onHashChange(func(h string) {
		c.env.Lock()
		defer c.env.UnlockRender()
		c.openHash(h)
	})
	c.startLoad(false)
}

func (c *Root) startLoad(retry bool) {
	c.Status, c.StatusText, c.Progress = "loading", "loading the IAM dataset…", 0
	go func() {
		// Each streamed chunk reports progress; re-rendering the whole page
		// for every chunk slowed start-up by hundreds of milliseconds (a
		// render takes tens of milliseconds while the wasm is still cold),
		// so the bar is redrawn at most ten times a second: a fast local
		// load draws no intermediate frame, a slow network still sees the
		// bar move.
		lastDraw := time.Now()
		db, err := loadDataset(retry, func(done, total int64) {
			c.env.Lock()
			if total > 0 {
				c.Progress = int(done * 100 / total)
			}
			c.StatusText = fmt.Sprintf("loading the IAM dataset… %d KB", done/1024)
			if time.Since(lastDraw) >= 100*time.Millisecond {
				lastDraw = time.Now()
				c.env.UnlockRender()
				return
			}
			c.env.UnlockOnly()
		})
		c.env.Lock()
		defer c.env.UnlockRender()
		if err != nil {
			c.Status, c.StatusText = "error", "error: could not load the IAM dataset: "+err.Error()
			return
		}
		c.DB = db
		c.Status = "ready"
		c.StatusText = fmt.Sprintf("ready %s (%d services, %d actions)", db.Manifest.Version, db.Manifest.Counts.Services, db.Manifest.Counts.Actions)
		c.regenerate("crud")
		c.regenerate("actions")
		mark("regenerated")
		if c.AuditText != "" {
			c.runAudit(nil)
		}
		markReady()
		go func() {
			decodeRest(db)
			c.env.Lock()
			c.regenHidden()
			c.env.UnlockOnly() // hidden screens: nothing to redraw
		}()
	}()
}

// decodeRest decodes the actions of every service after start-up (the
// load decoded only what the first policies used), a few services at a
// time with pauses for the browser, so that the first search, browse or
// audit does not wait for them.
func decodeRest(db *iamdb.DB) {
	for i, s := range db.Services {
		s.Actions()
		if i%16 == 15 {
			yield()
		}
	}
	mark("dataset-complete")
}

// Retry downloads the dataset again after a failure, bypassing the HTTP
// cache (which may hold a corrupt copy).
func (c *Root) Retry(e vugu.DOMEvent) { c.startLoad(true) }

// SetTab switches screens.
func (c *Root) SetTab(e vugu.DOMEvent, tab string) {
	c.Tab = tab
	c.syncHash()
	c.save()
}

func (c *Root) tabClass(tab string) string {
	if c.Tab == tab {
		return "tab active"
	}
	return "tab"
}

func (c *Root) outTabClass(tab string) string {
	if c.OutTab == tab {
		return "tab active"
	}
	return "tab"
}

func (c *Root) jsonClass() string {
	if c.OutTab == "json" {
		return "policy"
	}
	return "policy hidden"
}

// SetOutTab switches the output format tab.
func (c *Root) SetOutTab(e vugu.DOMEvent, tab string) {
	c.OutTab = tab
	c.save()
}

func (c *Root) outputPanel(mode string) vugu.Builder {
	if mode == "actions" {
		return c.actionsPanel
	}
	return c.crudPanel
}

func (c *Root) accountPanel() vugu.Builder { return c.account }

func (c *Root) out(mode string) *webapp.PolicyOutput {
	if mode == "actions" {
		return &c.ActionsOut
	}
	return &c.CRUDOut
}

func (c *Root) sizeText(mode string) string {
	o := c.out(mode)
	if o.JSON == "" {
		return ""
	}
	return o.SizeText
}

// regenerate writes the policy of a screen from its YAML. On errors the
// last good policy stays and the errors are listed.
//
// Only the screen on show is regenerated: a hidden write screen is marked
// stale instead, and regenerated by Compute before it is next shown (or
// in the background after start-up), so that start-up writes one policy.
func (c *Root) regenerate(mode string) {
	if c.Tab != mode {
		if c.staleOut == nil {
			c.staleOut = map[string]bool{}
		}
		c.staleOut[mode] = true
		return
	}
	c.regen(mode, false)
}

// Compute runs before each render (Vugu's lifecycle): it regenerates the
// policy of the screen about to be shown if it went stale while hidden.
func (c *Root) Compute(ctx vugu.ComputeCtx) {
	if c.staleOut[c.Tab] {
		c.regen(c.Tab, false)
	}
}

// regenHidden regenerates the write screens that went stale while hidden,
// so that switching to them is instant.
func (c *Root) regenHidden() {
	for _, mode := range []string{"crud", "actions"} {
		if c.staleOut[mode] {
			c.regen(mode, false)
		}
	}
}

// regen is regenerate; fromForm says the YAML was just written from the
// form's template, which then stays the form's model even when the YAML
// does not validate yet (a half-typed ARN), so the form stays editable.
func (c *Root) regen(mode string, fromForm bool) {
	if c.DB == nil {
		return
	}
	delete(c.staleOut, mode)
	start := time.Now()
	src := c.CRUDYAML
	if mode == "actions" {
		src = c.ActionsYAML
	}
	o := webapp.WritePolicy(c.DB, src, writer.Options{Minimize: c.Minimize, MinLength: c.MinLength})
	prev := c.out(mode)
	// A template read from the text is the form's model (form edits keep
	// the two in step; the text is the truth).
	if o.Template != nil {
		if mode == "actions" {
			c.actionsTmpl = o.Template
		} else {
			c.crudTmpl = o.Template
		}
	}
	if mode == "crud" {
		c.crudStale = o.Template == nil && !fromForm
	}
	if len(o.Errors) > 0 {
		prev.Errors = o.Errors
	} else {
		*prev = o
	}
	c.RegenMillis = float64(time.Since(start).Microseconds()) / 1000
	setRegenTime(c.RegenMillis)
}

// OnYAML handles typing in a template textarea.
func (c *Root) OnYAML(e vugu.DOMEvent, mode string) {
	v := e.PropString("target", "value")
	if mode == "actions" {
		c.ActionsYAML = v
	} else {
		c.CRUDYAML = v
	}
	c.regenerate(mode)
	c.save()
}

// OnMinimize toggles minimization.
func (c *Root) OnMinimize(e vugu.DOMEvent) {
	c.Minimize = e.PropBool("target", "checked")
	c.regenerate("crud")
	c.regenerate("actions")
	c.save()
}

// OnMinLength sets the minimum prefix length.
func (c *Root) OnMinLength(e vugu.DOMEvent) {
	var n int
	fmt.Sscanf(e.PropString("target", "value"), "%d", &n)
	if n < 0 {
		n = 0
	}
	c.MinLength = n
	c.regenerate("crud")
	c.regenerate("actions")
	c.save()
}

func (c *Root) tmpl(mode string) *template.Template {
	t := c.crudTmpl
	if mode == "actions" {
		t = c.actionsTmpl
	}
	if t == nil {
		t = &template.Template{Mode: template.ModeCRUD}
		if mode == "actions" {
			t.Mode = template.ModeActions
		}
	}
	return t
}

func (c *Root) sections() []webapp.Section {
	var out []webapp.Section
	t := c.tmpl("crud")
	for i, s := range webapp.CRUDSections {
		if c.showAll || i < 5 || len(*t.Entries(s.Key)) > 0 {
			out = append(out, s)
		}
	}
	return out
}

func (c *Root) moreSectionsLabel() string {
	if c.showAll {
		return "Hide empty sections"
	}
	return "Show every section (wildcard-only, skip, exclude, sts)"
}

// ToggleAllSections shows or hides the empty optional sections.
func (c *Root) ToggleAllSections(e vugu.DOMEvent) { c.showAll = !c.showAll }

func (c *Root) rows(key string) []string {
	var out []string
	for _, e := range *c.tmpl("crud").Entries(key) {
		out = append(out, e.Value)
	}
	return out
}

// arnHint is the inline flag of an ARN row, cached by value: a render
// asks for every row and matching compiles the service's ARN formats.
func (c *Root) arnHint(v string) string {
	if c.DB == nil || strings.TrimSpace(v) == "" {
		return ""
	}
	if h, ok := c.arnHints[v]; ok {
		return h
	}
	if c.arnHints == nil || len(c.arnHints) > 1000 {
		c.arnHints = map[string]string{}
	}
	h := webapp.CheckARN(c.DB, v).Message
	c.arnHints[v] = h
	return h
}

// formEdit makes a form edit: f edits the screen's YAML text and the
// form's model of it together (webapp.Edit), so the text keeps the user's
// comments and formatting. On an error (the text is mid-typing and not
// YAML) the text stays as typed and the notice says why.
func (c *Root) formEdit(mode string, f func(src string, t *template.Template) (string, error)) {
	t := c.tmpl(mode)
	if mode == "actions" {
		c.actionsTmpl = t
	} else {
		c.crudTmpl = t
	}
	src := c.CRUDYAML
	if mode == "actions" {
		src = c.ActionsYAML
	}
	y, err := f(src, t)
	if err != nil {
		c.Notice = "The form could not change the YAML: " + err.Error()
		return
	}
	if template.IsFirstFormat([]byte(src)) {
		// The first format is rewritten, not edited in place: keep the
		// original behind "Restore previous work".
		storePrevious(webapp.EncodeFragment(c.state()))
		c.HasPrevious = true
		c.Notice = "The form rewrote this first-format template (roles_with_crud_levels / roles_with_actions) in the current format, which it can edit in place; its comments were not kept. \"Restore previous work\" brings the original text back."
	}
	if mode == "actions" {
		c.ActionsYAML = y
	} else {
		c.CRUDYAML = y
	}
	c.regen(mode, true)
	c.save()
}

// OnRow handles an edited form row.
func (c *Root) OnRow(e vugu.DOMEvent, key string, i int) {
	v := e.PropString("target", "value")
	c.formEdit("crud", func(src string, t *template.Template) (string, error) { return webapp.SetRow(src, t, key, i, v) })
}

// AddRow adds an empty row to a section.
func (c *Root) AddRow(e vugu.DOMEvent, key string) {
	c.formEdit("crud", func(src string, t *template.Template) (string, error) { return webapp.AddRow(src, t, key, "") })
}

// RemoveRow deletes a row.
func (c *Root) RemoveRow(e vugu.DOMEvent, key string, i int) {
	c.formEdit("crud", func(src string, t *template.Template) (string, error) { return webapp.RemoveRow(src, t, key, i) })
}

func (c *Root) actionRows() []string {
	var out []string
	for _, e := range c.tmpl("actions").Actions {
		if e.Value != "" {
			out = append(out, e.Value)
		}
	}
	return out
}

// OnActionSearch updates the autocomplete.
func (c *Root) OnActionSearch(e vugu.DOMEvent) {
	c.ActionQuery = e.PropString("target", "value")
	if c.DB != nil {
		c.Hits = webapp.SearchActions(c.DB, c.ActionQuery, 30)
	}
}

// AddAction adds an action from the autocomplete.
func (c *Root) AddAction(e vugu.DOMEvent, name string) {
	for _, a := range c.actionRows() {
		if strings.EqualFold(a, name) {
			return
		}
	}
	c.formEdit("actions", func(src string, t *template.Template) (string, error) { return webapp.AddAction(src, t, name) })
}

// RemoveAction removes the i-th selected action.
func (c *Root) RemoveAction(e vugu.DOMEvent, i int) {
	c.formEdit("actions", func(src string, t *template.Template) (string, error) { return webapp.RemoveAction(src, t, i) })
}
