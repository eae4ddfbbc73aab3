//go:build !(js && wasm)

package main

import (
	"errors"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/iamdb"
	vjs "github.com/vugu/vugu/js"
)

// The app runs only in the browser; these let the package compile (and be
// vetted) natively. Every browser feature lives in platform_wasm.go.

var errNotBrowser = errors.New("the web app runs only in a browser (GOOS=js GOARCH=wasm)")

func loadDataset(retry bool, progress func(done, total int64)) (*iamdb.DB, error) {
	return nil, errNotBrowser
}
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
func setBigTexts(m map[string]string)                          {}
func selectRange(id string, start, end, line int)              {}
func focusAfterRender(id string, start, end, line int)         {}
