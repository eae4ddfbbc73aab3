package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/leastpriv/policysentry/engine/diff"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// guardFlags are the must-not-grant options diff and validate share.
type guardFlags struct {
	file     string
	builtins []string
}

// add registers --must-not-grant and --guardrail; what names the policy
// they check in the help text.
func (g *guardFlags) add(f *pflag.FlagSet, what string) {
	f.StringVar(&g.file, "must-not-grant", "", "A file of access "+what+" must not grant (YAML or JSON; see engine/diff/README.md).")
	f.StringSliceVar(&g.builtins, "guardrail", nil, "A built-in must-not-grant list: "+strings.Join(diff.BuiltinNames(), ", ")+" (repeatable).")
}

// resolve reads the file and the built-in lists.
func (g *guardFlags) resolve(db *iamdb.DB) ([]diff.Guardrail, error) {
	var src []byte
	if g.file != "" {
		var err error
		if src, err = os.ReadFile(g.file); err != nil {
			return nil, fmt.Errorf("--must-not-grant: %w", err)
		}
		if len(strings.TrimSpace(string(src))) == 0 {
			return nil, fmt.Errorf("--must-not-grant %s: the file is empty: list guardrails under must-not-grant: or builtin:", g.file)
		}
	}
	for _, n := range g.builtins {
		if _, err := diff.Builtin(db, n); err != nil {
			return nil, Usagef("Invalid value for '--guardrail': %v", err)
		}
	}
	return diff.ResolveGuardrails(db, src, g.file, g.builtins)
}
