package cli

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
	"github.com/leastpriv/policysentry/engine/validate"
)

// checkBeforeAudit is analyze's first step: a bare URL-encoded document
// (as IAM's API returns documents) is decoded, and the policies of src
// that AWS would refuse (validate.Rejections: Resource with NotResource,
// a misspelt element, ...) are taken out of docs and returned as reports
// carrying their ERROR findings, instead of being audited as if valid.
func checkBeforeAudit(db *iamdb.DB, src []byte, file string, docs []*policy.Document) ([]*policy.Document, []*audit.PolicyReport) {
	rej := validate.Rejections(db, src, file)
	if len(rej) == 0 {
		return docs, nil
	}
	var keep []*policy.Document
	var reports []*audit.PolicyReport
	for _, d := range docs {
		l, bad := rej[d.Name]
		if !bad {
			keep = append(keep, d)
			continue
		}
		reports = append(reports, &audit.PolicyReport{Name: d.Name, Error: rejectionText(l), Findings: []audit.Finding{}})
		delete(rej, d.Name)
	}
	return keep, reports
}

// rejectionText lists the findings, one a line: "file:line:column: CODE
// path: message".
func rejectionText(l diag.List) string {
	var b strings.Builder
	b.WriteString("AWS would reject this policy, so it is not audited (policy-sentry validate explains):")
	for _, d := range l {
		fmt.Fprintf(&b, "\n  %s: %s %s: %s", d.Start, d.Code, d.Path, d.Message)
	}
	return b.String()
}

// decodeBareURLEncoded decodes a whole input that is a URL-encoded policy.
func decodeBareURLEncoded(src []byte) []byte {
	if dec, ok := validate.DecodeURLEncoded(src); ok {
		return dec
	}
	return src
}
