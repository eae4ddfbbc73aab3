package diff

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/leastpriv/policysentry/engine/policy"
)

// hundredStatements builds a 100-statement policy over common services,
// with wildcards, a NotAction statement and Deny statements; variant
// changes a few resources so OLD and NEW differ.
func hundredStatements(variant int) []byte {
	services := []string{"s3", "sqs", "kms", "ssm", "dynamodb", "lambda", "ec2", "iam", "logs", "sns"}
	var ss []map[string]any
	for i := range 100 {
		svc := services[i%len(services)]
		s := map[string]any{
			"Sid":      fmt.Sprintf("S%d", i),
			"Effect":   "Allow",
			"Action":   []string{svc + ":Get*", svc + ":List*", svc + ":Describe*"},
			"Resource": fmt.Sprintf("arn:aws:%s:us-east-1:111122223333:thing-%d-%d/*", svc, i, variant*(i%7)),
		}
		switch i % 25 {
		case 3:
			s["Effect"] = "Deny"
			s["Action"] = []string{svc + ":Delete*"}
		case 7:
			delete(s, "Action")
			s["NotAction"] = []string{"iam:*", "organizations:*"}
		}
		ss = append(ss, s)
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": ss})
	return b
}

// BenchmarkCompare100 diffs two 100-statement policies (target ≤ 20 ms).
func BenchmarkCompare100(b *testing.B) {
	d := db(b)
	old, err := policy.Load(hundredStatements(0), "old.json")
	if err != nil {
		b.Fatal(err)
	}
	nw, err := policy.Load(hundredStatements(1), "new.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Compare(d, old, nw); err != nil {
			b.Fatal(err)
		}
	}
}
