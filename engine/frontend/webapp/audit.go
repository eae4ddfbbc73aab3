package webapp

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// File is a dropped, picked or pasted file.
type File = workbench.Input

// AuditFiles audits every file (policies or authorization-details dumps)
// with the built-in lists, or with a custom list when customList is not
// empty. Files that cannot be read are reported with their error.
func AuditFiles(db *iamdb.DB, files []File, customList string) (*audit.Report, error) {
	return AuditFilesProgress(db, files, customList, nil)
}

// AuditFilesProgress is AuditFiles reporting progress: progress(done,
// total) is called after each chunk of policy documents (total counts the
// documents of every file), so a UI can update and yield in between.
func AuditFilesProgress(db *iamdb.DB, files []File, customList string, progress func(done, total int)) (*audit.Report, error) {
	opts := workbench.AuditOptions{Options: audit.Options{InfrastructureModification: true}, Progress: progress}
	lists, err := auditLists(customList)
	if err != nil {
		return nil, err
	}
	opts.Lists = lists
	res, err := workbench.AuditAll(db, files, opts)
	if err != nil {
		return nil, err
	}
	return res.Report, nil
}

// SeveritySummary counts a policy's findings by severity, most severe
// first: "4 findings: 3 critical, 1 high" ("no findings" when there are
// none).
func SeveritySummary(p *audit.PolicyReport) string {
	if len(p.Findings) == 0 {
		return "no findings"
	}
	return fmt.Sprintf("%d findings: %s", len(p.Findings), audit.SeverityCounts(p.Findings))
}

// ReportSummary sums up a report for the top of the results: "400
// policies: 12 with critical findings, 3 with high, 1 unreadable".
func ReportSummary(r *audit.Report) string {
	var crit, high, bad int
	for _, p := range r.Policies {
		switch {
		case p.Error != "":
			bad++
		case hasSeverity(p, "critical"):
			crit++
		case hasSeverity(p, "high"):
			high++
		}
	}
	n := len(r.Policies)
	s := fmt.Sprintf("%d %s: %d with critical findings, %d more with high-severity ones", n, plural(n, "policy", "policies"), crit, high)
	if bad > 0 {
		s += fmt.Sprintf(", %d unreadable", bad)
	}
	return s
}

func hasSeverity(p *audit.PolicyReport, sev string) bool {
	for _, f := range p.Findings {
		if string(f.Severity) == sev {
			return true
		}
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// auditLists are the built-in risk lists plus the custom list pasted in
// the Audit screen (one action a line); nil, the default lists, when
// customList is blank.
func auditLists(customList string) ([]*audit.List, error) {
	if strings.TrimSpace(customList) == "" {
		return nil, nil
	}
	l, err := audit.ParseAuditFile([]byte(customList), "custom audit list")
	if err != nil {
		return nil, err
	}
	builtin, err := audit.BuiltinLists()
	if err != nil {
		return nil, err
	}
	return append(builtin, l), nil
}
