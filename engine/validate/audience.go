package validate

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/policy"
)

// audienceQualifier reports an OIDC audience claim key (PROVIDER:aud, such
// as accounts.google.com:aud or token.actions.githubusercontent.com:aud)
// tested with ForAllValues or ForAnyValue (Access Analyzer's
// CONFIRM_AUDIENCE_CLAIM_TYPE). An identity provider may issue aud as one
// value or as a list; a qualifier fits only a list, and ForAllValues on a
// claim that is missing or single is true for any token. The finding asks
// the author to confirm which their provider issues.
func (v *validator) audienceQualifier(st *statement, op condition.Operator, k *policy.Member, path string) {
	if v.opts.rejectsOnly || op.Set == condition.Single {
		return
	}
	prefix, claim, ok := strings.Cut(k.Key, ":")
	if !ok || !strings.EqualFold(claim, "aud") || !strings.Contains(prefix, ".") {
		return
	}
	v.emit("CONFIRM_AUDIENCE_CLAIM_TYPE", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("%s tests the 'aud' (audience) claim with %s: confirm that %s issues aud as a list of values; for a single value, drop the qualifier (ForAllValues is true for any token without the claim)", k.Key, op.Set, prefix), strings.TrimPrefix(strings.TrimPrefix(op.Text, "ForAllValues:"), "ForAnyValue:"))
}
