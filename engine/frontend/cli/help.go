package cli

import (
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Help is rendered in the format of Python's click, which Policy Sentry
// uses, so that `--help` output of the shared commands is the same.
const (
	helpWidth  = 78 // click: min(terminal width, 80) - 2
	colMax     = 30
	colSpacing = 2
)

// Annotations used on commands and flags.
const (
	annUsage    = "click-usage"   // usage suffix, e.g. "[OPTIONS]"
	annCompat   = "click-compat"  // the command exists in Policy Sentry 0.16
	annMetavar  = "click-metavar" // flag metavar, e.g. "[yaml|json]"
	annRequired = "click-required"
	annChoices  = "click-choices" // allowed values, checked before running
	// annShowInherited lists persistent flags shown in a command's help.
	annShowInherited = "click-show-inherited"
)

// addFlagMeta sets a flag's click metavar, choices and required marker.
func addFlagMeta(fs *pflag.FlagSet, name, metavar string, choices []string, required bool) {
	f := fs.Lookup(name)
	if f.Annotations == nil {
		f.Annotations = map[string][]string{}
	}
	if metavar != "" {
		f.Annotations[annMetavar] = []string{metavar}
	}
	if len(choices) > 0 {
		f.Annotations[annChoices] = choices
		if metavar == "" {
			f.Annotations[annMetavar] = []string{"[" + strings.Join(choices, "|") + "]"}
		}
	}
	if required {
		f.Annotations[annRequired] = []string{"true"}
	}
}

// progName is the program name shown in usage lines.
func (a *App) progName() string {
	if a.ProgName != "" {
		return a.ProgName
	}
	return "policy-sentry"
}

// commandPath is the command's path with the program name first.
func (a *App) commandPath(cmd *cobra.Command) string {
	parts := strings.Fields(cmd.CommandPath())
	if len(parts) == 0 {
		return a.progName()
	}
	parts[0] = a.progName()
	return strings.Join(parts, " ")
}

func usageSuffix(cmd *cobra.Command) string {
	if s := cmd.Annotations[annUsage]; s != "" {
		return s
	}
	if cmd.HasAvailableSubCommands() {
		return "[OPTIONS] COMMAND [ARGS]..."
	}
	return "[OPTIONS]"
}

// usageLine is click's "Usage: prog cmd [OPTIONS]".
func (a *App) usageLine(cmd *cobra.Command) string {
	return "Usage: " + a.commandPath(cmd) + " " + usageSuffix(cmd)
}

// helpText renders click's help page for cmd.
func (a *App) helpText(cmd *cobra.Command) string {
	var b strings.Builder
	b.WriteString(a.usageLine(cmd) + "\n")
	if doc := cmd.Long; doc != "" {
		b.WriteString("\n")
		for _, para := range strings.Split(doc, "\n\n") {
			if pre, ok := strings.CutPrefix(para, "\b\n"); ok { // click's marker: keep the lines as written
				for _, l := range strings.Split(pre, "\n") {
					b.WriteString("  " + l + "\n")
				}
				continue
			}
			for _, l := range wrap(strings.Join(strings.Fields(para), " "), helpWidth-2) {
				b.WriteString("  " + l + "\n")
			}
		}
	}
	var rows [][2]string
	inherited := cmd.InheritedFlags()
	cmd.Flags().SortFlags = false
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Name == "help" || f.Name == "version" || inherited.Lookup(f.Name) != nil || cmd.PersistentFlags().Lookup(f.Name) != nil {
			return
		}
		rows = append(rows, [2]string{flagOpts(f), flagHelp(f)})
	})
	for _, name := range strings.Fields(cmd.Annotations[annShowInherited]) {
		if f := cmd.InheritedFlags().Lookup(name); f != nil {
			rows = append([][2]string{{flagOpts(f), flagHelp(f)}}, rows...)
		}
	}
	var globals [][2]string
	if cmd == cmd.Root() {
		cmd.PersistentFlags().VisitAll(func(f *pflag.Flag) {
			if !f.Hidden && f.Name != "help" && f.Name != "version" {
				globals = append(globals, [2]string{flagOpts(f), flagHelp(f)})
			}
		})
		rows = append(rows, [2]string{"--version", "Show the version and exit."})
	}
	rows = append(rows, [2]string{"--help", "Show this message and exit."})
	b.WriteString("\nOptions:\n")
	writeTable(&b, rows)
	var compat, extra [][2]string
	for _, c := range cmd.Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		row := [2]string{c.Name(), c.Short}
		if c.Annotations[annCompat] != "" || cmd != cmd.Root() {
			compat = append(compat, row)
		} else {
			extra = append(extra, row)
		}
	}
	sort.Slice(compat, func(i, j int) bool { return compat[i][0] < compat[j][0] })
	sort.Slice(extra, func(i, j int) bool { return extra[i][0] < extra[j][0] })
	if len(compat) > 0 {
		b.WriteString("\nCommands:\n")
		writeTable(&b, compat)
	}
	if len(extra) > 0 {
		b.WriteString("\nMore commands (not in Policy Sentry):\n")
		writeTable(&b, extra)
	}
	if len(globals) > 0 {
		b.WriteString("\nGlobal options (before or after any command):\n")
		writeTable(&b, globals)
	}
	return b.String()
}

