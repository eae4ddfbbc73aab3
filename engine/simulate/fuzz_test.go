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

// FuzzEvaluate compiles an arbitrary policy as each policy type and
// evaluates a request against it: no panic, the same answer twice, and
// the answer is one of the three decisions with a reason. A Deny
// statement for the request's action appended to the identity policies
// always gives ExplicitDeny.
func FuzzEvaluate(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:Get*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}`, "s3:GetObject", "arn:aws:s3:::b/alice/x", "arn:aws:iam::111122223333:user/alice")
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["111122223333"]},"NotAction":"iam:*","NotResource":"*"}]}`, "ec2:RunInstances", "*", "arn:aws:sts::111122223333:assumed-role/R/s")
	f.Add(`{"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"*","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":"a*"}}}}`, "sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q", "sns.amazonaws.com")
	deny := mustCompile(f, `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`, "deny")
	f.Fuzz(func(t *testing.T, src, action, resource, principal string) {
		p, err := Parse([]byte(src), "fuzz")
		if err != nil {
			return
		}
		req := &Request{PrincipalARN: principal, Action: action, Resource: resource,
			Context: Context{"aws:TagKeys": {"ab", "c"}, "aws:username": {"alice"}}}
		sets := []*Set{{Identity: []*Policy{p}}, {Resource: p}, {Identity: []*Policy{p}, Boundary: p}, {Identity: []*Policy{p}, SCPs: [][]*Policy{{p}}}, {Resource: p, RCPs: [][]*Policy{{p}}}, {Identity: []*Policy{p}, Session: []*Policy{p}}}
		for _, s := range sets {
			a, b := s.Evaluate(req), s.Evaluate(req)
			if a.Decision != b.Decision || a.Reason != b.Reason {
				t.Fatalf("not deterministic: %s / %s", a.Reason, b.Reason)
			}
			switch a.Decision {
			case Allowed, ExplicitDeny, ImplicitDeny:
			default:
				t.Fatalf("decision %q", a.Decision)
			}
			if a.Reason == "" {
				t.Fatal("no reason")
			}
		}
		s := &Set{Identity: []*Policy{p, deny}}
		if got := s.Evaluate(req); got.Decision != ExplicitDeny && parsePrincipal(principal).kind != servicePrincipal && parsePrincipal(principal).kind != anonymous && parsePrincipal(principal).kind != rootUser {
			t.Fatalf("a Deny of every action did not deny: %s (%s)", got.Decision, got.Reason)
		}
	})
}
