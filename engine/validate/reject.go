package validate

import (
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
)

// Rejections validates every policy of an input (see ValidateInput) as
// identity policies, trust policies for roles' AssumeRolePolicyDocument,
// and returns, by policy name, the findings that make AWS refuse the
// policy (Check.Rejects): Resource with NotResource, a misspelt element,
// a Principal in an identity policy, ... Policies without such findings
// are absent. Auditors call it first so that a policy AWS would not
// accept is reported, not audited as if it were valid.
func Rejections(db *iamdb.DB, src []byte, file string) map[string]diag.List {
	return rejectionsOf(ValidateInput(db, src, file, Options{rejectsOnly: true}))
}

// RejectionsParsed is Rejections of src that the caller has already
// scanned with policy.ParseNode (root; nil to scan it here), so that an
// auditor reads each input once (see policy.LoadParsed).
func RejectionsParsed(db *iamdb.DB, src []byte, root *policy.Node, file string) map[string]diag.List {
	if root == nil {
		return Rejections(db, src, file)
	}
	return rejectionsOf(validateInputParsed(db, src, root, file, Options{rejectsOnly: true}))
}

// rejectionsOf keeps the rejecting findings of results, by policy name.
func rejectionsOf(results []Result) map[string]diag.List {
	out := map[string]diag.List{}
	for _, r := range results {
		for _, d := range r.Findings {
			if ch := checkOf(d.Code); ch != nil && ch.Rejects {
				out[r.Name] = append(out[r.Name], d)
			}
		}
	}
	return out
}
