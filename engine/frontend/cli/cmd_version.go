package cli

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// appKey keys the App in the root command's context, for the --version
// template (cobra's template functions are global, the App is per run).
type appKey struct{}

func init() {
	cobra.AddTemplateFunc("datasetLine", func(c *cobra.Command) string {
		ctx := c.Root().Context()
		if ctx == nil {
			return ""
		}
		app, ok := ctx.Value(appKey{}).(*App)
		if !ok {
			return ""
		}
		return app.datasetLine()
	})
}

// setVersionTemplate makes --version print the program version (set
// from git by `make release`) and the dataset's source and version.
func setVersionTemplate(root *cobra.Command, app *App) {
	root.SetContext(context.WithValue(context.Background(), appKey{}, app))
	root.Version = effectiveVersion(Version)
	root.SetVersionTemplate("{{.Name}}, version {{.Version}}\n{{datasetLine .}}")
}

// datasetLine is "dataset: SOURCE VERSION (built DATE, N services, M
// actions)" for the dataset this run uses, or the error loading it.
func (app *App) datasetLine() string {
	db, err := app.DB()
	if err != nil {
		return fmt.Sprintf("dataset: cannot be loaded: %v\n", err)
	}
	m := db.Manifest
	s := "dataset: " + m.Source
	if m.Package != "" {
		s += " " + m.Package
	}
	if m.Version != "" {
		s += " " + m.Version
	}
	built := m.BuildDate
	if len(built) >= 10 {
		built = built[:10]
	}
	s += fmt.Sprintf(" (built %s, %d services, %d actions)", built, m.Counts.Services, m.Counts.Actions)
	switch {
	case app.Preloaded != nil: // tests: the built-in dataset, decoded once
		s += ", built in"
	case app.DatasetPath != "":
		s += ", from " + app.DatasetPath
	case fileExists(localDatasetPath()):
		s += ", from " + localDatasetPath()
	default:
		s += ", built in"
	}
	return s + "\n"
}

// defaultVersion is Version when no -ldflags -X set it.
const defaultVersion = "0.1.0"

// effectiveVersion is v as `make cli`/`make release` stamp it from git;
// for a `go install module@version` build, which is not stamped, the
// module version Go recorded in the binary.
func effectiveVersion(v string) string {
	if v != defaultVersion {
		return v
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return v
}
