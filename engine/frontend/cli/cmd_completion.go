package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// completeEnv is the variable Policy Sentry's (click's) documented shell
// set-up uses: eval "$(_POLICY_SENTRY_COMPLETE=bash_source policy_sentry)".
const completeEnv = "_POLICY_SENTRY_COMPLETE"

// completionShells maps the shells to cobra's script generators.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

func newCompletionCmd(app *App) *Command {
	var noDesc bool
	cmd := &cobra.Command{
		Use:   "completion [bash|zsh|fish|powershell]",
		Short: "Print the shell completion script for bash, zsh, fish or PowerShell.",
		Long: "Print the shell completion script. It completes commands, options, access levels, service " +
			"prefixes, action names, resource types and condition keys from the dataset.\n\n" +
			"bash: eval \"$(policy-sentry completion bash)\" in ~/.bashrc (needs the bash-completion package).\n\n" +
			"zsh: eval \"$(policy-sentry completion zsh)\" in ~/.zshrc, after compinit.\n\n" +
			"fish: policy-sentry completion fish > ~/.config/fish/completions/policy-sentry.fish\n\n" +
			"PowerShell: policy-sentry completion powershell | Out-String | Invoke-Expression, in $PROFILE.\n\n" +
			"Policy Sentry's form works too: eval \"$(_POLICY_SENTRY_COMPLETE=bash_source policy-sentry)\" " +
			"(zsh_source, fish_source).",
		Annotations:           map[string]string{annUsage: "[OPTIONS] [bash|zsh|fish|powershell]"},
		Args:                  cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		ValidArgs:             completionShells,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.writeCompletion(cmd.Root(), args[0], !noDesc)
		},
	}
	cmd.Flags().BoolVar(&noDesc, "no-descriptions", false, "Leave the descriptions out of the completions.")
	return cmd
}

// writeCompletion prints the completion script for one shell, for the
// program name the user runs (policy-sentry, or policy_sentry as Policy
// Sentry is called).
func (app *App) writeCompletion(root *cobra.Command, shell string, desc bool) error {
	use := root.Use
	root.Use = app.completionName()
	defer func() { root.Use = use }()
	w := app.Stdout
	switch shell {
	case "bash":
		return root.GenBashCompletionV2(w, desc)
	case "zsh":
		if desc {
			return root.GenZshCompletion(w)
		}
		return root.GenZshCompletionNoDesc(w)
	case "fish":
		return root.GenFishCompletion(w, desc)
	case "powershell":
		if desc {
			return root.GenPowerShellCompletionWithDesc(w)
		}
		return root.GenPowerShellCompletion(w)
	}
	return Usagef("Invalid value for 'SHELL': '%s' is not one of %s.", shell, quoteChoices(completionShells))
}

// completionName is the program name the script completes: ProgName, or
// the name this binary was run as when it is one of ours.
func (app *App) completionName() string {
	if app.ProgName != "" {
		return app.ProgName
	}
	base := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")
	if base == "policy_sentry" || base == "policy-sentry" {
		return base
	}
	return "policy-sentry"
}

// completionEnvArgs turns Policy Sentry's _POLICY_SENTRY_COMPLETE=SHELL_source
// (click 8) or =source / source_SHELL (click 7) into `completion SHELL`.
// ok is false when the variable is unset.
func completionEnvArgs(args []string) ([]string, bool) {
	v, set := os.LookupEnv(completeEnv)
	if !set || v == "" {
		return args, false
	}
	if shell, ok := strings.CutSuffix(v, "_complete"); ok {
		// Click 8's runtime protocol, for scripts Policy Sentry generated.
		return []string{clickCompleteCmd, shell}, true
	}
	shell := map[string]string{
		"bash_source": "bash", "source": "bash", "source_bash": "bash",
		"zsh_source": "zsh", "source_zsh": "zsh",
		"fish_source": "fish", "source_fish": "fish",
		"powershell_source": "powershell",
	}[v]
	if shell == "" {
		// Keep the value so that the error names it.
		shell = v
	}
	return []string{"completion", shell}, true
}

// addCompletions registers the dynamic completions on every command: the
// choices of each option with a fixed set (access levels, formats,
// template types...), service prefixes for --service, and for the query
// tables the action, resource type and condition key names of the
// service given.
func addCompletions(root *cobra.Command, app *App) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if fn := app.flagCompletion(c, f); fn != nil {
				// Already registered (a shared flag): keep the first.
				_ = c.RegisterFlagCompletionFunc(f.Name, fn)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

type completeFunc = func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective)

func (app *App) flagCompletion(c *cobra.Command, f *pflag.Flag) completeFunc {
	if choices := f.Annotations[annChoices]; len(choices) > 0 {
		return fixedCompletion(choices)
	}
	switch {
	case f.Name == "service":
		return app.completeServices
	case c.Name() == "action-table" && f.Name == "name":
		return app.completeServiceNames(func(s *iamdb.Service) []string {
			var out []string
			for _, a := range s.Actions() {
				out = append(out, a.Name+"\t"+a.AccessLevel.String())
			}
			return out
		})
	case c.Name() == "arn-table" && f.Name == "name", f.Name == "resource-type":
		return app.completeServiceNames(func(s *iamdb.Service) []string {
			var out []string
			for _, r := range s.Resources {
				out = append(out, r.Name+"\t"+r.ARN)
			}
			return out
		})
	case c.Name() == "condition-table" && f.Name == "name", f.Name == "condition":
		return app.completeServiceNames(func(s *iamdb.Service) []string {
			var out []string
			for _, k := range s.Conditions {
				out = append(out, k.Name+"\t"+k.Type)
			}
			return out
		})
	}
	return nil
}

