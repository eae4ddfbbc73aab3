package main

import (
	"strings"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/vugu/vugu"
)

// CrudScreen writes a policy from a CRUD template: a form of the
// template's sections beside its YAML, and the output panel.
type CrudScreen struct {
	writeScreen
	showAll  bool
	arnHints map[string]string
}

func newCrudScreen(app *App) screen {
	return &CrudScreen{writeScreen: newWriteScreen(app, "crud", template.ModeCRUD, webapp.DefaultCRUD)}
}

func (c *CrudScreen) saveState(s *webapp.State) { s.CRUDYAML = c.YAML }

func (c *CrudScreen) loadState(s webapp.State) {
	if s.Tab != "" || s.CRUDYAML != "" {
		// A state saved by the app always has a tab: an empty
		// template is then what the user left.
		c.YAML = s.CRUDYAML
	}
}

func (c *CrudScreen) sections() []webapp.Section {
	return webapp.VisibleSections(c.template(), c.showAll)
}

func (c *CrudScreen) moreSectionsLabel() string {
	if c.showAll {
		return "Hide empty sections"
	}
	return "Show every section (wildcard-only, skip, exclude, sts)"
}

// ToggleAllSections shows or hides the empty optional sections.
func (c *CrudScreen) ToggleAllSections(e vugu.DOMEvent) { c.showAll = !c.showAll }

func (c *CrudScreen) rows(key string) []string { return webapp.Rows(c.template(), key) }

// arnHint is the inline flag of an ARN row, cached by value: a render
// asks for every row and matching compiles the service's ARN formats.
func (c *CrudScreen) arnHint(v string) string {
	if c.app.DB == nil || strings.TrimSpace(v) == "" {
		return ""
	}
	if h, ok := c.arnHints[v]; ok {
		return h
	}
	if c.arnHints == nil || len(c.arnHints) > 1000 {
		c.arnHints = map[string]string{}
	}
	h := webapp.CheckARN(c.app.DB, v).Message
	c.arnHints[v] = h
	return h
}

// OnRow handles an edited form row.
func (c *CrudScreen) OnRow(e vugu.DOMEvent, key string, i int) {
	v := e.PropString("target", "value")
	c.formEdit(func(src string, t *template.Template) (string, error) { return webapp.SetRow(src, t, key, i, v) })
}

// AddRow adds an empty row to a section.
func (c *CrudScreen) AddRow(e vugu.DOMEvent, key string) {
	c.formEdit(func(src string, t *template.Template) (string, error) { return webapp.AddRow(src, t, key, "") })
}

// RemoveRow deletes a row.
func (c *CrudScreen) RemoveRow(e vugu.DOMEvent, key string, i int) {
	c.formEdit(func(src string, t *template.Template) (string, error) { return webapp.RemoveRow(src, t, key, i) })
}
