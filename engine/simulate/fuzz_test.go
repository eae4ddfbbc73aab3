package simulate

import (
	"encoding/json"
	"testing"

	"github.com/leastpriv/policysentry/engine/condition"
)

// negations pairs each positive operator with its negated form.
var negations = map[string]string{
	"StringEquals": "StringNotEquals", "StringEqualsIgnoreCase": "StringNotEqualsIgnoreCase",
	"StringLike": "StringNotLike", "NumericEquals": "NumericNotEquals", "DateEquals": "DateNotEquals",
	"IpAddress": "NotIpAddress", "ArnEquals": "ArnNotEquals", "ArnLike": "ArnNotLike",
}

// FuzzCondition compiles a Condition element and evaluates it against a
// request context. Besides never panicking, it checks AWS's rules:
// evaluation is deterministic; an IfExists or ForAllValues condition on
// an absent key holds, a ForAnyValue one does not; and for a present key
// a negated operator without qualifier holds exactly when its positive
// form does not (values combine with OR, negated values with NOR).
func FuzzCondition(f *testing.F) {
	f.Add(`{"StringEquals":{"aws:PrincipalTag/team":["blue","red"]}}`, "aws:principaltag/team", `["blue"]`)
	f.Add(`{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`, "s3:prefix", `["home/alice/x"]`)
	f.Add(`{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}`, "aws:sourceip", `["2001:db8::1"]`)
	f.Add(`{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, "aws:tagkeys", `[]`)
	f.Add(`{"ForAnyValue:StringNotLike":{"aws:TagKeys":"a*"}}`, "aws:tagkeys", `["ab","c"]`)
	f.Add(`{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}`, "aws:multifactorauthage", `["12"]`)
	f.Add(`{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}`, "aws:currenttime", `["1798761600"]`)
	f.Add(`{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:t?pic"}}`, "aws:sourcearn", `["arn:aws:sns:us-east-1:1:topic"]`)
	f.Add(`{"Null":{"aws:TokenIssueTime":"true"},"BoolIfExists":{"aws:SecureTransport":false}}`, "aws:securetransport", `["false"]`)
	f.Add(`{"BinaryEquals":{"k":"QUJD"}}`, "k", `["QUJD"]`)
	f.Fuzz(func(t *testing.T, cond, key, values string) {
		var vals []string
		if json.Unmarshal([]byte(values), &vals) != nil {
			return
		}
		conds, err := compileConditions(json.RawMessage(cond), true)
		if err != nil {
			return
		}
		keys := map[string][]string{key: vals, "aws:username": {"alice"}}
		for _, c := range conds {
			ok1, _, present := c.eval(keys)
			ok2, _, _ := c.eval(keys)
			if ok1 != ok2 {
				t.Fatalf("%s %s: not deterministic", c.op.Text, c.key)
			}
			c.resolved(keys)
			absent, _, _ := c.eval(map[string][]string{})
			switch {
			case c.op.Base.Type == condition.Null:
			case c.op.IfExists || c.op.Set == condition.ForAllValues:
				if !absent {
					t.Fatalf("%s on an absent key is false, want true", c.op.Text)
				}
			case c.op.Set == condition.ForAnyValue:
				if absent {
					t.Fatalf("%s on an absent key is true, want false", c.op.Text)
				}
			}
			neg, ok := negations[c.op.Base.Name]
			if !ok || c.op.Set != condition.Single || c.op.IfExists || !present || len(vals) == 0 {
				continue
			}
			op, err := condition.ParseOperator(neg)
			if err != nil {
				t.Fatal(err)
			}
			nc := *c
			nc.op = op
			if got, _, _ := nc.eval(keys); got == ok1 {
				t.Fatalf("%s and %s on %q both %v", c.op.Text, neg, vals, got)
			}
		}
	})
}
