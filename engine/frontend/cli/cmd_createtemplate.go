package cli

import (
	"fmt"
	"os"
	"slices"

	"github.com/leastpriv/policysentry/engine/grant"

	"github.com/leastpriv/policysentry/engine/template"
	"github.com/spf13/cobra"
)

func init() { register("create-template", newCreateTemplateCmd) }

func newCreateTemplateCmd(app *App) *Command {
	var output, kind string
	var name string
	cmd := &cobra.Command{
		Use:         "create-template",
		Short:       "Create write-policy YML template files",
		Long:        "Writes YML file templates for use in the write-policy command function.",
		Annotations: map[string]string{annCompat: "true"},
		Args:        cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			src := template.Skeleton(template.Mode(kind))
			if m := grant.Mode(kind); slices.Contains(grant.Modes, m) {
				src = grant.Skeleton(m)
			}
			if output == "" || output == "-" {
				_, err := app.Stdout.Write(src)
				return err
			}
			if err := os.WriteFile(output, src, 0o644); err != nil {
				return fmt.Errorf("--output-file: %w", err)
			}
			fmt.Fprintf(app.Stdout, "%s template file written to: %s\n", kind, output)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output-file", "o", "", "Relative path to output file where we want to store policy_sentry YML files (- or none: standard output).")
	cmd.Flags().StringVarP(&kind, "template-type", "t", "", "Type of write_policy template to create - actions or CRUD. Options are: actions, crud (resource: a resource-based policy; trust: a role trust policy)")
	cmd.Flags().StringVarP(&name, "name", "n", "", "")
	cmd.Flags().Lookup("name").Hidden = true
	addVerbose(cmd)
	addFlagMeta(cmd.Flags(), "template-type", "[actions|crud|resource|trust]", []string{"actions", "crud", "resource", "trust"}, true)
	return cmd
}
