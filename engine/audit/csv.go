package audit

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// CSVHeader is the first row of WriteCSV.
var CSVHeader = []string{"principal", "policy", "statements", "list", "path", "severity", "actions", "unconstrained", "conditioned", "detail", "why"}

// WriteCSV writes one row per finding, for ticketing: for an account,
// every surviving finding of every principal (the principal column
// set; statements named "policy: statement"), else every finding of every
// policy. Actions are joined with spaces, in the report's compact form.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	row := func(principal, policy string, f *Finding) error {
		return cw.Write([]string{principal, policy, strings.Join(f.Statements, "; "), f.List, f.Path, string(f.Severity),
			strings.Join(f.Actions, " "), strconv.FormatBool(f.Unconstrained), strconv.FormatBool(f.Conditioned), f.Detail, f.Why})
	}
	if len(r.Principals) > 0 {
		for _, p := range r.Principals {
			for _, f := range r.PrincipalFindings(p) {
				if err := row(p.Name, "", &f); err != nil {
					return err
				}
			}
		}
	} else {
		for _, p := range r.Policies {
			for i := range p.Findings {
				if err := row("", p.Name, &p.Findings[i]); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
