//go:build js && wasm

// Command app is the Policy Sentry web app: a Vugu UI on the engine,
// compiled to WebAssembly. It fetches the dataset from its own origin.
package main

import (
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
	// Text typed into the prerendered page's template (index.html, see
	// prerender.go) before the app ran is kept: read before the first
	// render, it replaces the template Init restored.
	typed, hasTyped := prerenderedText("crud-yaml")
	first := true
	for ok := true; ok; ok = renderer.EventWait() {
		start := time.Now()
		br := buildEnv.RunBuild(root)
		if first && hasTyped {
			for _, s := range root.app.screens {
				if c, ok := s.(*CrudScreen); ok {
					c.YAML = typed
				}
			}
			root.app.save()
		}
		mergeText(br)
		if err := renderer.Render(br); err != nil {
			panic(err)
		}
		root.syncBigText()
		setRenderTime(float64(time.Since(start).Microseconds()) / 1000)
		if first {
			mark("first-render")
			first = false
		}
	}
}
