package audit

import (
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
)

// AnalyzeSource analyzes one input file of any shape policy.Load reads:
// `get-account-authorization-details` output per principal
// (AnalyzeAccount), anything else per policy document (Analyze).
func AnalyzeSource(db *iamdb.DB, src []byte, name string, opts Options) (*Report, error) {
	if IsAuthorizationDetails(src) {
		return AnalyzeAccount(db, src, name, opts)
	}
	docs, err := policy.Load(src, name)
	if err != nil {
		return nil, err
	}
	return Analyze(db, docs, opts)
}
