package validate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/policy"
)

// globalTagKeys are the global tag condition keys of attribute-based
// access control (matched by condition.KeyMatches): AWS puts them in a
// request's context only for the actions (and resource types) that
// support them, which the dataset lists.
var globalTagKeys = []string{"aws:ResourceTag/${TagKey}", "aws:RequestTag/${TagKey}", "aws:TagKeys"}

// isGlobalTagKey reports whether a condition key is aws:ResourceTag/...,
// aws:RequestTag/... or aws:TagKeys.
func isGlobalTagKey(key string) bool {
	for _, k := range globalTagKeys {
		if condition.KeyMatches(k, key) {
			return true
		}
	}
	return false
}

// falseWhenAbsent reports whether a condition with this operator is
// false for a request without the key (as IAM evaluates it, and
// engine/simulate): not with IfExists, Null, ForAllValues, or a negated
// operator without ForAnyValue, which are true then.
func falseWhenAbsent(op condition.Operator) bool {
	switch {
	case op.IfExists, op.Base.Type == condition.Null, op.Set == condition.ForAllValues:
		return false
	case op.Base.Negated:
		return op.Set == condition.ForAnyValue
	}
	return true
}

// maxTagServices is how many service prefixes a tag-key finding names
// before it says how many more there are.
const maxTagServices = 8

// tagKeySupport reports a global tag condition key tested on actions
// that do not support it (Access Analyzer's four
// ..._UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE checks). The key is then
// absent from those actions' requests, so a condition that is false for
// an absent key never matches them: a Deny does not deny them (a
// security warning), an Allow does not allow them (a suggestion). With
// NotAction the statement covers every action it does not name, and some
// of them never support the key.
func (v *validator) tagKeySupport(st *statement, op condition.Operator, k *policy.Member, path string) {
	if v.db == nil || v.opts.rejectsOnly || !isGlobalTagKey(k.Key) || !falseWhenAbsent(op) {
		return
	}
	deny := st.effect == "Deny"
	if st.effect != "Allow" && !deny {
		return
	}
	if st.notAction != nil && st.action == nil {
		if deny {
			v.emit("DENY_NOT_ACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("a Deny with NotAction and the tag condition key %s does not deny the actions it covers that do not support the key (they have no %s in their requests, so the condition is false): list the actions to deny in Action instead", k.Key, k.Key))
		} else {
			v.emit("ALLOW_NOT_ACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("an Allow with NotAction and the tag condition key %s allows only the actions that support the key; the others it covers are not allowed: list the actions in Action instead", k.Key))
		}
		return
	}
	var services []string
	var example string
	if st.allActions {
		seen := map[string]bool{}
		for _, s := range v.db.Services {
			for _, a := range s.Actions() {
				if !condition.ActionListsKey(a, k.Key) {
					if !seen[s.Prefix] {
						seen[s.Prefix] = true
						services = append(services, s.Prefix)
					}
					break
				}
			}
		}
	} else {
		for _, g := range st.granted {
			p := g.a.Service.Prefix
			if slices.Contains(services, p) || condition.ActionListsKey(g.a, k.Key) {
				continue
			}
			services = append(services, p)
			if example == "" {
				example = g.a.FullName()
			}
		}
	}
	if len(services) == 0 {
		return
	}
	slices.Sort(services)
	names := strings.Join(services, ", ")
	if len(services) > maxTagServices {
		names = fmt.Sprintf("%s and %d more", strings.Join(services[:maxTagServices], ", "), len(services)-maxTagServices)
	}
	why := ""
	if example != "" {
		why = fmt.Sprintf(" (%s, for one, does not support it)", example)
	}
	if deny {
		v.emit("DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("a Deny with the tag condition key %s does not deny the statement's actions of %s that do not support the key%s: their requests have no such key, so the condition is false; move those actions to a statement without this condition (not to an IfExists operator, which would deny them always)", k.Key, names, why))
		return
	}
	v.emit("ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("an Allow with the tag condition key %s does not allow the statement's actions of %s that do not support the key%s: their requests have no such key, so the condition is false; move those actions to a statement without this condition", k.Key, names, why))
}
