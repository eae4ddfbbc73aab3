package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
)

// writeBenchInput writes 10 identity policies of 20 statements, a
// boundary, and a request file of n requests into dir.
func writeBenchInput(b *testing.B, dir string, n int) []string {
	services := []string{"s3", "ec2", "iam", "sqs", "dynamodb", "lambda", "kms", "logs", "sns", "cloudwatch"}
	args := []string{"simulate"}
	for p := 0; p < 10; p++ {
		var sts []string
		for i := 0; i < 20; i++ {
			svc := services[(p+i)%len(services)]
			cond := ""
			if i%3 == 1 {
				cond = `,"Condition":{"StringEquals":{"aws:PrincipalTag/team":["blue","green"]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`
			}
			sts = append(sts, fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","Action":["%s:Get*","%s:List*","%s:Describe%d*"],"Resource":["arn:aws:%s:*:111122223333:res%d/*","arn:aws:%s:*:*:${aws:username}/*"]%s}`,
				i, svc, svc, svc, i, svc, i, svc, cond))
		}
		f := filepath.Join(dir, fmt.Sprintf("p%d.json", p))
		os.WriteFile(f, []byte(`{"Version":"2012-10-17","Statement":[`+strings.Join(sts, ",")+`]}`), 0o644)
		args = append(args, "--policy", f)
	}
	bf := filepath.Join(dir, "boundary.json")
	os.WriteFile(bf, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","ec2:*","dynamodb:*"],"Resource":"*"}]}`), 0o644)
	type req struct {
		Action    string              `json:"action"`
		Resource  string              `json:"resource"`
		Principal string              `json:"principal_arn"`
		Context   map[string][]string `json:"context"`
	}
	reqs := make([]req, n)
	verbs := []string{"Get", "List", "Put", "Delete"}
	for i := range reqs {
		svc := services[i%len(services)]
		reqs[i] = req{
			Action:    fmt.Sprintf("%s:%sThing%d", svc, verbs[i%len(verbs)], i%7),
			Resource:  fmt.Sprintf("arn:aws:%s:us-east-1:111122223333:res%d/item%d", svc, i%20, i),
			Principal: "arn:aws:iam::111122223333:user/alice",
			Context:   map[string][]string{"aws:PrincipalTag/team": {"blue"}, "aws:SourceIp": {"10.9.8.7"}},
		}
	}
	rb, _ := json.Marshal(reqs)
	rf := filepath.Join(dir, "requests.json")
	os.WriteFile(rf, rb, 0o644)
	return append(args, "--boundary", bf, "--requests", rf, "--fmt", "json")
}

// BenchmarkSimulate100k runs `policy-sentry simulate --requests` on
// 100,000 requests against 10 policies of 20 statements and a boundary,
// in-process (reading, parsing, evaluating, writing JSON); one op is the
// whole run (target: 100,000 requests in at most 5 s).
func BenchmarkSimulate100k(b *testing.B) {
	db, err := dataset.Default()
	if err != nil {
		b.Fatal(err)
	}
	args := writeBenchInput(b, b.TempDir(), 100000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		app := &App{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Preloaded: db}
		if code := app.Run(args); code != ExitDenied {
			b.Fatalf("exit %d", code)
		}
	}
}
