package main

import (
	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/vugu/vugu"
)

// ValidateScreen checks a pasted, picked or dropped policy like IAM
// Access Analyzer's ValidatePolicy, offline: findings with their type,
// code, message, line:column and documentation; clicking one selects it
// in the editor.
type ValidateScreen struct {
	app *App
	// ValidateState is what is saved and shared.
	webapp.ValidateState
	// View is the last validation; Picked the finding last clicked (-1
	// for none).
	View   webapp.ValidateView
	Picked int
	// stale is set when the text was not validated again because the
	// screen was hidden (refresh).
	stale bool
}

// validateID is the screen's id in screenDefs and its state's key.
const validateID = "validate"

func newValidateScreen(app *App) screen {
	return &ValidateScreen{app: app, ValidateState: webapp.ValidateState{PolicyType: "identity"}, Picked: -1}
}

func (c *ValidateScreen) saveState(s *webapp.State) { s.SetScreen(validateID, c.ValidateState) }

func (c *ValidateScreen) loadState(s webapp.State) { s.Screen(validateID, &c.ValidateState) }

func (c *ValidateScreen) bigTexts(m map[string]string) {
	m["validate-input"] = c.Text
	m["validate-must-not-grant"] = c.MustNotGrant
}

// refresh validates the text again if the screen is shown; a hidden
// screen is marked stale and validated by Compute before it is next
// shown, or by catchUp in the background after start-up (a saved text
// then does not delay a first render that does not show it).
func (c *ValidateScreen) refresh() {
	if c.app.Tab != validateID {
		c.stale = true
		return
	}
	c.run()
}

// Compute runs before each render of the screen (Vugu's lifecycle).
func (c *ValidateScreen) Compute(ctx vugu.ComputeCtx) { c.catchUp() }

// catchUp validates the text if refresh put it off.
func (c *ValidateScreen) catchUp() {
	if c.stale {
		c.run()
	}
}

// takeDrop takes a single dropped policy while the screen is shown.
func (c *ValidateScreen) takeDrop(fs []webapp.File, shown bool) bool {
	if !shown || len(fs) != 1 || webapp.IsTemplateFile(fs[0].Name) {
		return false
	}
	c.open(fs[0])
	return true
}

func (c *ValidateScreen) open(f webapp.File) {
	c.Text = string(f.Data)
	c.app.Notice = "Validating " + f.Name + "."
	c.run()
	c.app.save()
}

// run validates the text (nothing to show for an empty one).
func (c *ValidateScreen) run() {
	c.Picked, c.stale = -1, false
	if c.app.DB == nil || c.Text == "" {
		c.View = webapp.ValidateView{}
		return
	}
	c.View = webapp.ValidatePolicy(c.app.DB, c.ValidateState)
}

// OnInput handles typing or pasting a policy.
func (c *ValidateScreen) OnInput(e vugu.DOMEvent) {
	c.Text = value(e)
	c.run()
	c.app.save()
}

// OnPolicyType sets the policy type.
func (c *ValidateScreen) OnPolicyType(e vugu.DOMEvent) {
	c.PolicyType = value(e)
	c.run()
	c.app.save()
}

// OnResourceType sets the resource type of a resource policy.
func (c *ValidateScreen) OnResourceType(e vugu.DOMEvent) {
	c.ResourceType = value(e)
	c.run()
	c.app.save()
}

// OnMustNotGrant handles typing in the must-not-grant list.
func (c *ValidateScreen) OnMustNotGrant(e vugu.DOMEvent) {
	c.MustNotGrant = value(e)
	c.run()
	c.app.save()
}

// OnPublic turns the public-access check on or off.
func (c *ValidateScreen) OnPublic(e vugu.DOMEvent) {
	c.NoPublic = !e.PropBool("target", "checked")
	c.run()
	c.app.save()
}

// guardChoices are the built-in guardrails' checkboxes.
func (c *ValidateScreen) guardChoices() *GuardChoices {
	return &GuardChoices{List: &c.Guardrails, TestID: "validate-guardrail-", Changed: func() {
		c.run()
		c.app.save()
	}}
}

// OnFile reads a picked policy file.
func (c *ValidateScreen) OnFile(e vugu.DOMEvent) {
	c.app.readFiles(e.JSEventTarget().Get("files"), func(fs []webapp.File) {
		if len(fs) > 0 {
			c.open(fs[0])
		}
	})
}

// Select selects a finding's text in the editor.
func (c *ValidateScreen) Select(e vugu.DOMEvent, i int) {
	f := c.View.Findings[i]
	c.Picked = i
	if f.Start >= 0 {
		selectRange("validate-input", f.Start, f.End, f.Line)
	}
}

func (c *ValidateScreen) findingClass(i int) string {
	s := "vf-" + c.View.Findings[i].Class
	if i == c.Picked {
		s += " picked"
	}
	return s
}

func (c *ValidateScreen) isResource() bool { return c.PolicyType == "resource" }