// fixedCompletion completes a fixed set of values.
func fixedCompletion(choices []string) completeFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return filterPrefix(choices, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeServices completes service prefixes, each with its name.
func (app *App) completeServices(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	db, err := app.DB()
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	var out []string
	for _, s := range db.Services {
		out = append(out, s.Prefix+"\t"+s.Name)
	}
	return filterPrefix(out, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeServiceNames completes names inside the service given with
// --service; an action name may also be written service:Action.
func (app *App) completeServiceNames(names func(*iamdb.Service) []string) completeFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		db, err := app.DB()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		prefix, _ := cmd.Flags().GetString("service")
		if prefix == "" {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		s := db.Service(strings.ToLower(prefix))
		if s == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return filterPrefix(names(s), toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// filterPrefix keeps the candidates ("value" or "value\tdescription")
// whose value starts with prefix, ignoring case, sorted.
func filterPrefix(cands []string, prefix string) []string {
	out := []string{}
	lp := strings.ToLower(prefix)
	for _, c := range cands {
		v, _, _ := strings.Cut(c, "\t")
		if strings.HasPrefix(strings.ToLower(v), lp) {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// registerPathCompletion completes a path flag with files of one
// extension (and folders).
func registerPathCompletion(cmd *cobra.Command, flag, ext string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{ext}, cobra.ShellCompDirectiveFilterFileExt
	})
}

// clickCompleteCmd is the hidden command that answers click 8's runtime
// completion protocol (_POLICY_SENTRY_COMPLETE=bash_complete, zsh_complete
// or fish_complete, with COMP_WORDS and COMP_CWORD in the environment), so
// that completion scripts Policy Sentry generated keep working.
const clickCompleteCmd = "__click_complete"

func newClickCompleteCmd(app *App) *Command {
	return &cobra.Command{
		Use:    clickCompleteCmd + " SHELL",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.clickComplete(args[0], os.Getenv("COMP_WORDS"), os.Getenv("COMP_CWORD"))
		},
	}
}

// clickComplete runs cobra's __complete on the words before the cursor and
// prints the candidates in click 8's format for the shell.
func (app *App) clickComplete(shell, words, cword string) error {
	if shell != "bash" && shell != "zsh" && shell != "fish" {
		return Usagef("Invalid value for '%s': '%s_complete' is not one of 'bash_complete', 'zsh_complete', 'fish_complete'.", completeEnv, shell)
	}
	w := splitWords(words)
	n := len(w)
	if cword != "" {
		var err error
		if n, err = strconv.Atoi(cword); err != nil || n < 0 {
			return fmt.Errorf("COMP_CWORD=%q is not a word index", cword)
		}
	}
	var args []string
	incomplete := ""
	if n > len(w) {
		n = len(w)
	}
	if n >= 1 {
		args = append(args, w[1:n]...)
	}
	if n < len(w) {
		incomplete = w[n]
	}
	var out bytes.Buffer
	sub := &App{Stdin: app.Stdin, Stdout: &out, Stderr: io.Discard, DatasetPath: app.DatasetPath,
		OverridesPath: app.OverridesPath, ProgName: app.ProgName, Preloaded: app.Preloaded}
	root := newRoot(sub, "")
	root.SetArgs(append(append([]string{cobra.ShellCompRequestCmd}, args...), incomplete))
	root.SetOut(&out)
	root.SetErr(io.Discard)
	if err := root.Execute(); err != nil {
		return err
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	directive := cobra.ShellCompDirectiveDefault
	if len(lines) > 0 && strings.HasPrefix(lines[len(lines)-1], ":") {
		d, _ := strconv.Atoi(strings.TrimPrefix(lines[len(lines)-1], ":"))
		directive = cobra.ShellCompDirective(d)
		lines = lines[:len(lines)-1]
	}
	var b strings.Builder
	emit := func(typ, value, help string) {
		switch shell {
		case "bash":
			fmt.Fprintf(&b, "%s,%s\n", typ, value)
		case "zsh":
			if help == "" {
				help = "_"
			}
			fmt.Fprintf(&b, "%s\n%s\n%s\n", typ, strings.ReplaceAll(value, ":", "\\:"), help)
		case "fish":
			if help != "" {
				fmt.Fprintf(&b, "%s,%s\t%s\n", typ, value, help)
			} else {
				fmt.Fprintf(&b, "%s,%s\n", typ, value)
			}
		}
	}
	values := 0
	for _, l := range lines {
		if l == "" || directive&(cobra.ShellCompDirectiveFilterFileExt|cobra.ShellCompDirectiveFilterDirs) != 0 {
			continue
		}
		v, help, _ := strings.Cut(l, "\t")
		emit("plain", v, help)
		values++
	}
	switch {
	case directive&cobra.ShellCompDirectiveFilterDirs != 0:
		emit("dir", incomplete, "")
	case directive&cobra.ShellCompDirectiveFilterFileExt != 0,
		values == 0 && directive&cobra.ShellCompDirectiveNoFileComp == 0:
		emit("file", incomplete, "")
	}
	_, err := io.WriteString(app.Stdout, b.String())
	return err
}

// splitWords splits COMP_WORDS as click does (shell-like: blanks and
// newlines separate, quotes group).
func splitWords(s string) []string {
	var words []string
	var cur strings.Builder
	in := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}
