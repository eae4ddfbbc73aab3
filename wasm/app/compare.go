package main

import (
	"maps"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/vugu/vugu"
)

// Compare is the Compare screen: does NEW grant access that OLD did not,
// which guardrails it breaks, and the statements responsible. Its input
// lives in the app's state (State), so that it is saved, shared and kept
// across screens; the result is recomputed when the input or the dataset
// changes.
type Compare struct {
	// DB returns the dataset, nil while it loads.
	DB func() *iamdb.DB
	// State is the screen's input (the screen's own, or one given).
	State *webapp.CompareState
	// Changed is called after each edit (the app saves its state).
	Changed func()

	input    webapp.CompareState // State's target when the app made the screen
	result   webapp.CompareView
	resultOf webapp.CompareState
	resultDB *iamdb.DB
}

// newCompareScreen makes the Compare screen; its state is its own,
// saved under "compare" in webapp.State.Screens.
func newCompareScreen(app *App) screen {
	c := &Compare{DB: func() *iamdb.DB { return app.DB }, Changed: app.save}
	c.State = &c.input
	return c
}

func (c *Compare) saveState(s *webapp.State) { s.SetScreen("compare", *c.State) }

func (c *Compare) loadState(s webapp.State) {
	var in webapp.CompareState
	s.Screen("compare", &in)
	*c.State = in
}

func (c *Compare) bigTexts(m map[string]string) { maps.Copy(m, c.texts()) }

// compareBoxes are the textareas of the screen by the box names of
// webapp.Loc.
var compareBoxes = map[string]string{"old": "compare-old", "new": "compare-new", "mustNotGrant": "compare-must-not-grant"}

// texts are the screen's large text fields by element id (see
// syncBigText).
func (c *Compare) texts() map[string]string {
	return map[string]string{"compare-old": c.State.Old, "compare-new": c.State.New, "compare-must-not-grant": c.State.MustNotGrant}
}

// view is the comparison of the current input (nil while the dataset
// loads), computed once per input.
func (c *Compare) view() *webapp.CompareView {
	db := c.DB()
	if db == nil {
		return nil
	}
	if c.resultDB != db || c.resultOf != *c.State {
		c.result, c.resultOf, c.resultDB = webapp.Compare(db, *c.State), *c.State, db
	}
	return &c.result
}

func (c *Compare) errors(box string) []string {
	if v := c.view(); v != nil {
		return v.Errors[box]
	}
	return nil
}

func (c *Compare) verdictClass() string {
	if c.view().Failed {
		return "verdict fail"
	}
	return "verdict pass"
}

// changeGroup is one list of changes on the screen.
type changeGroup struct {
	Title, TestID, Class string
	Changes              []webapp.ChangeView
}

func (c *Compare) groups() []changeGroup {
	v := c.view()
	var out []changeGroup
	for _, g := range []changeGroup{
		{"New access", "compare-new-access", "new", v.New},
		{"May grant new access (depends on the request's context)", "compare-may-access", "may", v.May},
		{"No longer granted", "compare-removed", "removed", v.Removed},
	} {
		if len(g.Changes) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// guardChoices are the built-in guardrails' checkboxes.
func (c *Compare) guardChoices() *GuardChoices {
	return &GuardChoices{List: &c.State.Guardrails, TestID: "guardrail-", Changed: c.Changed}
}

// OnText handles typing in one of the screen's text boxes.
func (c *Compare) OnText(e vugu.DOMEvent, box string) {
	v := e.PropString("target", "value")
	switch box {
	case "old":
		c.State.Old = v
	case "new":
		c.State.New = v
	case "mustNotGrant":
		c.State.MustNotGrant = v
	}
	c.Changed()
}

// OnPublic turns the public-access check on or off.
func (c *Compare) OnPublic(e vugu.DOMEvent) {
	c.State.Public = e.PropBool("target", "checked")
	c.Changed()
}

// Select highlights a statement in its policy box.
func (c *Compare) Select(e vugu.DOMEvent, l webapp.Loc) {
	selectRange(compareBoxes[l.Box], l.Start, l.End, l.Line)
}

func (c *Compare) locTitle(l webapp.Loc) string { return locTitle(l) }
