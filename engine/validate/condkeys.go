package validate

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/leastpriv/policysentry/engine/policy"
)

// pairedKeys are condition keys that are safer with another key in the
// same Condition (Access Analyzer's MISSING_PAIRED_CONDITION_KEYS, with
// the pair its reference documents), lower-cased: a key and the keys it
// wants beside it, as written in findings.
var pairedKeys = []struct {
	key  string
	want []string
	why  string // what the key alone lets through
}{
	{"aws:vpcsourceip", []string{"aws:SourceVpc"}, "the same private address exists in other VPCs"},
}

// irrelevantKeys are condition keys that describe nothing in a resource
// policy of the type (IRRELEVANT_CONDITION_KEY_IN_POLICY): the resource's
// own account is the account that owns the policy.
var irrelevantKeys = map[string][]string{
	"AWS::S3::Bucket":      {"s3:resourceaccount"},
	"AWS::S3::AccessPoint": {"s3:resourceaccount"},
}

// conditionSet runs the checks that look at all the keys a statement's
// Condition tests: missing paired keys and keys irrelevant to the
// resource policy's type.
func (v *validator) conditionSet(st *statement) {
	irrelevant := []string(nil)
	if v.rt != nil {
		irrelevant = irrelevantKeys[v.rt.name]
	}
	st.eachConditionKey(func(k *policy.Member, path string) {
		l := strings.ToLower(k.Key)
		for _, p := range pairedKeys {
			if p.key == l && !st.hasAnyKey(lowerAll(p.want)...) {
				v.emit("MISSING_PAIRED_CONDITION_KEYS", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("%s alone can match more than intended: %s; add %s to the same Condition", k.Key, p.why, strings.Join(p.want, ", ")), p.want...)
			}
		}
		if contains(irrelevant, l) {
			v.emit("IRRELEVANT_CONDITION_KEY_IN_POLICY", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("%s is not relevant in this %s policy: the resource's account is the policy's own; use the key in identity policies to govern which accounts' resources they reach", k.Key, v.rt.name))
		}
	})
}

// eachConditionKey calls f with each condition key of the statement
// (every key of every operator block, in document order) and its JSON
// path; nothing when Condition is absent or not an object.
func (st *statement) eachConditionKey(f func(k *policy.Member, path string)) {
	if st.condition == nil || st.condition.Kind != policy.Object {
		return
	}
	for _, c := range st.condition.Members {
		if c.Value == nil || c.Value.Kind != policy.Object {
			continue
		}
		for i := range c.Value.Members {
			k := &c.Value.Members[i]
			f(k, st.path+".Condition."+c.Key+"."+k.Key)
		}
	}
}

func lowerAll(l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = strings.ToLower(s)
	}
	return out
}

// epochDate returns the W3C (RFC 3339, UTC) form of a Date condition
// value written as Unix epoch seconds, and whether it is one.
func epochDate(s string) (string, bool) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return "", false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > 253402300799 { // after 9999-12-31T23:59:59Z
		return "", false
	}
	return time.Unix(n, 0).UTC().Format(time.RFC3339), true
}
