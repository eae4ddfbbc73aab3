package main

import (
	"slices"
	"strings"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/vugu/vugu"
)

// ConditionEditor adds condition clauses to a write screen's template
// and removes them: where (the whole template or a CRUD section), a key
// offered from the dataset, an operator that fits the key's type, and the
// values. Each change edits the template text (webapp.AddCondition), so
// the YAML keeps its comments and the policy is written again.
type ConditionEditor struct {
	// W is the write screen whose template is edited.
	W *writeScreen
	// Where is the block ("" for condition:, else a section), Key, Op
	// and Values what the form holds.
	Where, Key, Op, Values string
	// Shortcut is the template shortcut picked to fill Key and Op, or "".
	Shortcut string

	keysFor   string // the services keysCache was made for
	keysCache []webapp.ConditionKeyChoice
	// KeysOpen: the key field has the focus, so its suggestions (a
	// datalist of a few hundred keys with their descriptions, half the
	// CRUD screen's elements) are in the page; otherwise they are left
	// out, and each render on a keystroke in the template has half the
	// elements to update (wasm/README.md, "Keystroke"). It is exported
	// so that Vugu's change tracking sees it and builds the editor again.
	KeysOpen bool
}

// conditionEditor is the screen's condition editor.
func (w *writeScreen) conditionEditor() *ConditionEditor {
	if w.cond == nil {
		w.cond = &ConditionEditor{W: w}
	}
	return w.cond
}

func (c *ConditionEditor) listID() string { return string(c.W.id) + "-cond-keys" }

func (c *ConditionEditor) targets() []webapp.Choice { return webapp.ConditionTargets(c.W.mode) }

func (c *ConditionEditor) rows() []webapp.ConditionRow { return webapp.ConditionRows(c.W.template()) }

// keys are the keys offered: the global ones and the template's
// services', made again when the services change.
func (c *ConditionEditor) keys() []webapp.ConditionKeyChoice {
	svcs := strings.Join(webapp.TemplateServices(c.W.template()), ",")
	if c.keysCache == nil || svcs != c.keysFor {
		c.keysFor, c.keysCache = svcs, webapp.ConditionKeys(c.W.app.DB, c.W.template())
	}
	return c.keysCache
}

// OnKeyFocus puts the key suggestions in the page.
func (c *ConditionEditor) OnKeyFocus(e vugu.DOMEvent) { c.KeysOpen = true }

// OnKeyBlur takes them out again.
func (c *ConditionEditor) OnKeyBlur(e vugu.DOMEvent) { c.KeysOpen = false }

func (c *ConditionEditor) keyType() string {
	if t := webapp.ConditionKeyType(c.W.app.DB, c.Key); t != "" {
		return t
	}
	if strings.HasSuffix(strings.TrimSpace(c.Key), "/") {
		return "type the tag key after /"
	}
	if strings.TrimSpace(c.Key) != "" {
		return "unknown key"
	}
	return ""
}

func (c *ConditionEditor) operators() []string { return webapp.ConditionOperators(c.W.app.DB, c.Key) }

// operator is the chosen operator, or the first that fits the key.
func (c *ConditionEditor) operator() string {
	ops := c.operators()
	if slices.Contains(ops, c.Op) {
		return c.Op
	}
	return ops[0]
}

func (c *ConditionEditor) shortcuts() []webapp.Choice { return webapp.ConditionShortcuts() }

// OnShortcut fills the key, operator (and values, for mfa) from a
// template shortcut.
func (c *ConditionEditor) OnShortcut(e vugu.DOMEvent) {
	c.Shortcut = e.PropString("target", "value")
	if op, key, vals, ok := webapp.ShortcutFill(c.Shortcut); ok {
		c.Op, c.Key = op, key
		if vals != "" {
			c.Values = vals
		}
	}
}

// OnWhere picks the block.
func (c *ConditionEditor) OnWhere(e vugu.DOMEvent) { c.Where = e.PropString("target", "value") }

// OnKey sets the key.
func (c *ConditionEditor) OnKey(e vugu.DOMEvent) {
	c.Key, c.Shortcut = e.PropString("target", "value"), ""
}

// OnOperator picks the operator.
func (c *ConditionEditor) OnOperator(e vugu.DOMEvent) { c.Op = e.PropString("target", "value") }

// OnValues sets the values text.
func (c *ConditionEditor) OnValues(e vugu.DOMEvent) { c.Values = e.PropString("target", "value") }

// Add adds the clause to the template text.
func (c *ConditionEditor) Add(e vugu.DOMEvent) {
	where, op, key, vals := c.Where, c.operator(), strings.TrimSpace(c.Key), webapp.ParseConditionValues(c.Values)
	if c.W.mode != template.ModeCRUD {
		where = ""
	}
	ok := false
	c.W.formEdit(func(src string, t *template.Template) (string, error) {
		out, err := webapp.AddCondition(src, t, where, op, key, vals)
		ok = err == nil
		return out, err
	})
	if ok {
		c.Values = ""
	}
}

// Remove removes clause i of a block.
func (c *ConditionEditor) Remove(e vugu.DOMEvent, section string, i int) {
	c.W.formEdit(func(src string, t *template.Template) (string, error) {
		return webapp.RemoveCondition(src, t, section, i)
	})
}
