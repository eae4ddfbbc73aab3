package simulate

import (
	"fmt"
	"strings"
	"testing"
)

// benchSet is a principal with 10 identity policies of 20 statements
// each (mixed services, ARNs with wildcards, a third with conditions, a
// few Denies), a boundary and two SCP levels.
func benchSet(b *testing.B) *Set {
	services := []string{"s3", "ec2", "iam", "sqs", "dynamodb", "lambda", "kms", "logs", "sns", "cloudwatch"}
	conds := []string{
		``,
		`,"Condition":{"StringEquals":{"aws:PrincipalTag/team":["blue","green"]},"Bool":{"aws:SecureTransport":"true"}}`,
		``,
		`,"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}`,
		``,
		`,"Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["env*","owner"]}}`,
	}
	s := &Set{}
	for p := 0; p < 10; p++ {
		var sts []string
		for i := 0; i < 20; i++ {
			svc := services[(p+i)%len(services)]
			eff, res := "Allow", fmt.Sprintf("res%d", i)
			if i == 19 {
				eff, res = "Deny", "secret"
			}
			sts = append(sts, fmt.Sprintf(`{"Sid":"S%d","Effect":%q,"Action":["%s:Get*","%s:List*","%s:Describe%d*"],"Resource":["arn:aws:%s:us-east-?:111122223333:%s/*","arn:aws:%s:*:*:${aws:username}-%s/*"]%s}`,
				i, eff, svc, svc, svc, i, svc, res, svc, res, conds[i%len(conds)]))
		}
		s.Identity = append(s.Identity, mustCompile(b, `{"Version":"2012-10-17","Statement":[`+strings.Join(sts, ",")+`]}`, fmt.Sprintf("p%d", p)))
	}
	s.Boundary = mustCompile(b, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","ec2:*","sqs:*","dynamodb:*"],"Resource":"*"}]}`, "boundary")
	scp := mustCompile(b, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"organizations:*","Resource":"*"}]}`, "scp")
	s.SCPs = [][]*Policy{{scp}, {scp}}
	return s
}

func benchRequest() *Request {
	return &Request{
		PrincipalARN: "arn:aws:iam::111122223333:user/alice",
		Action:       "dynamodb:GetItem",
		Resource:     "arn:aws:dynamodb:us-east-1:111122223333:alice-res4/table",
		Context: Context{
			"aws:PrincipalTag/team": {"blue"}, "aws:SecureTransport": {"true"},
			"aws:SourceIp": {"10.1.2.3"}, "aws:TagKeys": {"env", "owner"},
		},
	}
}

// BenchmarkEvaluate: one request against 10 policies of 20 statements
// (target: at most 50 µs per request).
func BenchmarkEvaluate(b *testing.B) {
	s := benchSet(b)
	req := benchRequest()
	if got := s.Evaluate(req); got.Decision != Allowed {
		b.Fatalf("%s: %s", got.Decision, got.Reason)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Evaluate(req)
	}
}

// BenchmarkEvaluateImplicitDeny: the slowest path, a denied request that
// scans every statement and then looks for the nearest one.
func BenchmarkEvaluateImplicitDeny(b *testing.B) {
	s := benchSet(b)
	req := benchRequest()
	req.Action = "s3:PutObject"
	if got := s.Evaluate(req); got.Decision != ImplicitDeny {
		b.Fatalf("%s: %s", got.Decision, got.Reason)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Evaluate(req)
	}
}

// BenchmarkCompile: compiling the 10 policies (what the cache saves).
func BenchmarkCompile(b *testing.B) {
	s := benchSet(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, p := range s.Identity {
			if _, err := Compile(p.Doc); err != nil {
				b.Fatal(err)
			}
		}
	}
}
