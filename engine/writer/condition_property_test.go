package writer_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/leastpriv/policysentry/engine/validate"
	"github.com/leastpriv/policysentry/engine/writer"
)

// Pools the random templates draw from: ARNs per CRUD section, actions
// (patterns too) and condition block entries (an operator or shortcut
// with its keys, each valid).
var (
	propARNs = []string{
		"arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*", "arn:aws:s3:::logs/2026/*",
		"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"arn:aws:sqs:us-east-1:123456789012:orders", "arn:aws:sns:us-east-1:123456789012:alerts",
		"arn:aws:iam::123456789012:role/app-*", "arn:aws:ssm:us-east-1:123456789012:parameter/app/*",
		"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-*",
		"arn:aws:dynamodb:us-east-1:123456789012:table/orders",
		"arn:aws:lambda:us-east-1:123456789012:function:worker",
		"arn:aws:logs:us-east-1:123456789012:log-group:/app/*",
		"arn:aws:ecr:us-east-1:123456789012:repository/app",
	}
	propActions = []string{
		"s3:GetObject", "s3:ListBucket", "s3:ListAllMyBuckets", "s3:Put*Tagging", "iam:PassRole", "iam:GetRole",
		"kms:Decrypt", "kms:Describe*", "sqs:SendMessage", "ec2:RunInstances", "ec2:DescribeInstances",
		"ec2:CreateTags", "ssm:GetParameter*", "secretsmanager:GetSecretValue", "dynamodb:Query", "lambda:InvokeFunction",
		"sts:AssumeRole", "logs:PutLogEvents",
	}
	propClauses = []string{
		"source-ip: [203.0.113.0/24]",
		"requested-region: [us-east-1, eu-west-1]",
		"mfa: true",
		"mfa-max-age: 3600",
		"secure-transport: true",
		"resource-tags: {team: payments}",
		"request-tags: {env: prod}",
		"org-id: o-abc123def4",
		"principal-org-id: o-abc123def4",
		"vpc-endpoint: vpce-1a2b3c4d",
		"source-vpc: vpc-0a1b2c3d",
		"passed-to-service: ec2.amazonaws.com",
		"StringEquals: {s3:prefix: home/, kms:ViaService: s3.us-east-1.amazonaws.com}",
		"StringLike: {s3:prefix: 'home/*'}",
		"NumericLessThanEquals: {s3:max-keys: 100}",
		"DateLessThan: {aws:CurrentTime: '2027-01-01T00:00:00Z'}",
		"ForAnyValue:StringEquals: {aws:TagKeys: [team, env]}",
		"StringEqualsIfExists: {aws:ResourceTag/owner: '${aws:username}'}",
		"ArnLike: {aws:SourceArn: 'arn:aws:s3:::example-bucket'}",
		"BoolIfExists: {aws:ViaAWSService: 'false'}",
		"Null: {aws:ResourceTag/team: 'false'}",
	}
)

// randomTemplate makes a template with a condition: block (always) and
// maybe section blocks, from the pools; a CRUD template has at least
// one section with ARNs.
func randomTemplate(r *rand.Rand) string {
	var b strings.Builder
	block := func(key string) {
		b.WriteString(key + ":\n")
		for _, i := range r.Perm(len(propClauses))[:1+r.IntN(3)] {
			b.WriteString("  " + propClauses[i] + "\n")
		}
	}
	if r.IntN(3) == 0 {
		b.WriteString("mode: actions\nactions:\n")
		for _, i := range r.Perm(len(propActions))[:1+r.IntN(6)] {
			b.WriteString("- '" + propActions[i] + "'\n")
		}
		block("condition")
		return b.String()
	}
	b.WriteString("mode: crud\n")
	sections := []string{"read", "write", "list", "tagging", "permissions-management"}
	first := r.IntN(len(sections))
	for i, s := range sections {
		if i != first && r.IntN(2) == 0 {
			continue
		}
		b.WriteString(s + ":\n")
		for _, i := range r.Perm(len(propARNs))[:1+r.IntN(3)] {
			b.WriteString("- " + propARNs[i] + "\n")
		}
		if r.IntN(3) == 0 {
			block(s + "-condition")
		}
	}
	if r.IntN(3) == 0 {
		b.WriteString("wildcard-only:\n  single-actions:\n  - ec2:DescribeInstances\n  - s3:ListAllMyBuckets\n")
		if r.IntN(2) == 0 {
			block("wildcard-only-condition")
		}
	}
	block("condition")
	return b.String()
}

// TestConditionProperties writes 300 random templates with conditions
// and checks that (1) the policy validates with no ERROR, and (2) no
// action that supports a key of the template-wide block is granted
// anywhere without that key's clause (operator, key and values): the
// condition restricts every action it can.
func TestConditionProperties(t *testing.T) {
	db := defaultDB(t)
	r := rand.New(rand.NewPCG(15, 2026))
	withCond := 0
	for n := 0; n < 300; n++ {
		src := randomTemplate(r)
		tmpl, err := template.Parse([]byte(src), "random.yml")
		if err != nil {
			t.Fatalf("template %d does not parse: %v\n%s", n, err, src)
		}
		res, err := writer.Write(db, tmpl, writer.Options{})
		if err != nil {
			t.Fatalf("template %d: %v\n%s", n, err, src)
		}
		out := policyfmt.JSON(res.Policy)
		for _, d := range validate.Validate(db, out, "policy.json", validate.Options{}) {
			if d.Severity == diag.Error {
				t.Errorf("template %d: validate: %s\n%s\n%s", n, d, src, out)
			}
		}
		var top []template.Clause
		for _, blk := range tmpl.Conditions {
			if blk.Section == "" {
				top = append(top, blk.Clauses...)
			}
		}
		for _, st := range res.Policy.Statement {
			if len(st.Condition) > 0 {
				withCond++
			}
			for _, name := range st.Action {
				for _, a := range writer.ExpandAction(db, name) {
					for _, c := range top {
						if condition.ActionSupports(db.Action(a), c.Key) && !carries(st.Condition, c) {
							t.Errorf("template %d: %s supports %s but statement %s lacks %s\n%s\n%s", n, a, c.Key, st.Sid, describe(c), src, out)
						}
					}
				}
			}
		}
	}
	if withCond < 300 {
		t.Fatalf("only %d statements carry conditions: the test checks little", withCond)
	}
}

// carries reports whether a Condition element holds the clause: its
// operator, its key (any case) and each of its values.
func carries(c writer.Condition, cl template.Clause) bool {
	for k, vs := range c[cl.Operator] {
		if !strings.EqualFold(k, cl.Key) {
			continue
		}
		for _, v := range cl.Values {
			found := false
			for _, x := range vs {
				found = found || x == v.Value
			}
			if !found {
				return false
			}
		}
		return true
	}
	return false
}

func describe(c template.Clause) string {
	var vs []string
	for _, v := range c.Values {
		vs = append(vs, v.Value)
	}
	return fmt.Sprintf("%s %s %v", c.Operator, c.Key, vs)
}
