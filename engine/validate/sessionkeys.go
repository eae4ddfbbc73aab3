package validate

import (
	"fmt"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/policy"
)

// sessionKeys are the condition keys of a role trust policy whose values
// the caller sets while assuming the role (in the dataset's spelling,
// matched by condition.KeyMatches), with the action that lets it set
// them: session tags need sts:TagSession, a source identity
// sts:SetSourceIdentity.
var sessionKeys = []struct{ key, action string }{
	{"aws:RequestTag/${TagKey}", "sts:TagSession"},
	{"aws:TagKeys", "sts:TagSession"},
	{"sts:TransitiveTagKeys", "sts:TagSession"},
	{"sts:SourceIdentity", "sts:SetSourceIdentity"},
}

// sessionKeyActions reports, in a role trust policy, an Allow statement
// that tests a key the caller sets (session tags, source identity) when
// no Allow statement of the policy allows the action that sets it
// (Access Analyzer's MISSING_ACTION_FOR_CONDITION_KEY): the caller cannot
// pass the values, so an assume-role request that passes them is denied
// and one that does not never matches the condition.
func (v *validator) sessionKeyActions() {
	if v.opts.PolicyType != Trust || v.opts.rejectsOnly {
		return
	}
	for _, st := range v.stmts {
		if st.effect != "Allow" || !stmtHasAction(st, "sts:AssumeRole") && !stmtHasAction(st, "sts:AssumeRoleWithSAML") && !stmtHasAction(st, "sts:AssumeRoleWithWebIdentity") {
			continue
		}
		st.eachConditionKey(func(k *policy.Member, path string) {
			if action := sessionKeyAction(k.Key); action != "" && !v.allowsAction(action) {
				v.emit("MISSING_ACTION_FOR_CONDITION_KEY", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("the %s action must be in the Action element to allow setting values for the condition key %s: add %s", action, k.Key, action), action)
			}
		})
	}
}

// sessionKeyAction returns the action that sets a session key's values,
// or "".
func sessionKeyAction(key string) string {
	for _, s := range sessionKeys {
		if condition.KeyMatches(s.key, key) {
			return s.action
		}
	}
	return ""
}

// allowsAction reports whether an Allow statement of the policy covers
// the action.
func (v *validator) allowsAction(action string) bool {
	for _, st := range v.stmts {
		if st.effect == "Allow" && stmtHasAction(st, action) {
			return true
		}
	}
	return false
}
