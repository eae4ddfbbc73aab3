package cli

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/awsaccount/awsfake"
)

const (
	fakeAccount = "0123456789012"
	deployDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","ec2:RunInstances"],"Resource":"*"}]}`
	readDoc     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}`
	trustDoc    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

// fakeAWS starts a local IAM/STS endpoint with a small account and points
// the SDK at it, with a temporary HOME holding the profiles default and
// dev (static example keys).
func fakeAWS(t *testing.T) (*awsfake.Server, string) {
	t.Helper()
	fake := &awsfake.Server{Account: fakeAccount, Arn: "arn:aws:iam::" + fakeAccount + ":user/Alice", MaxPage: 2, Entities: []awsfake.Entity{
		awsfake.User(fakeAccount, "Alice", "Admins", "AliceInline", readDoc, "arn:aws:iam::"+fakeAccount+":policy/Deploy"),
		awsfake.Group(fakeAccount, "Admins", "AdminsInline", readDoc),
		awsfake.Role(fakeAccount, "WebServer", trustDoc, "WebInline", deployDoc, "arn:aws:iam::aws:policy/ReadOnlyAccess"),
		awsfake.ManagedPolicy("arn:aws:iam::"+fakeAccount+":policy/Deploy", deployDoc, 1),
		awsfake.ManagedPolicy("arn:aws:iam::"+fakeAccount+":policy/Unused", readDoc, 0),
		awsfake.ManagedPolicy("arn:aws:iam::aws:policy/ReadOnlyAccess", readDoc, 3),
	}}
	srv := fake.Start()
	t.Cleanup(srv.Close)
	home := t.TempDir()
	t.Setenv("HOME", home)
	aws := filepath.Join(home, ".aws")
	os.MkdirAll(aws, 0o755)
	creds := "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n" +
		"[dev]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\naws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n"
	os.WriteFile(filepath.Join(aws, "credentials"), []byte(creds), 0o600)
	os.WriteFile(filepath.Join(aws, "config"), []byte("[default]\nregion = us-east-1\n\n[profile dev]\nregion = eu-west-1\n"), 0o600)
	for _, k := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	// The SDK computes ~/.aws/... once, at start: name the files.
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(aws, "credentials"))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(aws, "config"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL_IAM", srv.URL)
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)
	return fake, home
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// TestDownloadPolicies checks the documented folder layout for each flag
// combination, and that the files are the default versions' documents.
func TestDownloadPolicies(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"default", nil, []string{"customer-managed/Deploy.json"}},
		{"profile dev", []string{"--profile", "dev"}, []string{"customer-managed/Deploy.json"}},
		{"include unattached", []string{"--include-unattached"}, []string{"customer-managed/Deploy.json", "customer-managed/Unused.json"}},
		{"aws managed", []string{"--profile", "dev", "--aws-managed"}, []string{"aws-managed/ReadOnlyAccess.json", "customer-managed/Deploy.json"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, home := fakeAWS(t)
			code, out, errOut := run(t, "", append([]string{"download-policies"}, c.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			base := filepath.Join(home, ".policy_sentry", "policy-analysis", fakeAccount)
			got := listDir(t, base)
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("files %v, want %v", got, c.want)
			}
			if !strings.Contains(out, "Writing the policy files to "+filepath.Join(base, "customer-managed")) {
				t.Errorf("stdout: %s", out)
			}
			b, _ := os.ReadFile(filepath.Join(base, "customer-managed", "Deploy.json"))
			if !strings.Contains(string(b), `"iam:PassRole"`) || strings.Contains(string(b), `"Action": "*"`) {
				t.Errorf("Deploy.json is not the default version:\n%s", b)
			}
			// The folder is what analyze-iam-policy reads.
			code, out, errOut = run(t, "", "analyze-iam-policy", "--policy", filepath.Join(base, "customer-managed"), "--from-access-level", "permissions-management")
			if code != 0 || !strings.Contains(out, "Policy: Deploy.json\n['iam:passrole']") {
				t.Errorf("analyze-iam-policy: exit %d\n%s%s", code, out, errOut)
			}
		})
	}
}

// TestDownloadPoliciesOutput writes one get-account-authorization-details
// file and audits it with analyze: the role's inline policy and the
// attached managed policy are found (privilege escalation via PassRole +
// RunInstances).
func TestDownloadPoliciesOutput(t *testing.T) {
	_, home := fakeAWS(t)
	file := filepath.Join(home, "account.json")
	code, out, errOut := run(t, "", "download-policies", "--profile", "dev", "--output", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "account "+fakeAccount+": 1 users, 1 groups, 1 roles, 3 managed policies (3 pages)") {
		t.Errorf("summary: %s", out)
	}
	code, out, errOut = run(t, "", "analyze", "--policy", file)
	if code != 0 {
		t.Fatalf("analyze: exit %d: %s", code, errOut)
	}
	for _, w := range []string{"WebServer", "Deploy", "iam:PassRole"} { // the account is reported per principal
		if !strings.Contains(out, w) {
			t.Errorf("analyze report lacks %q", w)
		}
	}
	if strings.Contains(out, "(v1)") {
		t.Errorf("analyze read a non-default version")
	}
}

// TestDownloadPoliciesErrors: denied, unknown profile, stale files of an
// earlier download, --recursive.
func TestDownloadPoliciesErrors(t *testing.T) {
	fake, home := fakeAWS(t)
	fake.DenyIAM = true
	code, _, errOut := run(t, "", "download-policies", "--profile", "dev")
	if code != 1 || !strings.Contains(errOut, "iam:GetAccountAuthorizationDetails") || !strings.Contains(errOut, `AWS profile "dev"`) {
		t.Errorf("denied: exit %d: %s", code, errOut)
	}
	code, _, errOut = run(t, "", "download-policies", "--profile", "prod")
	if code != 1 || !strings.Contains(errOut, `AWS profile "prod" is not in`) {
		t.Errorf("unknown profile: exit %d: %s", code, errOut)
	}
	fake.DenyIAM = false
	// A later download without --include-unattached removes Unused.json.
	if code, out, errOut := run(t, "", "download-policies", "--include-unattached"); code != 0 || !strings.Contains(out, "Wrote 2 customer managed policies") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ := run(t, "", "download-policies")
	dir := filepath.Join(home, ".policy_sentry", "policy-analysis", fakeAccount, "customer-managed")
	if got := listDir(t, dir); code != 0 || len(got) != 1 || !strings.Contains(out, "Removed 1 policy files") {
		t.Errorf("stale file kept: %v\n%s", got, out)
	}
	code, out, errOut = run(t, "", "download-policies", "--recursive")
	if code != 0 || !strings.Contains(out, "Downloading policies under profile default\n") || !strings.Contains(out, "Downloading policies under profile dev\n") {
		t.Errorf("--recursive: exit %d\n%s%s", code, out, errOut)
	}
}
