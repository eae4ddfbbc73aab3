package validate

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/policy"
)

// sessionKeys are the condition keys of a role trust policy whose values
// the caller sets while assuming the role, lower-cased, with the action
// that lets it set them: session tags (aws:RequestTag/..., aws:TagKeys,
// sts:TransitiveTagKeys) need sts:TagSession, a source identity
// (sts:SourceIdentity) sts:SetSourceIdentity. A key ending in "/" is a
// prefix.
var sessionKeys = []struct{ key, action string }{
	{"aws:requesttag/", "sts:TagSession"},
	{"aws:tagkeys", "sts:TagSession"},
	{"sts:transitivetagkeys", "sts:TagSession"},
	{"sts:sourceidentity", "sts:SetSourceIdentity"},
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
	l := strings.ToLower(key)
	for _, s := range sessionKeys {
		if l == s.key || strings.HasSuffix(s.key, "/") && strings.HasPrefix(l, s.key) && len(l) > len(s.key) {
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
