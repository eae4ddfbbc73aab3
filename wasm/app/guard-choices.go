package main

import (
	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/vugu/vugu"
)

// GuardChoices is a checkbox per built-in must-not-grant guardrail, with
// its description (webapp.GuardrailChoices), as the Compare and Validate
// screens show them. It edits the list of names passed in.
type GuardChoices struct {
	// List is the names turned on (webapp.GuardrailNames' format).
	List *string
	// TestID prefixes each checkbox's data-testid (then the name).
	TestID string
	// Changed is called after each change (the screen saves its state).
	Changed func()
}

func (c *GuardChoices) choices() []webapp.GuardrailChoice { return webapp.GuardrailChoices(*c.List) }

// OnToggle turns a built-in guardrail on or off.
func (c *GuardChoices) OnToggle(e vugu.DOMEvent, name string) {
	*c.List = webapp.ToggleGuardrail(*c.List, name, e.PropBool("target", "checked"))
	c.Changed()
}
