package main

import (
	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/vugu/vugu"
)

// ChecksPanel shows the validator's findings on a written policy
// (webapp.Checks) under it: the summary line, which expands into the
// findings, styled like the Validate screen's; clicking a finding
// selects its text in the policy.
type ChecksPanel struct {
	// Checks are the findings shown.
	Checks *webapp.Checks
	// TextID is the id of the element showing the JSON the findings
	// point into.
	TextID string
	// Show, when set, is called before a finding is selected, to make
	// the JSON visible.
	Show func()
	// Open says the findings are listed; Picked is the finding last
	// clicked (pickKey), "" for none.
	Open   bool
	Picked string
}

// Toggle lists or hides the findings.
func (c *ChecksPanel) Toggle(e vugu.DOMEvent) { c.Open = !c.Open }

// Select selects a finding's text in the policy (after the render this
// event causes, which shows the JSON).
func (c *ChecksPanel) Select(e vugu.DOMEvent, i int) {
	f := c.Checks.Findings[i]
	c.Picked = pickKey(f)
	if f.Start < 0 {
		return
	}
	if c.Show != nil {
		c.Show()
	}
	focusAfterRender(c.TextID, f.Start, f.End, f.Line)
}

// pickKey tells a finding apart from the others of the list, and from
// those of the next list when the policy changes.
func pickKey(f webapp.ValidateFinding) string {
	return f.Policy + " " + f.Where + " " + f.Code + " " + f.Message
}

func (c *ChecksPanel) findingClass(i int) string {
	f := c.Checks.Findings[i]
	s := "vf-" + f.Class
	if pickKey(f) == c.Picked {
		s += " picked"
	}
	return s
}

func (c *ChecksPanel) summaryClass() string {
	if c.Checks.Worst == "" {
		return "checks-sum clean"
	}
	return "checks-sum vf-" + c.Checks.Worst
}

func (c *ChecksPanel) expanded() string {
	if c.Open {
		return "true"
	}
	return "false"
}

func (c *ChecksPanel) arrow() string {
	if c.Open {
		return "▾"
	}
	return "▸"
}
