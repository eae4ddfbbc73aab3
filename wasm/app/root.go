package main

import (
	"fmt"
	"time"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/vugu/vugu"
)

// Root is the app's shell: the dataset status, the tabs of screenDefs,
// the notice line and the screen shown. Everything else is in the
// screens' own components.
type Root struct {
	app *App
}

// Init makes the screens, restores the saved state and starts loading
// the dataset (see start).
func (c *Root) Init(ctx vugu.InitCtx) { c.start(ctx.EventEnv()) }

// start is Init. On the prerendered page main calls it before the first
// build, which then waits for the dataset (a build made earlier would be
// thrown away: on a first visit, a whole cold build for nothing); Init
// then finds the app started.
func (c *Root) start(env vugu.EventEnv) {
	if c.app != nil {
		return
	}
	mark("app-init")
	c.app = newApp(env)
	c.app.restore()
	onHashChange(func(h string) {
		c.app.env.Lock()
		defer c.app.env.UnlockRender()
		c.app.openHash(h)
	})
	c.startLoad(false)
	mark("app-started")
}

func (c *Root) startLoad(retry bool) {
	a := c.app
	a.Status, a.StatusText, a.Progress = "loading", "loading the IAM dataset…", 0
	go func() {
		// Each streamed chunk reports progress; re-rendering the whole page
		// for every chunk slowed start-up by hundreds of milliseconds (a
		// render takes tens of milliseconds while the wasm is still cold),
		// so the bar is redrawn at most ten times a second: a fast local
		// load draws no intermediate frame, a slow network still sees the
		// bar move.
		lastDraw := time.Now()
		db, err := loadDataset(retry, func(done, total int64) {
			a.env.Lock()
			if total > 0 {
				a.Progress = int(done * 100 / total)
			}
			a.StatusText = fmt.Sprintf("loading the IAM dataset… %d KB", done/1024)
			if time.Since(lastDraw) >= 100*time.Millisecond {
				lastDraw = time.Now()
				a.env.UnlockRender()
				return
			}
			a.env.UnlockOnly()
		})
		a.env.Lock()
		defer a.env.UnlockRender()
		if err != nil {
			a.Status, a.StatusText = "error", "error: could not load the IAM dataset: "+err.Error()
			return
		}
		a.DB = db
		a.Status = "ready"
		a.StatusText = fmt.Sprintf("ready %s (%d services, %d actions)", db.Manifest.Version, db.Manifest.Counts.Services, db.Manifest.Counts.Actions)
		a.refresh()
		mark("regenerated")
		markReady()
		// The rest waits for the first render: on a first visit it
		// would otherwise compete with it for the one thread.
		afterFirstRender(func() {
			// The shipped policy spared start-up the YAML parser; run it
			// once now, so that its code is compiled before the first
			// keystroke needs it.
			_, _ = template.Parse([]byte(webapp.DefaultCRUD), "template")
			decodeRest(db)
			a.env.Lock()
			a.catchUp()
			a.env.UnlockOnly() // hidden screens: nothing to redraw
		})
	}()
}

// decodeRest decodes the actions of every service after start-up (the
// load decoded only what the first policies used), a few services at a
// time with pauses for the browser, so that the first search, browse or
// audit does not wait for them.
func decodeRest(db *iamdb.DB) {
	for i, s := range db.Services {
		s.Actions()
		if i%16 == 15 {
			yield()
		}
	}
	mark("dataset-complete")
}

// Retry downloads the dataset again after a failure, bypassing the HTTP
// cache (which may hold a corrupt copy).
func (c *Root) Retry(e vugu.DOMEvent) { c.startLoad(true) }

// SetTab switches screens.
func (c *Root) SetTab(e vugu.DOMEvent, id screenID) {
	c.app.show(id)
	c.app.save()
}

func (c *Root) tabClass(id screenID) string {
	if c.app.Tab == id {
		return "tab active"
	}
	return "tab"
}

// Share copies a share link of the whole state.
func (c *Root) Share(e vugu.DOMEvent) { c.app.share() }

// CloseNotice hides the notice and the share link.
func (c *Root) CloseNotice(e vugu.DOMEvent) {
	c.app.Notice, c.app.ShareURL, c.app.HasPrevious = "", "", false
}

// RestorePrevious brings back the work a shared link or a form rewrite
// replaced.
func (c *Root) RestorePrevious(e vugu.DOMEvent) { c.app.restorePrevious() }

// OnDragOver lets files be dropped anywhere on the page.
func (c *Root) OnDragOver(e vugu.DOMEvent) { e.PreventDefault() }

// OnDrop gives dropped files to the screen that takes them (App.drop).
func (c *Root) OnDrop(e vugu.DOMEvent) {
	e.PreventDefault()
	dt := e.JSEvent().Get("dataTransfer")
	if dt.IsUndefined() || dt.IsNull() {
		return
	}
	c.app.readFiles(dt.Get("files"), c.app.drop)
}

// syncBigText sets the large text controls after a render.
func (c *Root) syncBigText() { c.app.syncBigText() }
