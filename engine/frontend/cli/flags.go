package cli

import "github.com/spf13/cobra"

// verbosityChoices are the -v/--verbose levels Policy Sentry accepts; they
// are accepted for compatibility (warnings always go to stderr).
var verbosityChoices = []string{"critical", "error", "warning", "info", "debug"}

// addVerbose adds Policy Sentry's -v/--verbose option.
func addVerbose(cmd *cobra.Command) {
	var v string
	cmd.Flags().StringVarP(&v, "verbose", "v", "", "")
	addFlagMeta(cmd.Flags(), "verbose", "", verbosityChoices, false)
}

// addFmt adds --fmt with a default and the allowed choices.
func addFmt(cmd *cobra.Command, p *string, help, def string, choices ...string) {
	cmd.Flags().StringVar(p, "fmt", def, help)
	addFlagMeta(cmd.Flags(), "fmt", "", choices, false)
}
