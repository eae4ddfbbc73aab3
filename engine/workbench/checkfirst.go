package workbench

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
	"github.com/leastpriv/policysentry/engine/validate"
)

// Auditing checks first (issue 13): a bare URL-encoded document, as IAM's
// API returns documents, is decoded before it is read; and a policy AWS
// would refuse to store (validate.Rejections: Resource together with
// NotResource, a misspelt element, a Principal in an identity policy, ...)
// is reported with its ERROR findings instead of being audited as if it
// were valid.

// decodeBare decodes an input that is a URL-encoded policy document.
func decodeBare(src []byte) []byte {
	if dec, ok := validate.DecodeURLEncoded(src); ok {
		return dec
	}
	return src
}

// checkFirst splits the documents read from src into those to audit and
// reports of those AWS would reject (PolicyReport.Error lists the
// findings, which are also returned as diagnostics). root is src as
// policy.ParseNode scanned it (nil if it did not), shared with
// policy.LoadParsed so that src is scanned once.
func checkFirst(db *iamdb.DB, src []byte, root *policy.Node, name string, docs []*policy.Document) ([]*policy.Document, []*audit.PolicyReport, diag.List) {
	if db == nil {
		return docs, nil, nil
	}
	rej := validate.RejectionsParsed(db, src, root, name)
	if len(rej) == 0 {
		return docs, nil, nil
	}
	var keep []*policy.Document
	var reports []*audit.PolicyReport
	var diags diag.List
	for _, d := range docs {
		l, bad := rej[d.Name]
		if !bad {
			keep = append(keep, d)
			continue
		}
		var b strings.Builder
		b.WriteString("AWS would reject this policy, so it is not audited (policy-sentry validate explains):")
		for _, f := range l {
			fmt.Fprintf(&b, "\n  %s: %s %s: %s", f.Start, f.Code, f.Path, f.Message)
		}
		reports = append(reports, &audit.PolicyReport{Name: d.Name, Error: b.String(), Findings: []audit.Finding{}})
		for _, f := range l {
			f.Message = fmt.Sprintf("AWS would reject this policy (%s, so it is not audited): %s", f.Code, f.Message)
			diags = append(diags, f)
		}
	}
	return keep, reports, diags
}
