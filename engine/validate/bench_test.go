package validate

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkManaged validates every AWS managed policy once per iteration.
func BenchmarkManaged(b *testing.B) {
	db := loadDB(b)
	docs := managedPolicies(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, m := range docs {
			Validate(db, m.doc, m.name, Options{})
		}
	}
}

// typed100 is a policy of 100 statements such as a user types: actions,
// ARNs with variables, conditions.
func typed100() []byte {
	var b strings.Builder
	b.WriteString("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n")
	for i := 0; i < 100; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `    {
      "Sid": "S%d",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:List*", "sqs:SendMessage", "kms:Decrypt"],
      "Resource": ["arn:aws:s3:::bucket-%d/home/${aws:username}/*", "arn:aws:s3:::bucket-%d", "arn:aws:sqs:us-east-1:111122223333:queue-%d", "arn:aws:kms:us-east-1:111122223333:key/%d"],
      "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}, "IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}, "Bool": {"aws:SecureTransport": "true"}}
    }`, i, i, i, i, i)
	}
	b.WriteString("\n  ]\n}\n")
	return []byte(b.String())
}

// BenchmarkTyped100 validates a typed 100-statement policy: the cost of
// one keystroke in the web app.
func BenchmarkTyped100(b *testing.B) {
	db := loadDB(b)
	src := typed100()
	Validate(db, src, "typed.json", Options{})
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Validate(db, src, "typed.json", Options{})
	}
}
