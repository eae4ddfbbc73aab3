package awsaccount_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leastpriv/policysentry/engine/internal/awsaccount"
	"github.com/leastpriv/policysentry/engine/internal/awsaccount/awsfake"
)

const (
	account = "123456789012"
	// A document with characters IAM percent-encodes, "+" among them.
	inlineDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a+b c/*","Condition":{"StringLike":{"s3:prefix":["home/${aws:username}/*"]}}}]}`
	trustDoc  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	mpDoc     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","ec2:RunInstances"],"Resource":"*"}]}`
)

// env points the SDK at a fake endpoint with static credentials, in a
// HOME of its own (no real ~/.aws is read).
func env(t testing.TB, url string) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "credentials"))
	for _, k := range []string{"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL_IAM", url)
	t.Setenv("AWS_ENDPOINT_URL_STS", url)
}

func fixture() *awsfake.Server {
	return &awsfake.Server{Account: account, Arn: "arn:aws:iam::" + account + ":user/Alice", Entities: []awsfake.Entity{
		awsfake.User(account, "Alice", "Admins", "AliceInline", inlineDoc, "arn:aws:iam::"+account+":policy/Deploy"),
		awsfake.Group(account, "Admins", "AdminsInline", inlineDoc),
		awsfake.Role(account, "WebServer", trustDoc, "WebInline", inlineDoc, "arn:aws:iam::aws:policy/ReadOnlyAccess"),
		awsfake.ManagedPolicy("arn:aws:iam::"+account+":policy/Deploy", mpDoc, 1),
		awsfake.ManagedPolicy("arn:aws:iam::"+account+":policy/Unused", mpDoc, 0),
		awsfake.ManagedPolicy("arn:aws:iam::aws:policy/ReadOnlyAccess", mpDoc, 3),
	}}
}

var fast = awsaccount.Options{MaxBackoff: time.Millisecond}

// TestDownload pages through the account (one entity a page), decodes the
// URL-encoded documents (a "+" stays a plus sign) and keeps every entity.
func TestDownload(t *testing.T) {
	fake := fixture()
	fake.MaxPage = 1
	srv := fake.Start()
	defer srv.Close()
	env(t, srv.URL)
	res, err := awsaccount.Download(context.Background(), fast)
	if err != nil {
		t.Fatal(err)
	}
	if res.AccountID != account || res.Pages != 6 {
		t.Errorf("account %q, %d pages; want %s, 6", res.AccountID, res.Pages, account)
	}
	d := res.Details
	if len(d.UserDetailList) != 1 || len(d.GroupDetailList) != 1 || len(d.RoleDetailList) != 1 || len(d.Policies) != 3 {
		t.Fatalf("counts: %d users, %d groups, %d roles, %d policies", len(d.UserDetailList), len(d.GroupDetailList), len(d.RoleDetailList), len(d.Policies))
	}
	if got := string(d.UserDetailList[0].UserPolicyList[0].PolicyDocument); got != inlineDoc {
		t.Errorf("inline document decoded as\n%s\nwant\n%s", got, inlineDoc)
	}
	if got := string(d.RoleDetailList[0].AssumeRolePolicyDocument); got != trustDoc {
		t.Errorf("trust policy decoded as %s", got)
	}
	// Sorted by ARN: the account's policies, then AWS managed ones.
	if d.Policies[0].PolicyName != "Deploy" || d.Policies[0].AWSManaged() || !d.Policies[2].AWSManaged() {
		t.Errorf("policies order: %s, %s, %s", d.Policies[0].Arn, d.Policies[1].Arn, d.Policies[2].Arn)
	}
	if got := string(d.Policies[0].DefaultDocument()); got != mpDoc {
		t.Errorf("default version document %s", got)
	}
	b, _ := json.Marshal(d)
	for _, k := range []string{`"UserDetailList"`, `"GroupList":["Admins"]`, `"IsDefaultVersion":true`, `"AttachmentCount":0`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("JSON lacks %s", k)
		}
	}
}

// TestDownloadFilter asks only for customer managed policies.
func TestDownloadFilter(t *testing.T) {
	srv := fixture().Start()
	defer srv.Close()
	env(t, srv.URL)
	o := fast
	o.Filter = awsaccount.Filter{CustomerManaged: true}
	res, err := awsaccount.Download(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	d := res.Details
	if len(d.UserDetailList)+len(d.RoleDetailList)+len(d.GroupDetailList) != 0 || len(d.Policies) != 2 {
		t.Errorf("filter ignored: %d policies", len(d.Policies))
	}
}

// TestDownloadThrottled: every second IAM request is throttled; the SDK
// backs off and retries, and the download completes.
func TestDownloadThrottled(t *testing.T) {
	fake := fixture()
	fake.MaxPage = 2
	fake.ThrottleEvery = 2
	srv := fake.Start()
	defer srv.Close()
	env(t, srv.URL)
	res, err := awsaccount.Download(context.Background(), fast)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages != 3 || fake.Throttled() == 0 {
		t.Errorf("%d pages, %d throttled", res.Pages, fake.Throttled())
	}
}

// TestDownloadErrors checks that each failure says what to do.
func TestDownloadErrors(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, fake *awsfake.Server) awsaccount.Options
		want  []string
	}{
		{"access denied", func(t *testing.T, fake *awsfake.Server) awsaccount.Options {
			fake.DenyIAM = true
			return fast
		}, []string{"access denied", "iam:GetAccountAuthorizationDetails", "sts:GetCallerIdentity"}},
		{"always throttled", func(t *testing.T, fake *awsfake.Server) awsaccount.Options {
			fake.ThrottleEvery = 1
			o := fast
			o.MaxAttempts = 3
			return o
		}, []string{"throttling", "try again later"}},
		{"no credentials", func(t *testing.T, fake *awsfake.Server) awsaccount.Options {
			os.Unsetenv("AWS_ACCESS_KEY_ID")
			os.Unsetenv("AWS_SECRET_ACCESS_KEY")
			return fast
		}, []string{"no AWS credentials found", "aws configure"}},
		{"unknown profile", func(t *testing.T, fake *awsfake.Server) awsaccount.Options {
			o := fast
			o.Profile = "nope"
			return o
		}, []string{`AWS profile "nope" is not in`, "aws configure --profile nope"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := fixture()
			srv := fake.Start()
			defer srv.Close()
			env(t, srv.URL)
			o := c.setup(t, fake)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err := awsaccount.Download(ctx, o)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestDecodeDocument covers IAM's URL encoding.
func TestDecodeDocument(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"%7B%22a%22%3A%22b%2Bc%20d%22%7D", `{"a":"b+c d"}`, ""},
		{`{"a":1}`, `{"a":1}`, ""},
		{"%7B%22a%22", "", "not valid JSON"},
		{"%zz", "", "not URL-encoded"},
		{"a+b", "", "not valid JSON"},
	} {
		got, err := awsaccount.DecodeDocument(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("DecodeDocument(%q) error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || string(got) != c.want {
			t.Errorf("DecodeDocument(%q) = %s, %v; want %s", c.in, got, err, c.want)
		}
	}
}

// BenchmarkDownload1000Roles pages through 1,000 roles from the local
// endpoint, 100 a page (IAM's default page), every 5th request throttled.
func BenchmarkDownload1000Roles(b *testing.B) {
	fake := &awsfake.Server{Account: account, Arn: "arn:aws:iam::" + account + ":user/Alice", MaxPage: 100}
	for i := range 1000 {
		fake.Entities = append(fake.Entities, awsfake.Role(account, fmt.Sprintf("Role%04d", i), trustDoc, "Inline", inlineDoc, "arn:aws:iam::aws:policy/ReadOnlyAccess"))
	}
	srv := fake.Start()
	defer srv.Close()
	env(b, srv.URL)
	fake.ThrottleEvery = 5
	for b.Loop() {
		res, err := awsaccount.Download(context.Background(), fast)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Details.RoleDetailList) != 1000 {
			b.Fatalf("%d roles", len(res.Details.RoleDetailList))
		}
	}
	b.ReportMetric(float64(fake.Requests("GetAccountAuthorizationDetails"))/float64(b.N), "iam-requests/op")
}

// FuzzDecodeDocument: a decoded document is always valid JSON.
func FuzzDecodeDocument(f *testing.F) {
	f.Add("%7B%22a%22%3A1%7D")
	f.Add(`{"Version":"2012-10-17"}`)
	f.Add("%zz")
	f.Fuzz(func(t *testing.T, s string) {
		doc, err := awsaccount.DecodeDocument(s)
		if err == nil && !json.Valid(doc) {
			t.Fatalf("%q decoded to invalid JSON %q", s, doc)
		}
	})
}
