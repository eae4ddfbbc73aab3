package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/spf13/cobra"
)

func init() { register("initialize", newInitializeCmd) }

func newInitializeCmd(app *App) *Command {
	var fetch, build bool
	var fo fetchOpts
	cmd := &cobra.Command{
		Use:   "initialize",
		Short: "Create a local datastore to store AWS IAM information.",
		Long:  "CLI command for initializing the local data file",
		Annotations: map[string]string{annCompat: "true",
			annShowInherited: "access-level-overrides-file"},
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if fetch {
				return app.initializeFetch(cmd.Context(), &fo)
			}
			db, err := app.DB()
			if err != nil {
				return err
			}
			path := localDatasetPath()
			if path == "" {
				return errors.New("cannot find the home folder for the local dataset")
			}
			c, err := iamdb.Compress(db)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, c, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(app.Stdout, "Wrote the local dataset (%d services, %d actions) to %s; it is used from now on. Delete %s to use the built-in one again.\n",
				db.Manifest.Counts.Services, db.Manifest.Counts.Actions, path, filepath.Dir(path))
			return nil
		},
	}
	cmd.Flags().BoolVar(&fetch, "fetch", false, "Specify this flag to fetch the HTML Docs directly from the AWS website. This will be helpful if the docs in the Git repository are behind the live docs and you need to use the latest version of the docs right now.")
	cmd.Flags().BoolVar(&build, "build", false, "Build the IAM data file from the HTML files rather than copying the data file from the python package. Defaults to false")
	addVerbose(cmd)
	addFetchFlags(cmd, &fo)
	return cmd
}