func flagOpts(f *pflag.Flag) string {
	s := "--" + f.Name
	if f.Shorthand != "" {
		s = "-" + f.Shorthand + ", " + s
	}
	if mv := f.Annotations[annMetavar]; len(mv) > 0 {
		return s + " " + mv[0]
	}
	switch f.Value.Type() {
	case "bool":
		return s
	case "int":
		return s + " INTEGER"
	}
	return s + " TEXT"
}

func flagHelp(f *pflag.Flag) string {
	h := f.Usage
	if f.Annotations[annRequired] != nil {
		if h != "" {
			h += requiredGlue
		}
		h += "[required]"
	}
	return h
}

// writeTable writes click's two-column definition list.
func writeTable(b *strings.Builder, rows [][2]string) {
	first := 0
	for _, r := range rows {
		first = max(first, len(r[0]))
	}
	first = min(first, colMax) + colSpacing
	for _, r := range rows {
		b.WriteString("  " + r[0])
		if r[1] == "" {
			b.WriteString("\n")
			continue
		}
		lines := wrap(r[1], max(helpWidth-first-2, 10))
		if len(r[0]) <= first-colSpacing {
			b.WriteString(strings.Repeat(" ", first-len(r[0])))
		} else {
			b.WriteString("\n" + strings.Repeat(" ", first+2))
		}
		b.WriteString(lines[0] + "\n")
		for _, l := range lines[1:] {
			b.WriteString(strings.Repeat(" ", first+2) + l + "\n")
		}
	}
}

// requiredGlue joins "[required]" to the help text with click's two
// spaces; wrap keeps it as one word.
const requiredGlue = "\x00\x00"

// wrap breaks text into lines of at most width characters at spaces
// (Python's textwrap, as click uses it: long words are not split).
func wrap(text string, width int) []string {
	words := strings.Fields(text)
	if len(words) == 0 {
		return []string{""}
	}
	var lines []string
	cur := words[0]
	for _, w := range words[1:] {
		if len(cur)+1+len(w) > width {
			lines = append(lines, cur)
			cur = w
			continue
		}
		cur += " " + w
	}
	lines = append(lines, cur)
	for i := range lines {
		lines[i] = strings.ReplaceAll(lines[i], "\x00", " ")
	}
	return lines
}

// checkChoices validates flags with a fixed set of values, as click does.
func checkChoices(cmd *cobra.Command) error {
	var err error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		choices := f.Annotations[annChoices]
		if err != nil || len(choices) == 0 {
			return
		}
		v := f.Value.String()
		for _, c := range choices {
			if strings.EqualFold(c, v) {
				return
			}
		}
		quoted := make([]string, len(choices))
		for i, c := range choices {
			quoted[i] = "'" + c + "'"
		}
		err = Usagef("Invalid value for '--%s': '%s' is not one of %s.", f.Name, v, strings.Join(quoted, ", "))
	})
	if err != nil {
		return err
	}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if err == nil && f.Annotations[annRequired] != nil && !f.Changed {
			err = Usagef("Missing option '--%s'.", f.Name)
			if f.Shorthand != "" {
				err = Usagef("Missing option '-%s' / '--%s'.", f.Shorthand, f.Name)
			}
		}
	})
	return err
}
