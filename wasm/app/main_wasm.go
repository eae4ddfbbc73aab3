//go:build js && wasm

// Command app is the Policy Sentry web app: a Vugu UI on the engine,
// compiled to WebAssembly. It fetches the dataset from its own origin.
package main

import (
	"runtime/debug"
	"sync"
	"time"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/domrender"
)

func main() {
	if inWorker() { // the account audit's worker (platform_worker_wasm.go)
		serveAccountWorker()
		return
	}
	mark("go-main") // after compiling the wasm and the Go runtime and package init
	// No collection until the first render: on a first visit the one
	// start-up made (at 5 MB of heap, around the dataset decode) took 150
	// to 590 ms before ready (marks of four cold rounds at load 6 to 11,
	// against 11 to 52 ms for the same step without it; its code is
	// compiled on first use like the rest). It runs after the first
	// render instead, with the heap a few MB larger until then.
	gcPercent := debug.SetGCPercent(-1)
	renderer, err := domrender.New("#vugu_mount_point")
	if err != nil {
		panic(err)
	}
	defer renderer.Release()
	buildEnv, err := vugu.NewBuildEnv(renderer.EventEnv())
	if err != nil {
		panic(err)
	}
	root := &Root{}
	// On the prerendered page (index.html, see prerender.go) the app does
	// not render until the dataset is in and the screen's policy written:
	// a render before that would replace the prerendered form and policy
	// with empty ones until the dataset is decoded. Until then the page
	// stays as prerendered (its inputs read-only, the status line showing
	// the app's progress) and text typed into the template is read at the
	// first render, which then writes the policy from it.
	waiting := prerenderedPage()
	if waiting {
		root.start(renderer.EventEnv()) // no build until the dataset is in
	}
	first := true
	for ok := true; ok; ok = renderer.EventWait() {
		start := time.Now()
		if waiting && root.app != nil && root.app.Status == "loading" {
			showStatus(root.app.StatusText)
			continue
		}
		br := buildEnv.RunBuild(root) // the first build runs Root.Init, which starts loading
		if waiting && root.app.Status == "loading" {
			showStatus(root.app.StatusText)
			continue
		}
		if first && waiting {
			// Text typed into the prerendered template is kept: it
			// replaces the template Init restored.
			if typed, ok := prerenderedText("crud-yaml"); ok {
				for _, s := range root.app.screens {
					if c, ok := s.(*CrudScreen); ok {
						c.YAML = typed
						c.refresh()
					}
				}
				root.app.save()
				br = buildEnv.RunBuild(root)
			}
		}
		if first {
			mark("first-build")
		}
		mergeText(br)
		if err := renderer.Render(br); err != nil {
			panic(err)
		}
		if first {
			mark("first-dom-sync")
		}
		root.syncBigText()
		setRenderTime(float64(time.Since(start).Microseconds()) / 1000)
		if first {
			mark("first-render")
			// Later loads (Retry after an error) render their progress.
			first, waiting = false, false
			// The collector and the work that waited for the first
			// render start once the browser has painted it: started here,
			// they would keep the browser from painting (and from telling
			// observers of the page) until their first pause.
			afterPaint(func() {
				debug.SetGCPercent(gcPercent)
				firstRenderDone()
			})
		}
	}
}

var (
	renderedMu sync.Mutex
	rendered   bool     // the first render is done
	afterFirst []func() // run when it is
)

// afterFirstRender runs f in a goroutine once the app has rendered for
// the first time (at once if it has): work the first screen does not show
// then does not delay it.
func afterFirstRender(f func()) {
	renderedMu.Lock()
	defer renderedMu.Unlock()
	if rendered {
		go f()
		return
	}
	afterFirst = append(afterFirst, f)
}

// firstRenderDone starts what waited for the first render.
func firstRenderDone() {
	renderedMu.Lock()
	defer renderedMu.Unlock()
	rendered = true
	for _, f := range afterFirst {
		go f()
	}
	afterFirst = nil
}
