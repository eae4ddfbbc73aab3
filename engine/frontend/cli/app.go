// Package cli implements the policy-sentry command line: the Policy Sentry
// 0.16 commands (query, write-policy, create-template, initialize) plus
// ours (analyze, write-policy-dir, dataset, serve). It is a library so that
// tests run it in-process; engine/cmd/policy-sentry is the thin main.
package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/overrides"
	"github.com/leastpriv/policysentry/engine/sources"
)

// App is one run of the CLI: its streams and the dataset it uses.
type App struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer

	// DatasetPath is the --dataset flag ("" for the embedded dataset).
	DatasetPath string
	// OverridesPath is the --access-level-overrides-file flag.
	OverridesPath string
	// ProgName is the program name in usage lines (default "policy-sentry").
	ProgName string
	// Preloaded, when set, is used instead of loading a dataset (tests).
	Preloaded *iamdb.DB

	// fullTree makes Run build every command, as for root help (tests
	// compare the two ways).
	fullTree bool

	once sync.Once
	db   *iamdb.DB
	err  error
}

// DB loads the dataset once: the file named by --dataset, or the embedded one.
func (a *App) DB() (*iamdb.DB, error) {
	a.once.Do(func() {
		if a.Preloaded != nil {
			a.db = a.Preloaded
			return
		}
		switch {
		case a.DatasetPath != "":
			a.db, a.err = sources.OpenFile(a.DatasetPath)
		case fileExists(localDatasetPath()):
			a.db, a.err = sources.OpenFile(localDatasetPath())
		case a.OverridesPath != "":
			// Overrides change the DB: use a private copy, not the shared one.
			a.db, a.err = dataset.Fresh()
		default:
			a.db, a.err = dataset.Default()
		}
		if a.err == nil && a.OverridesPath != "" {
			a.err = applyOverridesFile(a.db, a.OverridesPath)
		}
	})
	return a.db, a.err
}

// applyOverridesFile applies a user's access-level overrides file.
func applyOverridesFile(db *iamdb.DB, path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("--access-level-overrides-file: %w", err)
	}
	ovs, err := overrides.Parse(src, path)
	if err != nil {
		return err
	}
	_, err = overrides.Apply(db, path, ovs)
	return err
}

// localDatasetPath is where `initialize` writes a local dataset, which is
// then used by default: $HOME/.policy-sentry/iam.bin.zst.
func localDatasetPath() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".policy-sentry", "iam.bin.zst")
}

func fileExists(path string) bool {
	if path == "" {
		return false
	}
	_, err := os.Stat(path)
	return err == nil
}

// Warnf writes a warning line to stderr.
func (a *App) Warnf(format string, args ...any) {
	fmt.Fprintf(a.Stderr, "warning: "+format+"\n", args...)
}

// subcommand is a registered top-level command: its name (the first
// word of its Use) and the function that builds it.
type subcommand struct {
	name  string
	build func(*App) *Command
}

// subcommands are the top-level commands, registered by each cmd_*.go
// file's init, in registration order.
var subcommands []subcommand

// register adds a top-level command named name, built by build; call it
// from an init function. TestRegisteredNames checks that name is the
// command's name.
func register(name string, build func(*App) *Command) {
	subcommands = append(subcommands, subcommand{name, build})
}
