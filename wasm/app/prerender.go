//go:build !(js && wasm)

// The native entry point: `go run ./wasm/app -o FILE` renders the default
// screen (the CRUD template, its policy, the tabs, the dataset version) to
// static HTML with the engine and the embedded dataset, for make dist to
// put into index.html (scripts/builddist). A first visit then shows a
// complete page before the wasm has downloaded; when it runs, Vugu's DOM
// renderer syncs the same elements in place (same tree, same nodes), so
// nothing moves and a textarea keeps what was typed into it meanwhile
// (main reads it back at its first render, see prerenderedText).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/vugu/vugu"
	"github.com/vugu/vugu/staticrender"
)

func main() {
	out := flag.String("o", "", "write the prerendered root element to this file (default stdout)")
	state := flag.String("state", "", "write the shown screen's policy (initialOutput, JSON) to this file, for index.html's #ps-initial")
	flag.Parse()
	html, initial, err := prerender()
	if err != nil {
		fmt.Fprintln(os.Stderr, "prerender:", err)
		os.Exit(1)
	}
	if *state != "" {
		if err := os.WriteFile(*state, initial, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "prerender:", err)
			os.Exit(1)
		}
	}
	if *out == "" {
		os.Stdout.Write(html)
		return
	}
	if err := os.WriteFile(*out, html, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "prerender:", err)
		os.Exit(1)
	}
}

// nativeDB is the dataset loadDataset returns natively (set by prerender).
var nativeDB = dataset.Default

// prerender renders Root as the browser's first render would show it
// once the dataset is in: the default templates and the policy of the
// CRUD screen, with the status saying the app is still loading. It also
// returns the shown screen's policy (initialOutput, JSON) for the app to
// take at start-up instead of writing it again.
func prerender() (html, initial []byte, err error) {
	env := &signalEnv{ch: make(chan struct{}, 1)}
	buildEnv, err := vugu.NewBuildEnv(env)
	if err != nil {
		return nil, nil, err
	}
	root := &Root{}
	env.Lock()
	buildEnv.RunBuild(root) // runs Init, which starts loading the dataset
	env.Unlock()
	for {
		<-env.ch
		env.Lock()
		st := root.app.Status
		if st == "error" {
			env.Unlock()
			return nil, nil, fmt.Errorf("%s", root.app.StatusText)
		}
		if st == "ready" {
			break
		}
		env.Unlock()
	}
	defer env.Unlock()
	a := root.app
	w, ok := a.current().(initialer)
	if !ok {
		return nil, nil, fmt.Errorf("the default screen %s writes no policy", a.Tab)
	}
	s, err := w.initial()
	if err != nil {
		return nil, nil, err
	}
	if initial, err = encodeInitialOutput(s); err != nil {
		return nil, nil, err
	}
	version := a.DB.Manifest.Version
	// As Init leaves it in the browser until the dataset is in: the
	// loader writes its progress into this status line (id boot-status).
	a.Status, a.StatusText, a.Progress = "loading", "loading the app… (IAM dataset "+version+")", 0
	br := buildEnv.RunBuild(root)
	mergeText(br)
	texts := map[string]string{}
	for _, s := range a.screens {
		if b, ok := s.(bigTexter); ok {
			b.bigTexts(texts)
		}
	}
	if err := walkOut(br, br.Out, texts); err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	if err := staticrender.New(&buf).Render(br); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), initial, nil
}

// initialer is a screen whose start-up policy can be shipped with the
// page (the write screens).
type initialer interface {
	initial() (initialOutput, error)
}

// initial records the screen's policy as written (initialOutput).
func (w *writeScreen) initial() (initialOutput, error) {
	if len(w.Out.Errors) > 0 || w.Out.JSON == "" || w.stale {
		return initialOutput{}, fmt.Errorf("the %s screen has no policy to ship: %v", w.id, w.Out.Errors)
	}
	return newInitialOutput(w.id, w.YAML, w.opts, w.app.DB.Manifest.SHA256, w.Out), nil
}

// walkOut applies staticNode to the nodes of bo and of the components
// they embed.
func walkOut(br *vugu.BuildResults, bo *vugu.BuildOut, texts map[string]string) error {
	if bo == nil {
		return fmt.Errorf("a component has no build output")
	}
	for _, n := range bo.Out {
		err := n.Walk(func(n *vugu.VGNode) error {
			if n.Component != nil {
				return walkOut(br, br.ResultFor(n.Component), texts)
			}
			return staticNode(n, texts)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// staticNode turns what the DOM renderer sets as JavaScript properties
// (value, checked, disabled) into attributes, writes the text of the
// textareas (the screens' bigTexts; syncBigText sets them in the
// browser), and names
// the elements loader.js updates before the app runs. Form inputs are
// read-only until the app runs (it drops the attribute on its first
// render): typing there would be overwritten by the app's model; the
// YAML textarea is kept (prerenderedText).
func staticNode(n *vugu.VGNode, texts map[string]string) error {
	if n.Type != vugu.ElementNode {
		return nil
	}
	for _, p := range n.Prop {
		var v any
		if err := json.Unmarshal(p.JSONVal, &v); err != nil {
			return fmt.Errorf("<%s> property %s: %w", n.Data, p.Key, err)
		}
		switch v := v.(type) {
		case bool:
			if v {
				n.Attr = append(n.Attr, vugu.VGAttribute{Key: p.Key, Val: p.Key})
			}
		case nil:
		default:
			n.Attr = append(n.Attr, vugu.VGAttribute{Key: p.Key, Val: fmt.Sprint(v)})
		}
	}
	n.Prop = nil
	id, testid := attr(n, "id"), attr(n, "data-testid")
	switch {
	case n.Data == "div" && attr(n, "class") == "app":
		n.Attr = append(n.Attr, vugu.VGAttribute{Key: "id", Val: "vugu_mount_point"}, vugu.VGAttribute{Key: "data-prerendered", Val: "data-prerendered"})
	case testid == "dataset-status":
		n.Attr = append(n.Attr, vugu.VGAttribute{Key: "id", Val: "boot-status"})
	case testid == "dataset-progress":
		n.Attr = append(n.Attr, vugu.VGAttribute{Key: "id", Val: "boot-progress"})
	case n.Data == "textarea" && n.FirstChild == nil:
		if text := texts[id]; text != "" {
			n.AppendChild(&vugu.VGNode{Type: vugu.TextNode, Data: text})
		}
	case n.Data == "input" && attr(n, "type") != "file":
		n.Attr = append(n.Attr, vugu.VGAttribute{Key: "readonly", Val: "readonly"})
	}
	return nil
}

func attr(n *vugu.VGNode, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// signalEnv is the EventEnv of the native render: UnlockRender (a
// goroutine of the app asking for a render) wakes prerender.
type signalEnv struct {
	sync.Mutex
	ch chan struct{}
}

func (e *signalEnv) RLock()      { e.Lock() }
func (e *signalEnv) RUnlock()    { e.Unlock() }
func (e *signalEnv) UnlockOnly() { e.Unlock() }
func (e *signalEnv) UnlockRender() {
	e.Unlock()
	select {
	case e.ch <- struct{}{}:
	default:
	}
}
