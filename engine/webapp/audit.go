package webapp

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
)

// File is a dropped, picked or pasted file.
type File struct {
	Name string
	Data []byte
}

// AuditFiles audits every file (policies or authorization-details dumps)
// with the built-in lists, or with a custom list when customList is not
// empty. Files that cannot be read are reported with their error.
func AuditFiles(db *iamdb.DB, files []File, customList string) (*audit.Report, error) {
	opts := audit.Options{InfrastructureModification: true}
	if strings.TrimSpace(customList) != "" {
		l, err := audit.ParseAuditFile([]byte(customList), "custom audit list")
		if err != nil {
			return nil, err
		}
		builtin, err := audit.BuiltinLists()
		if err != nil {
			return nil, err
		}
		opts.Lists = append(builtin, l)
	}
	rep := &audit.Report{}
	for _, f := range files {
		docs, err := policy.Load(f.Data, f.Name)
		if err != nil {
			rep.Policies = append(rep.Policies, &audit.PolicyReport{Name: f.Name, Error: err.Error(), Findings: []audit.Finding{}})
			continue
		}
		r, err := audit.Analyze(db, docs, opts)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		rep.Policies = append(rep.Policies, r.Policies...)
	}
	return rep, nil
}
