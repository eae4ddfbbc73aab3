package main

import (
	"fmt"
	"maps"
	"strings"
	"unicode/utf16"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/workbench"
	"github.com/vugu/vugu"
)

// Lists that can become empty start with a space in the .vugu files:
// Vugu 0.4's renderer leaves an element's old children in place when its
// new child list is empty (opcodeRemoveOtherNodes does nothing after a
// move to a first child that is not there), so an empty list would keep
// showing the previous one.

// Simulate is the Simulate screen: the decision for one request against
// the policies pasted, with the statements that decided it. Its input
// lives in the app's state (State), so that it is saved, shared and kept
// across screens; the result is recomputed when the input or the dataset
// changes.
type Simulate struct {
	// DB returns the dataset, nil while it loads.
	DB func() *iamdb.DB
	// State is the screen's input (the screen's own, or one given).
	State *webapp.SimulateState
	// Changed is called after each edit (the app saves its state).
	Changed func()

	input    webapp.SimulateState // State's target when the app made the screen
	result   webapp.SimulateView
	resultOf webapp.SimulateState
	resultDB *iamdb.DB
	// keysOf caches the context keys offered for an action and resource.
	keysOf  [2]string
	keyList []workbench.ContextKey
	// hitsOf caches the action suggestions for what is typed.
	hitsOf  string
	hitList []webapp.ActionHit
}

// newSimulateScreen makes the Simulate screen; its state is its own,
// saved under "simulate" in webapp.State.Screens.
func newSimulateScreen(app *App) screen {
	c := &Simulate{DB: func() *iamdb.DB { return app.DB }, Changed: app.save}
	c.State = &c.input
	return c
}

func (c *Simulate) saveState(s *webapp.State) { s.SetScreen("simulate", *c.State) }

func (c *Simulate) loadState(s webapp.State) {
	var in webapp.SimulateState
	s.Screen("simulate", &in)
	*c.State = in
}

func (c *Simulate) bigTexts(m map[string]string) { maps.Copy(m, c.texts()) }

// texts are the screen's large text fields by element id (see
// syncBigText).
func (c *Simulate) texts() map[string]string {
	m := map[string]string{"sim-context": c.State.Context}
	for _, b := range webapp.SimulateBoxes {
		m["sim-"+b.Key] = c.State.Text(b.Key)
	}
	return m
}

// view is the simulation of the current input (nil while the dataset
// loads), computed once per input.
func (c *Simulate) view() *webapp.SimulateView {
	db := c.DB()
	if db == nil {
		return nil
	}
	if c.resultDB != db || c.resultOf != *c.State {
		c.result, c.resultOf, c.resultDB = webapp.Simulate(db, *c.State), *c.State, db
	}
	return &c.result
}

func (c *Simulate) boxes() []struct{ Key, Label, Help string } { return webapp.SimulateBoxes }

// boxClass makes the optional boxes short until they hold text.
func (c *Simulate) boxClass(key string) string {
	if key == "identity" || c.State.Text(key) != "" {
		return "box"
	}
	return "box empty"
}

func (c *Simulate) errors(box string) []string {
	if v := c.view(); v != nil {
		return v.Errors[box]
	}
	return nil
}

// keys are the condition keys offered for the request.
func (c *Simulate) keys() []workbench.ContextKey {
	db := c.DB()
	if db == nil {
		return nil
	}
	k := [2]string{c.State.Action, c.State.ResourceARN}
	if c.keyList == nil || c.keysOf != k {
		c.keysOf, c.keyList = k, c.State.ContextKeys(db)
	}
	return c.keyList
}

// actionHits are the action suggestions for what is typed.
func (c *Simulate) actionHits() []webapp.ActionHit {
	db := c.DB()
	if db == nil || strings.ContainsAny(c.State.Action, "*?") {
		return nil
	}
	if c.hitList == nil || c.hitsOf != c.State.Action {
		c.hitsOf, c.hitList = c.State.Action, webapp.SearchActions(db, c.State.Action, 20)
	}
	return c.hitList
}

func (c *Simulate) decisionClass(r webapp.DecisionView) string {
	if r.Allowed {
		return "decision allowed"
	}
	return "decision denied " + strings.ToLower(r.Decision)
}

func (c *Simulate) condClass(k webapp.ConditionView) string {
	if k.Matched {
		return "cond true"
	}
	return "cond false"
}

func (c *Simulate) condMark(k webapp.ConditionView) string {
	if k.Matched {
		return "✓"
	}
	return "✗"
}

func (c *Simulate) moreText() string {
	return fmt.Sprintf("… and %d more decisions (the CLI's simulate lists them all).", c.view().More)
}

// OnText handles typing in a policy box or the context box.
func (c *Simulate) OnText(e vugu.DOMEvent, box string) {
	v := e.PropString("target", "value")
	if box == "context" {
		c.State.Context = v
	} else {
		c.State.SetText(box, v)
	}
	c.Changed()
}

// OnField handles typing in the request's fields.
func (c *Simulate) OnField(e vugu.DOMEvent, field string) {
	v := e.PropString("target", "value")
	switch field {
	case "action":
		c.State.Action = v
	case "arn":
		c.State.ResourceARN = v
	case "principal":
		c.State.Principal = v
	}
	c.Changed()
}

// OnPickKey adds the picked condition key to the context as "key=" on a
// line of its own, and puts the caret after it.
func (c *Simulate) OnPickKey(e vugu.DOMEvent) {
	key := e.PropString("target", "value")
	if key == "" {
		return
	}
	e.JSEventTarget().Set("value", "")
	ctx := c.State.Context
	if ctx != "" && !strings.HasSuffix(ctx, "\n") {
		ctx += "\n"
	}
	ctx += key + "="
	c.State.Context = ctx
	c.Changed()
	n := len(utf16.Encode([]rune(ctx)))
	focusAfterRender("sim-context", n, n, strings.Count(ctx, "\n")+1)
}

// Select highlights a statement in its policy box.
func (c *Simulate) Select(e vugu.DOMEvent, l webapp.Loc) {
	selectRange("sim-"+l.Box, l.Start, l.End, l.Line)
}

func (c *Simulate) locTitle(l webapp.Loc) string { return locTitle(l) }
