package diff

import (
	"testing"

	"github.com/leastpriv/policysentry/engine/policy"
)

// FuzzParseGuardrails feeds arbitrary bytes to the must-not-grant file
// parser: an error or guardrails, never a panic; every guardrail it
// returns has actions or resources.
func FuzzParseGuardrails(f *testing.F) {
	for _, s := range []string{
		"builtin: [iam-write]\nmust-not-grant:\n  - actions: [\"s3:*\"]\n    resources: [\"arn:aws:s3:::b/*\"]\n",
		`{"actions": ["iam:PassRole"]}`, "- resources: '*'\n", "must-not-grant: 3", "[", "",
	} {
		f.Add([]byte(s))
	}
	d := db(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		rails, err := ParseGuardrails(d, src, "f.yml")
		if err != nil {
			return
		}
		for _, g := range rails {
			if len(g.Actions) == 0 && len(g.Resources) == 0 {
				t.Fatalf("empty guardrail %+v from %q", g, src)
			}
		}
	})
}

// FuzzCompare diffs arbitrary policies against a fixed one both ways:
// never a panic, and a policy compared with itself grants nothing new.
func FuzzCompare(f *testing.F) {
	base := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","sqs:*"],"Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","NotAction":"iam:*","NotResource":"*"}]}`)
	for _, s := range []string{
		string(base),
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/x":["a","b"]}}}}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["123456789012","*"]},"Action":"*","Resource":"arn:*:*:*:*:*"}]}`,
	} {
		f.Add([]byte(s))
	}
	d := db(f)
	baseDocs, err := policy.Load(base, "base.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		docs, err := policy.Load(src, "f.json")
		if err != nil {
			return
		}
		if _, err := Compare(d, baseDocs, docs); err != nil {
			return
		}
		self, err := Compare(d, docs, docs)
		if err != nil {
			t.Fatalf("compares with base but not with itself: %v", err)
		}
		if self.GrantsNewAccess() || len(self.Removed) > 0 {
			t.Fatalf("a policy compared with itself changes access: %+v\n%s", self, src)
		}
	})
}
