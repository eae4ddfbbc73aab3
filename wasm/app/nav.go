package main

import (
	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/vugu/vugu"
)

// screenDefs are the app's screens, in tab order. Adding a screen is one
// line here plus its own files (a .vugu component and its .go file; see
// README.md).
var screenDefs = []screenDef{
	{id: "crud", label: "Write: CRUD", new: newCrudScreen},
	{id: "actions", label: "Write: actions", new: newActionsScreen},
	{id: "grant", label: "Grant: resource & trust", new: newGrantScreen},
	{id: "audit", label: "Audit", new: newAuditScreen},
	{id: "browse", label: "Browse", new: newBrowseScreen},
	{id: "validate", label: "Validate", new: newValidateScreen},
	{id: "compare", label: "Compare", new: newCompareScreen},
	{id: "simulate", label: "Simulate", new: newSimulateScreen},
}

// screenID names a screen: its tab is data-testid "tab-<id>", and the
// saved state and share links name the screen shown by it.
type screenID string

// screenDef is one entry of the screen registry.
type screenDef struct {
	id    screenID
	label string
	// new makes the screen's component, given the state the screens
	// share; it is called once, when the app starts.
	new func(app *App) screen
}

// screen is one screen: a Vugu component holding its own state. A screen
// takes part in the rest of the app by implementing any of the optional
// interfaces below.
type screen interface {
	vugu.Builder
}

// stateSaver is a screen whose state is saved in localStorage and travels
// in share links. A new screen keeps its state under its id with
// State.SetScreen and State.Screen.
type stateSaver interface {
	saveState(s *webapp.State)
	loadState(s webapp.State)
}

// refresher is a screen that computes from the dataset: refresh is called
// once the dataset is loaded and whenever the state is replaced (a shared
// link, "Restore previous work").
type refresher interface {
	refresh()
}

// catcherUp is a screen with work it put off while hidden: catchUp does
// it in the background after start-up, so that showing the screen is
// instant.
type catcherUp interface {
	catchUp()
}

// dropTarget is a screen that takes dropped or imported files: takeDrop
// says whether it took them. The screen shown is asked first (shown is
// then true), then every screen in screenDefs order.
type dropTarget interface {
	takeDrop(fs []webapp.File, shown bool) bool
}

// linker is a screen with links of its own in the URL fragment
// (#service=kms): link is the fragment (without #) while the screen is
// shown, "" for none; openLink opens a fragment and says whether it was
// the screen's.
type linker interface {
	link() string
	openLink(fragment string) bool
}

// bigTexter is a screen with text controls that may hold more than Vugu
// can render (see syncBigText): bigTexts adds their element id and value.
type bigTexter interface {
	bigTexts(m map[string]string)
}
