package main

import (
	"strings"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/writer"
	"github.com/vugu/vugu"
)

// App is the state the screens share: the dataset, the screen shown, the
// notice line and the output panel's settings, with saving, links and
// file drops. Screens get it when they are made; they never see Root.
type App struct {
	// Status is loading, ready or error; StatusText says it with the
	// dataset version; Progress is the dataset download in percent.
	Status     string
	StatusText string
	Progress   int
	// DB is the IAM dataset once loaded.
	DB *iamdb.DB

	// Tab is the screen shown.
	Tab screenID
	// Notice is a one-line message under the tabs.
	Notice string
	// ShareURL is the last share link made (shown until closed).
	ShareURL string
	// HasPrevious is set when a shared link replaced earlier work that
	// RestorePrevious can bring back.
	HasPrevious bool
	// Output is the output panel's settings, shared by the write screens.
	Output OutputSettings

	screens []screen // in screenDefs order
	env     vugu.EventEnv
	// initialUsed is set once the page's shipped policy was offered to
	// a screen (App.takeInitial).
	initialUsed bool
}

// OutputSettings are the output panel's settings: the format shown (an
// output tab: a policyfmt format name), the writer's minimize options
// and the split quota ("" for none, else a webapp.SplitChoices key).
type OutputSettings struct {
	Tab       string
	Minimize  bool
	MinLength int
	Split     string
}

// writerOptions are the options the settings select for writing.
func (o OutputSettings) writerOptions() webapp.OutputOptions {
	return webapp.OutputOptions{Options: writer.Options{Minimize: o.Minimize, MinLength: o.MinLength}, Split: o.Split}
}

// newApp makes every screen of screenDefs, the first one shown.
func newApp(env vugu.EventEnv) *App {
	a := &App{env: env, Tab: screenDefs[0].id, Output: OutputSettings{Tab: "json"}}
	for _, d := range screenDefs {
		a.screens = append(a.screens, d.new(a))
	}
	return a
}

// current is the screen shown.
func (a *App) current() screen {
	for i, d := range screenDefs {
		if d.id == a.Tab {
			return a.screens[i]
		}
	}
	return a.screens[0]
}

// showScreen shows a screen (one of a.screens).
func (a *App) showScreen(s screen) {
	for i, x := range a.screens {
		if x == s {
			a.Tab = screenDefs[i].id
		}
	}
}

// show switches screens.
func (a *App) show(id screenID) {
	a.Tab = id
	a.syncHash()
}

// refresh recomputes every screen from the dataset (after it loads, or
// when the state was replaced).
func (a *App) refresh() {
	for _, s := range a.screens {
		if r, ok := s.(refresher); ok {
			r.refresh()
		}
	}
}

// catchUp does the work hidden screens put off.
func (a *App) catchUp() {
	for _, s := range a.screens {
		if r, ok := s.(catcherUp); ok {
			r.catchUp()
		}
	}
}

// drop gives dropped or imported files to the screen shown if it takes
// them, else to the first screen that does.
func (a *App) drop(fs []webapp.File) {
	if t, ok := a.current().(dropTarget); ok && t.takeDrop(fs, true) {
		return
	}
	for _, s := range a.screens {
		if t, ok := s.(dropTarget); ok && t.takeDrop(fs, false) {
			return
		}
	}
}

// state is what is saved and shared.
func (a *App) state() webapp.State {
	s := webapp.State{Tab: string(a.Tab), Minimize: a.Output.Minimize, MinLength: a.Output.MinLength, OutTab: a.Output.Tab, Split: a.Output.Split}
	for _, sc := range a.screens {
		if v, ok := sc.(stateSaver); ok {
			v.saveState(&s)
		}
	}
	return s
}

func (a *App) apply(s webapp.State) {
	if s.Tab != "" {
		a.Tab = screenID(s.Tab)
	}
	a.Output.Minimize, a.Output.MinLength, a.Output.Split = s.Minimize, s.MinLength, s.Split
	if s.OutTab != "" {
		a.Output.Tab = s.OutTab
	}
	for _, sc := range a.screens {
		if v, ok := sc.(stateSaver); ok {
			v.loadState(s)
		}
	}
}

