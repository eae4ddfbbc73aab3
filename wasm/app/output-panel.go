package main

import (
	"strconv"
	"strings"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/vugu/vugu"
)

// OutputPanel shows a write screen's policy: the output tabs, the
// minimize options, the size against the quotas, Copy and Download. It
// gets all it shows and changes passed in.
type OutputPanel struct {
	// Settings are the output settings (shared by the write screens:
	// a change rewrites their policies).
	Settings *OutputSettings
	// Out is the policy shown.
	Out *webapp.PolicyOutput
	// Save keeps the changed settings.
	Save func()
	// Copied makes the clipboard callback that reports the outcome.
	Copied func(ok string) func(error)

	checksPanel *ChecksPanel
}

// checks is the Checks section under the policy: the validation of its
// JSON (clicking a finding shows the JSON tab and selects it there).
func (c *OutputPanel) checks() *ChecksPanel {
	if c.checksPanel == nil {
		c.checksPanel = &ChecksPanel{TextID: "policy-json", Show: func() {
			if c.Settings.Tab != "json" {
				c.Settings.Tab = "json"
				c.Save()
			}
		}}
	}
	c.checksPanel.Checks = &c.Out.Checks
	return c.checksPanel
}

// formats are the output tabs (every format, webapp.FormatChoices).
func (c *OutputPanel) formats() []webapp.Choice { return webapp.FormatChoices() }

// splits are the split menu's entries (webapp.SplitChoices).
func (c *OutputPanel) splits() []webapp.Choice { return webapp.SplitChoices() }

// OnSplit sets the split quota (the write screens rewrite their
// policies before they are next shown).
func (c *OutputPanel) OnSplit(e vugu.DOMEvent) {
	c.Settings.Split = e.PropString("target", "value")
	c.Save()
}

func (c *OutputPanel) tabClass(tab string) string {
	if c.Settings.Tab == tab {
		return "tab active"
	}
	return "tab"
}

func (c *OutputPanel) jsonClass() string {
	if c.Settings.Tab == "json" {
		return "policy"
	}
	return "policy hidden"
}

func (c *OutputPanel) sizeText() string {
	if c.Out.JSON == "" {
		return ""
	}
	return c.Out.SizeText
}

// SetTab switches the output format tab.
func (c *OutputPanel) SetTab(e vugu.DOMEvent, tab string) {
	c.Settings.Tab = tab
	c.Save()
}

// OnMinimize toggles minimization (the write screens rewrite their
// policies before they are next shown).
func (c *OutputPanel) OnMinimize(e vugu.DOMEvent) {
	c.Settings.Minimize = e.PropBool("target", "checked")
	c.Save()
}

// OnMinLength sets the minimum prefix length.
func (c *OutputPanel) OnMinLength(e vugu.DOMEvent) {
	c.Settings.MinLength = max(leadingInt(e.PropString("target", "value")), 0)
	c.Save()
}

// Copy copies the policy shown to the clipboard.
func (c *OutputPanel) Copy(e vugu.DOMEvent) {
	_, _, text := c.Out.File(c.Settings.Tab)
	copyText(text, c.Copied("Copied the policy to the clipboard."))
}

// Download saves the policy shown as a file.
func (c *OutputPanel) Download(e vugu.DOMEvent) {
	download(c.Out.File(c.Settings.Tab))
}

// leadingInt reads the decimal integer that s starts with (after spaces,
// with an optional sign; "12.5" and "1e3" give 12 and 1) and gives 0 for
// none or one out of range, as fmt.Sscanf(s, "%d", &n) did; the app does
// not link fmt's scanner (62 KB of wasm) for this one field.
func leadingInt(s string) int {
	s = strings.TrimLeft(s, " \t\r\n")
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil {
		return 0
	}
	return n
}
