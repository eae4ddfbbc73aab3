//go:build !(js && wasm)

package main

import (
	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/iamdb"
	vjs "github.com/vugu/vugu/js"
)

// The app runs in the browser; natively the package only prerenders the
// default screen (prerender.go), and these stand in for the browser.
// Every browser feature lives in platform_wasm.go.

// loadDataset is the embedded dataset natively, for the prerender
// (prerender.go).
func loadDataset(retry bool, progress func(done, total int64)) (*iamdb.DB, error) {
	return nativeDB()
}
func prerenderedText(id string) (string, bool)                 { return "", false }
func markReady()                                               {}
func setRegenTime(ms float64)                                  {}
func yield()                                                   {}
func getHash() string                                          { return "" }
func setHash(h string)                                         {}
func onHashChange(f func(string))                              {}
func loadPrevious() string                                     { return "" }
func storePrevious(s string)                                   {}
func shareLink(fragment string) string                         { return "#" + fragment }
func loadSaved() string                                        { return "" }
func storeSaved(s string) error                                { return nil }
func copyText(s string, done func(error))                      {}
func download(name, mime, text string)                         {}
func (a *App) readFiles(v vjs.Value, done func([]webapp.File)) {}
func mark(name string)                                         {}
func pageInitialOutput() (*initialOutput, error)               { return nil, nil }

// afterFirstRender runs f: natively nothing is rendered to wait for.
func afterFirstRender(f func())                        { go f() }
func setBigTexts(m map[string]string)                  {}
func selectRange(id string, start, end, line int)      {}
func focusAfterRender(id string, start, end, line int) {}