// restore loads a shared link's state, else the saved one. Opening a
// shared link keeps the previous work, which RestorePrevious brings back.
func (a *App) restore() {
	if saved := loadSaved(); saved != "" {
		if s, err := webapp.DecodeSaved(saved); err == nil {
			a.apply(s)
		}
	}
	a.openHash(getHash())
}

// openHash applies a URL fragment: a shared state (#s=...) or a screen's
// own link (#service=prefix). A shared state is moved into localStorage
// and the fragment cleared, so that later edits survive a reload.
func (a *App) openHash(h string) {
	if strings.HasPrefix(h, "#s=") {
		s, err := webapp.DecodeFragment(h)
		if err != nil {
			a.Notice = err.Error()
			return
		}
		if prev := webapp.EncodeFragment(a.state()); prev != webapp.EncodeFragment(s) {
			storePrevious(prev)
			a.HasPrevious = true
		}
		a.apply(s)
		a.Notice = "Opened a shared link."
		a.save()
		a.syncHash()
		if a.DB != nil {
			a.refresh()
		}
		return
	}
	for i, sc := range a.screens {
		if l, ok := sc.(linker); ok && l.openLink(strings.TrimPrefix(h, "#")) {
			a.Tab = screenDefs[i].id
			a.save()
			return
		}
	}
}

// restorePrevious brings back the work replaced by opening a shared link
// or by the form's rewrite of a first-format template.
func (a *App) restorePrevious() {
	s, err := webapp.DecodeFragment(loadPrevious())
	if err != nil {
		a.Notice = "No previous work to restore."
		a.HasPrevious = false
		return
	}
	storePrevious(webapp.EncodeFragment(a.state())) // a second click undoes
	a.apply(s)
	a.Notice = "Restored your previous work (click again to undo)."
	a.save()
	a.syncHash()
	a.refresh()
}

// keepPrevious keeps the current work behind "Restore previous work"
// before a screen replaces it.
func (a *App) keepPrevious() {
	storePrevious(webapp.EncodeFragment(a.state()))
	a.HasPrevious = true
}

// syncHash keeps the address bar the shown screen's own link (a Browse
// link) and clears it elsewhere, so a stale fragment never overrides the
// saved state on reload.
func (a *App) syncHash() {
	if l, ok := a.current().(linker); ok && l.link() != "" {
		setHash(l.link())
		return
	}
	setHash("")
}

// save keeps the state in localStorage; when the browser refuses (storage
// full or disabled) the user is told how to keep the work.
func (a *App) save() {
	if err := storeSaved(webapp.EncodeSaved(a.state())); err != nil {
		a.Notice = "Could not save your work in this browser (" + err.Error() + "): use Export or Copy share link to keep it."
	}
}

// share makes a link that carries the whole state in its fragment, shows
// it (selectable, in case the clipboard is not available) and copies it.
func (a *App) share() {
	a.ShareURL = shareLink(webapp.EncodeFragment(a.state()))
	a.Notice = "Share link: the state travels in the # part, which browsers never send to a server."
	copyText(a.ShareURL, a.copied("Share link copied. The state travels in the # part, which browsers never send to a server."))
}

// copied returns copyText's callback: it reports the outcome.
func (a *App) copied(ok string) func(error) {
	return func(err error) {
		a.env.Lock()
		defer a.env.UnlockRender()
		if err != nil {
			a.Notice = "Could not copy (" + err.Error() + "): select the text and press Ctrl+C."
			return
		}
		a.Notice = ok
	}
}

// syncBigText copies the large text fields of the screens into the DOM
// (see bigText in platform_wasm.go).
func (a *App) syncBigText() {
	m := map[string]string{"share-link": a.ShareURL}
	for _, s := range a.screens {
		if b, ok := s.(bigTexter); ok {
			b.bigTexts(m)
		}
	}
	setBigTexts(m)
}
