// Package cli implements the policy-sentry command line: the Policy Sentry
// 0.16 commands (query, write-policy, create-template, initialize) plus
// ours (analyze, write-policy-dir, dataset, serve). It is a library so that
// tests run it in-process; engine/cmd/policy-sentry is the thin main.
package cli

import (
	"fmt"
	"io"
	"sync"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/sources"
)

// App is one run of the CLI: its streams and the dataset it uses.
type App struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer

	// DatasetPath is the --dataset flag ("" for the embedded dataset).
	DatasetPath string

	once sync.Once
	db   *iamdb.DB
	err  error
}

// DB loads the dataset once: the file named by --dataset, or the embedded one.
func (a *App) DB() (*iamdb.DB, error) {
	a.once.Do(func() {
		if a.DatasetPath != "" {
			a.db, a.err = sources.OpenFile(a.DatasetPath)
			return
		}
		a.db, a.err = dataset.Default()
	})
	return a.db, a.err
}

// Warnf writes a warning line to stderr.
func (a *App) Warnf(format string, args ...any) {
	fmt.Fprintf(a.Stderr, "warning: "+format+"\n", args...)
}

// commandFactories are the subcommands, registered by each cmd_*.go file's init.
var commandFactories []func(*App) *Command

// register adds a subcommand factory; call it from an init function.
func register(f func(*App) *Command) { commandFactories = append(commandFactories, f) }
