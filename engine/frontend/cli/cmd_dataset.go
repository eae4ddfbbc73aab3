package cli

import (
	"encoding/json"

	"github.com/spf13/cobra"
)

func init() { register("dataset", newDatasetCmd) }

func newDatasetCmd(app *App) *Command {
	cmd := &cobra.Command{Use: "dataset", Short: "Show or manage the IAM database in use."}
	cmd.AddCommand(&cobra.Command{
		Use:   "info",
		Short: "Print the manifest of the dataset in use.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := app.DB()
			if err != nil {
				return err
			}
			b, err := json.MarshalIndent(db.Manifest, "", "  ")
			if err != nil {
				return err
			}
			_, err = app.Stdout.Write(append(b, '\n'))
			return err
		},
	})
	return cmd
}
