package cli

import (
	"fmt"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/workbench"
	"github.com/leastpriv/policysentry/engine/writer"
)

// writeGrant is write-policy for a resource or trust template (mode:
// resource, mode: trust): the policy in json or yaml on stdout; the
// validator's findings on the written policy and a line saying what it
// was validated as on stderr.
func (app *App) writeGrant(db *iamdb.DB, src []byte, name string, opts writer.Options, format string) ([]byte, error) {
	if opts.Minimize {
		return nil, Usagef("--minimize applies to identity policies (crud and actions templates), not to resource or trust templates")
	}
	res, err := workbench.WriteGrant(db, src, name, workbench.GrantOptions{Formats: []string{format}})
	if err != nil {
		return nil, err
	}
	for _, d := range res.Diagnostics {
		fmt.Fprintf(app.Stderr, "%s: %s\n", d.Severity.Label(), d.Error())
	}
	what := res.Validation.PolicyType.String() + " policy"
	if res.Validation.ResourceType != "" {
		what += " of " + res.Validation.ResourceType
	}
	fmt.Fprintf(app.Stderr, "%s: validated as a %s: %d findings, no error\n", diag.DisplayName(name), what, len(res.Diagnostics))
	return res.Text(format), nil
}
