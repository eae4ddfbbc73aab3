package main

import (
	"strings"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/vugu/vugu"
)

// ActionsScreen writes a policy from an actions template: an action
// search that adds to the template, its YAML, and the output panel.
type ActionsScreen struct {
	writeScreen
	// Query is the action search; Hits its suggestions.
	Query string
	Hits  []webapp.ActionHit
}

func newActionsScreen(app *App) screen {
	return &ActionsScreen{writeScreen: newWriteScreen(app, "actions", template.ModeActions, webapp.DefaultActions)}
}

func (c *ActionsScreen) saveState(s *webapp.State) { s.ActionsYAML = c.YAML }

func (c *ActionsScreen) loadState(s webapp.State) {
	if s.Tab != "" || s.ActionsYAML != "" {
		c.YAML = s.ActionsYAML
	}
}

func (c *ActionsScreen) selected() []string { return webapp.SelectedActions(c.template()) }

// OnSearch updates the autocomplete.
func (c *ActionsScreen) OnSearch(e vugu.DOMEvent) {
	c.Query = e.PropString("target", "value")
	if c.app.DB != nil {
		c.Hits = webapp.SearchActions(c.app.DB, c.Query, 30)
	}
}

// AddAction adds an action from the autocomplete.
func (c *ActionsScreen) AddAction(e vugu.DOMEvent, name string) {
	for _, a := range c.selected() {
		if strings.EqualFold(a, name) {
			return
		}
	}
	c.formEdit(func(src string, t *template.Template) (string, error) { return webapp.AddAction(src, t, name) })
}

// RemoveAction removes the i-th selected action.
func (c *ActionsScreen) RemoveAction(e vugu.DOMEvent, i int) {
	c.formEdit(func(src string, t *template.Template) (string, error) { return webapp.RemoveAction(src, t, i) })
}
