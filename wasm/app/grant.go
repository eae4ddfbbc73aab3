package main

import (
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/grant"
	"github.com/vugu/vugu"
)

// GrantScreen writes resource-based policies and role trust policies
// (engine/grant): a template editor per mode, and the policy it writes,
// validated as its policy type, beside it.
type GrantScreen struct {
	app *App
	// Mode is the template shown: resource or trust.
	Mode string
	// Texts are the template texts by mode (the skeletons at first).
	Texts map[string]string
	// Tab is the rendering shown: json or yaml.
	Tab string
	// Out is the last good policy; Errors the template's errors, when
	// the text does not write one.
	Out    webapp.GrantOutput
	Errors diag.List

	stale bool // Out is out of date: the input changed while the screen was hidden

	checksPanel *ChecksPanel
}

// grantState is the screen's saved state (State.SetScreen).
type grantState struct {
	Mode  string            `json:"mode"`
	Texts map[string]string `json:"texts"`
}

func newGrantScreen(app *App) screen {
	c := &GrantScreen{app: app, Tab: "json", Texts: map[string]string{}}
	c.reset()
	return c
}

// reset puts the skeletons back, the first mode shown.
func (c *GrantScreen) reset() {
	sk := webapp.GrantSkeletons()
	c.Mode = sk[0].Mode
	c.Texts = map[string]string{}
	for _, s := range sk {
		c.Texts[s.Mode] = s.Text
	}
}

func (c *GrantScreen) saveState(s *webapp.State) {
	s.SetScreen("grant", grantState{Mode: c.Mode, Texts: c.Texts})
}

func (c *GrantScreen) loadState(s webapp.State) {
	c.reset()
	var st grantState
	s.Screen("grant", &st)
	for m, t := range st.Texts {
		if _, ok := c.Texts[m]; ok {
			c.Texts[m] = t
		}
	}
	if _, ok := c.Texts[st.Mode]; ok {
		c.Mode = st.Mode
	}
}

// refresh writes the policy of the template shown, if the screen is
// shown; a hidden screen is marked stale and written by Compute before
// it is next shown (start-up writes only the shown screen's policy).
func (c *GrantScreen) refresh() {
	if c.app.Tab != "grant" {
		c.stale = true
		return
	}
	c.write()
}

// Compute runs before each render of the screen (Vugu's lifecycle).
func (c *GrantScreen) Compute(ctx vugu.ComputeCtx) {
	if c.stale {
		c.write()
	}
}

func (c *GrantScreen) write() {
	if c.app.DB == nil {
		return
	}
	c.stale = false
	o := webapp.WriteGrant(c.app.DB, c.Texts[c.Mode])
	c.Errors = o.Errors
	if len(o.Errors) == 0 {
		c.Out = o
	}
}

// bigTexts adds the template textarea.
func (c *GrantScreen) bigTexts(m map[string]string) { m["grant-yaml"] = c.Texts[c.Mode] }

// takeDrop takes a single dropped resource or trust template.
func (c *GrantScreen) takeDrop(fs []webapp.File, shown bool) bool {
	if len(fs) != 1 || !webapp.IsTemplateFile(fs[0].Name) {
		return false
	}
	m := grant.ModeOf(fs[0].Data)
	if m == "" {
		return false
	}
	c.app.showScreen(c)
	c.Mode = string(m)
	c.Texts[c.Mode] = string(fs[0].Data)
	c.app.Notice = "Imported " + fs[0].Name
	c.refresh()
	c.app.save()
	return true
}

// OnYAML handles typing in the template.
func (c *GrantScreen) OnYAML(e vugu.DOMEvent) {
	c.Texts[c.Mode] = e.PropString("target", "value")
	c.refresh()
	c.app.save()
}

// SetMode shows the resource or the trust template.
func (c *GrantScreen) SetMode(e vugu.DOMEvent, mode string) {
	c.Mode = mode
	c.Out = webapp.GrantOutput{}
	c.refresh()
	c.app.save()
}

// SetTab shows the json or yaml rendering.
func (c *GrantScreen) SetTab(e vugu.DOMEvent, tab string) { c.Tab = tab }

// Copy copies the rendering shown.
func (c *GrantScreen) Copy(e vugu.DOMEvent) {
	copyText(c.policy(), c.app.copied("Policy copied."))
}

// Download saves the rendering shown.
func (c *GrantScreen) Download(e vugu.DOMEvent) {
	if c.Tab == "yaml" {
		download(c.Mode+"-policy.yml", "application/yaml", c.Out.YAML)
		return
	}
	download(c.Mode+"-policy.json", "application/json", c.Out.JSON)
}

func (c *GrantScreen) policy() string {
	if c.Tab == "yaml" {
		return c.Out.YAML
	}
	return c.Out.JSON
}

func (c *GrantScreen) modeClass(m string) string {
	if c.Mode == m {
		return "tab active"
	}
	return "tab"
}

func (c *GrantScreen) tabClass(t string) string {
	if c.Tab == t {
		return "tab active"
	}
	return "tab"
}

func (c *GrantScreen) skeletons() []webapp.GrantSkeleton { return webapp.GrantSkeletons() }

// checks is the Checks column: the validation of the policy, listed
// (clicking a finding shows the JSON tab and selects it there).
func (c *GrantScreen) checks() *ChecksPanel {
	if c.checksPanel == nil {
		c.checksPanel = &ChecksPanel{TextID: "grant-policy", Open: true, Show: func() { c.Tab = "json" }}
	}
	c.checksPanel.Checks = &c.Out.Checks
	return c.checksPanel
}
