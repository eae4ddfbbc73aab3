package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
)

// maxListed is how many actions a text line names before "and N more".
const maxListed = 6

// WriteText prints the result for people: each change with its
// statement, actions, resource and reason; new access first.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	if len(r.New) == 0 {
		b.WriteString("NEW grants no access that OLD did not.\n")
	} else {
		fmt.Fprintf(&b, "NEW grants access that OLD did not (%d change(s)):\n", len(r.New))
		writeChanges(&b, r.New)
	}
	if len(r.Removed) > 0 {
		fmt.Fprintf(&b, "\nNEW no longer grants (%d change(s)):\n", len(r.Removed))
		writeChanges(&b, r.Removed)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeChanges(b *strings.Builder, cs []Change) {
	for _, c := range cs {
		mark := "+"
		switch c.Kind {
		case MayGrantNewAccess:
			mark = "?"
		case RemovedAccess:
			mark = "-"
		}
		fmt.Fprintf(b, "%s %s:%d:%d %s: %s on %s", mark, c.Statement.Policy, c.Statement.Line, c.Statement.Column, c.Statement.Label, listActions(c.Actions), c.Resource)
		if c.Principal != "" {
			fmt.Fprintf(b, " for %s", c.Principal)
		}
		b.WriteByte('\n')
		fmt.Fprintf(b, "    %s: %s\n", c.Reason, c.Detail)
		if c.Condition != "" {
			fmt.Fprintf(b, "    condition: %s\n", c.Condition)
		}
		for _, r := range c.Related {
			fmt.Fprintf(b, "    compared with %s:%d:%d %s\n", r.Policy, r.Line, r.Column, r.Label)
		}
	}
}

func listActions(as []string) string {
	if len(as) <= maxListed {
		return strings.Join(as, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(as[:maxListed], ", "), len(as)-maxListed)
}

// WriteJSON prints the result as indented JSON (the Result type's shape).
func (r *Result) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}

// Diagnostics turns the new-access changes into diagnostics, so SARIF and
// editors can show them on NEW's lines: new access is a SECURITY_WARNING,
// "may grant" a WARNING.
func (r *Result) Diagnostics() diag.List {
	var l diag.List
	for _, c := range r.New {
		sev := diag.SecurityWarning
		if c.Kind == MayGrantNewAccess {
			sev = diag.Warning
		}
		msg := fmt.Sprintf("%s on %s: %s", listActions(c.Actions), c.Resource, c.Detail)
		if c.Principal != "" {
			msg = fmt.Sprintf("%s on %s for %s: %s", listActions(c.Actions), c.Resource, c.Principal, c.Detail)
		}
		l.Add(diag.Diagnostic{
			Severity: sev,
			Code:     c.Reason,
			Message:  msg,
			Path:     fmt.Sprintf("$.Statement[%d]", c.Statement.Index),
			Start:    diag.Position{File: c.Statement.Policy, Line: c.Statement.Line, Column: c.Statement.Column},
		})
	}
	return l
}
