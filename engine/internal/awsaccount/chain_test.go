package awsaccount_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leastpriv/policysentry/engine/internal/awsaccount"
	"github.com/leastpriv/policysentry/engine/internal/awsaccount/awsfake"
)

// chainHome makes a HOME whose ~/.aws is testdata/chain/DIR ({{HOME}} and
// {{URL}} replaced in every file; "none" for no ~/.aws), with no AWS_ variable of the test's
// own environment left, every endpoint at url and IMDS off.
func chainHome(t *testing.T, dir, url string) string {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("AWS_ENDPOINT_URL", url)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	if dir == "none" {
		return home
	}
	src := filepath.Join("testdata", "chain", dir)
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		b = []byte(strings.NewReplacer("{{HOME}}", home, "{{URL}}", url).Replace(string(b)))
		dst := filepath.Join(home, ".aws", rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return home
}

// callString is a recorded call as the cases write it: the action, the
// access key that signed it ("-" unsigned), the region it was signed for,
// and the parameters of the credential calls, sorted.
func callString(c awsfake.Call) string {
	key := c.AccessKey
	if key == "" {
		key = "-"
	}
	s := c.Action + " " + key
	if c.Region != "" {
		s += " " + c.Region
	}
	if c.Action == "GetCallerIdentity" || c.Action == "GetAccountAuthorizationDetails" {
		return s
	}
	var params []string
	for k, v := range c.Params {
		val := strings.Join(v, ",")
		if k == "RoleSessionName" && strings.HasPrefix(val, "policy-sentry-") {
			val = "policy-sentry-*" // unique to the nanosecond
		}
		params = append(params, k+"="+val)
	}
	slices.Sort(params)
	return strings.TrimSpace(s + " " + strings.Join(params, " "))
}

// signedBy is the two calls of a download signed with key for region.
func signedBy(key, region string) []string {
	return []string{"GetCallerIdentity " + key + " " + region, "GetAccountAuthorizationDetails " + key + " " + region}
}

// TestCredentialChain runs a download with each step of the credential
// chain against the local fake AWS, and checks which credentials signed
// each request (and so the chain's order and the roles assumed), or that
// the error names the problem and its fix.
func TestCredentialChain(t *testing.T) {
	const acct = "arn:aws:iam::123456789012:role/"
	envKeys := map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "secret-env"}
	with := func(m map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	cases := []struct {
		name    string
		dir     string // under testdata/chain; "aws" when empty
		profile string // --profile
		env     map[string]string
		want    []string // the calls, in order
		wantErr []string
		cache   []string // a file of ~/.aws/sso/cache afterwards, then what it must contain
		flaky   int      // AssumeRoleWithWebIdentity requests refused first (awsfake.WebIdentityFailures)
	}{
		// 1. The environment.
		{name: "environment keys", dir: "none", env: envKeys, want: signedBy("AKIDENV", "us-east-1")},
		{name: "environment keys before AWS_PROFILE", env: with(envKeys, "AWS_PROFILE", "dev"), want: signedBy("AKIDENV", "eu-west-1")},
		{name: "--profile before environment keys", profile: "dev", env: envKeys, want: signedBy("AKIDDEV", "eu-west-1")},
		{name: "AWS_PROFILE", env: map[string]string{"AWS_PROFILE": "dev"}, want: signedBy("AKIDDEV", "eu-west-1")},
		{name: "AWS_REGION before the profile's", profile: "dev", env: map[string]string{"AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "sa-east-1"}, want: signedBy("AKIDDEV", "ap-south-1")},
		{name: "AWS_DEFAULT_REGION", profile: "dev", env: map[string]string{"AWS_DEFAULT_REGION": "sa-east-1"}, want: signedBy("AKIDDEV", "sa-east-1")},
		{name: "environment web identity refused", env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "{{HOME}}/.aws/process.json", "AWS_ROLE_ARN": acct + "Web"},
			wantErr: []string{"InvalidIdentityToken", "web identity token was refused"}},
		{name: "environment web identity", env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "{{HOME}}/.aws/web-token", "AWS_ROLE_ARN": acct + "Web", "AWS_ROLE_SESSION_NAME": "pipeline"},
			want: append([]string{"AssumeRoleWithWebIdentity - RoleArn=" + acct + "Web RoleSessionName=pipeline WebIdentityToken=web-identity-token"}, signedBy("ASIAWEBWeb", "us-west-2")...)},
		{name: "environment web identity retried", env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "{{HOME}}/.aws/web-token", "AWS_ROLE_ARN": acct + "Web", "AWS_ROLE_SESSION_NAME": "pipeline"}, flaky: 2,
			want: append(slices.Repeat([]string{"AssumeRoleWithWebIdentity - RoleArn=" + acct + "Web RoleSessionName=pipeline WebIdentityToken=web-identity-token"}, 3), signedBy("ASIAWEBWeb", "us-west-2")...)},
		{name: "web identity without AWS_ROLE_ARN", env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "{{HOME}}/.aws/web-token"}, wantErr: []string{"set AWS_ROLE_ARN"}},
		{name: "environment web identity before AWS_PROFILE", env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "{{HOME}}/.aws/web-token", "AWS_ROLE_ARN": acct + "Web", "AWS_PROFILE": "dev"},
			want: append([]string{"AssumeRoleWithWebIdentity - RoleArn=" + acct + "Web RoleSessionName=policy-sentry-* WebIdentityToken=web-identity-token"}, signedBy("ASIAWEBWeb", "eu-west-1")...)},
		{name: "--profile before environment web identity", profile: "dev", env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "{{HOME}}/.aws/web-token", "AWS_ROLE_ARN": acct + "Web"},
			want: signedBy("AKIDDEV", "eu-west-1")},
		{name: "AWS_DEFAULT_PROFILE", env: map[string]string{"AWS_DEFAULT_PROFILE": "dev"}, want: signedBy("AKIDDEV", "eu-west-1")},
		{name: "AWS_PROFILE before AWS_DEFAULT_PROFILE", env: map[string]string{"AWS_PROFILE": "dev", "AWS_DEFAULT_PROFILE": "nope"}, want: signedBy("AKIDDEV", "eu-west-1")},
		// The SDK loads a profile AWS_DEFAULT_PROFILE names that is in neither
		// file as no profile (only --profile and AWS_PROFILE must exist).
		{name: "environment keys with a missing AWS_DEFAULT_PROFILE", env: with(envKeys, "AWS_DEFAULT_PROFILE", "nope"), want: signedBy("AKIDENV", "us-east-1")},
		{name: "missing AWS_DEFAULT_PROFILE, nothing else", env: map[string]string{"AWS_DEFAULT_PROFILE": "nope"},
			wantErr: []string{"no AWS credentials found", `AWS_DEFAULT_PROFILE names "nope", which is not in`}},
		// Half a key pair in the environment: the AWS CLI stops (the Go SDK
		// ignored it and went on to the profile, signing as someone else).
		{name: "environment access key without its secret", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_PROFILE": "dev"}, wantErr: []string{"set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"}},
		{name: "environment secret without its key", env: map[string]string{"AWS_SECRET_ACCESS_KEY": "secret-env", "AWS_PROFILE": "dev"}, want: signedBy("AKIDDEV", "eu-west-1")},

		{name: "environment keys under their older names", dir: "none", env: map[string]string{"AWS_ACCESS_KEY": "AKIDOLD", "AWS_SECRET_KEY": "s"}, want: signedBy("AKIDOLD", "us-east-1")},
		{name: "environment keys under mixed names", dir: "none", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIDMIXED", "AWS_SECRET_KEY": "s"}, want: signedBy("AKIDMIXED", "us-east-1")},

		// 2. The shared files.
		{name: "default profile", want: signedBy("AKIDDEFAULT", "us-west-2")},
		{name: "[profile default] before [default]", dir: "profile-default", want: signedBy("AKIDPROFILEDEFAULT", "us-east-1")},
		{name: "--profile default", dir: "profile-default", profile: "default", want: signedBy("AKIDPROFILEDEFAULT", "us-east-1")},
		{name: "AWS_PROFILE default", env: map[string]string{"AWS_PROFILE": "default"}, want: signedBy("AKIDDEFAULT", "us-west-2")},
		{name: "credentials file before config file", dir: "profile-default", profile: "both", want: signedBy("AKIDCREDENTIALS", "eu-west-3")},
		{name: "AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE", dir: "none", profile: "dev",
			env: map[string]string{"AWS_CONFIG_FILE": "{{HOME}}/../none", "AWS_SHARED_CREDENTIALS_FILE": "testdata/chain/aws/credentials"}, want: signedBy("AKIDDEV", "us-east-1")},
		{name: "assume role", profile: "role",
			want: append([]string{"AssumeRole AKIDDEV us-east-1 DurationSeconds=3600 ExternalId=ext-1 RoleArn=" + acct + "Audit RoleSessionName=alice"}, signedBy("ASIAAudit", "us-east-1")...)},
		{name: "chained roles", profile: "chained", env: map[string]string{"AWS_REGION": "eu-north-1"}, want: append([]string{
			"AssumeRole AKIDDEV eu-north-1 DurationSeconds=3600 ExternalId=ext-1 RoleArn=" + acct + "Audit RoleSessionName=alice",
			"AssumeRole ASIAAudit eu-north-1 DurationSeconds=900 RoleArn=" + acct + "Outer RoleSessionName=policy-sentry-*"}, signedBy("ASIAOuter", "eu-north-1")...)},
		{name: "source_profile is itself", profile: "self",
			want: append([]string{"AssumeRole AKIDSELF us-east-1 DurationSeconds=900 RoleArn=" + acct + "Self RoleSessionName=policy-sentry-*"}, signedBy("ASIASelf", "us-east-1")...)},
		{name: "credential_source Environment", profile: "from-env", env: envKeys,
			want: append([]string{"AssumeRole AKIDENV us-east-1 DurationSeconds=900 RoleArn=" + acct + "FromEnv RoleSessionName=policy-sentry-*"}, signedBy("ASIAFromEnv", "us-east-1")...)},
		{name: "credential_source EcsContainer", profile: "from-ecs", env: map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{{URL}}/container-credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-token"},
			want: append([]string{"Container -", "AssumeRole ASIACONTAINER us-east-1 DurationSeconds=900 RoleArn=" + acct + "FromECS RoleSessionName=policy-sentry-*"}, signedBy("ASIAFromECS", "us-east-1")...)},
		{name: "credential_source Ec2InstanceMetadata", profile: "from-ec2", env: map[string]string{"AWS_EC2_METADATA_DISABLED": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "{{URL}}"},
			want: append([]string{"IMDS -", "AssumeRole ASIAIMDS us-east-1 DurationSeconds=900 RoleArn=" + acct + "FromEC2 RoleSessionName=policy-sentry-*"}, signedBy("ASIAFromEC2", "us-east-1")...)},
		{name: "profile web identity", profile: "web",
			want: append([]string{"AssumeRoleWithWebIdentity - RoleArn=" + acct + "Web RoleSessionName=ci WebIdentityToken=web-identity-token"}, signedBy("ASIAWEBWeb", "us-east-1")...)},
		{name: "credential_process", profile: "process", want: signedBy("AKIDPROCESS", "us-east-1")},
		{name: "credential_process quoting each word", profile: "process-quoted", want: signedBy("AKIDPROCESS", "us-east-1")},
		{name: "duration_seconds in whole minutes over 15", profile: "short-duration",
			want: append([]string{"AssumeRole AKIDDEV us-east-1 DurationSeconds=900 RoleArn=" + acct + "Short RoleSessionName=policy-sentry-*"}, signedBy("ASIAShort", "us-east-1")...)},
		{name: "duration_seconds in hexadecimal", profile: "hex-duration",
			want: append([]string{"AssumeRole AKIDDEV us-east-1 DurationSeconds=3600 RoleArn=" + acct + "Hex RoleSessionName=policy-sentry-*"}, signedBy("ASIAHex", "us-east-1")...)},
		{name: "source profile with keys ignores its other sources", profile: "uses-keyed-source", want: append([]string{
			"AssumeRole AKIDKEYED us-east-1 DurationSeconds=900 RoleArn=" + acct + "Keyed RoleSessionName=policy-sentry-*",
			"AssumeRole ASIAKeyed us-east-1 DurationSeconds=900 RoleArn=" + acct + "Outer RoleSessionName=policy-sentry-*"}, signedBy("ASIAOuter", "us-east-1")...)},
		{name: "three roles chained", profile: "deep", want: append([]string{
			"AssumeRole AKIDDEV us-east-1 DurationSeconds=3600 ExternalId=ext-1 RoleArn=" + acct + "Audit RoleSessionName=alice",
			"AssumeRole ASIAAudit us-east-1 DurationSeconds=900 RoleArn=" + acct + "Outer RoleSessionName=policy-sentry-*",
			"AssumeRole ASIAOuter us-east-1 DurationSeconds=900 RoleArn=" + acct + "Deep RoleSessionName=policy-sentry-*"}, signedBy("ASIADeep", "us-east-1")...)},
		{name: "AWS_STS_REGIONAL_ENDPOINTS legacy is ignored, as by the Go SDK", profile: "role", env: map[string]string{"AWS_STS_REGIONAL_ENDPOINTS": "legacy", "AWS_REGION": "eu-west-3"},
			want: append([]string{"AssumeRole AKIDDEV eu-west-3 DurationSeconds=3600 ExternalId=ext-1 RoleArn=" + acct + "Audit RoleSessionName=alice"}, signedBy("ASIAAudit", "eu-west-3")...)},
		{name: "SSO expiry with a UTC suffix", profile: "sso-utc",
			want: append([]string{"GetRoleCredentials - account_id=123456789012 role_name=ReadOnly"}, signedBy("ASIASSOReadOnly", "us-east-1")...)},
		{name: "SSO expiry with fractional seconds", profile: "sso-fraction",
			want: append([]string{"GetRoleCredentials - account_id=123456789012 role_name=ReadOnly"}, signedBy("ASIASSOReadOnly", "us-east-1")...)},
		{name: "[profile default] before a later [default]", dir: "profile-default-first", want: signedBy("AKIDPROFILEDEFAULT", "us-east-1")},
		{name: "half a key pair in another profile", dir: "half-key", profile: "ok", want: signedBy("AKIDOK", "us-east-1")},
		{name: "credentials file completes a half key pair", dir: "half-key", profile: "fixed", want: signedBy("AKIDFIXED", "us-east-1")},
		{name: "SSO session", profile: "sso",
			want: append([]string{"GetRoleCredentials - account_id=123456789012 role_name=ReadOnly"}, signedBy("ASIASSOReadOnly", "eu-central-1")...)},
		{name: "legacy SSO", profile: "sso-legacy",
			want: append([]string{"GetRoleCredentials - account_id=123456789012 role_name=Legacy"}, signedBy("ASIASSOLegacy", "us-east-1")...)},
		{name: "SSO token refreshed", profile: "sso-refresh", want: append([]string{"CreateToken - grantType=refresh_token refreshToken=refresh-token",
			"GetRoleCredentials - account_id=123456789012 role_name=ReadOnly"}, signedBy("ASIASSOReadOnly", "us-east-1")...),
			cache: []string{"26b56c1bdfb048c3e46419fde332bab76deb2cd3.json", `"accessToken":"valid-sso-token"`, `"refreshToken":"refreshed-refresh-token"`, `"registrationExpiresAt":"2099-01-01T00:00:00Z"`}},
		{name: "services section", profile: "local", env: map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1/"}, want: signedBy("AKIDLOCAL", "ap-southeast-2")},
		{name: "AWS_ENDPOINT_URL_STS and _IAM before AWS_ENDPOINT_URL", profile: "dev",
			env: map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1/", "AWS_ENDPOINT_URL_STS": "{{URL}}", "AWS_ENDPOINT_URL_IAM": "{{URL}}"}, want: signedBy("AKIDDEV", "eu-west-1")},

		// Several settings in one profile: what wins (testdata/chain/mixed).
		{name: "keys then the profile's role", dir: "mixed", profile: "keys-and-role",
			want: append([]string{"AssumeRole AKIDKEYSROLE us-east-1 DurationSeconds=900 RoleArn=" + acct + "KeysRole RoleSessionName=policy-sentry-*"}, signedBy("ASIAKeysRole", "us-east-1")...)},
		{name: "source_profile before the profile's own keys", dir: "mixed", profile: "keys-and-source",
			want: append([]string{"AssumeRole AKIDBASE us-east-1 DurationSeconds=900 RoleArn=" + acct + "FromSource RoleSessionName=policy-sentry-*"}, signedBy("ASIAFromSource", "us-east-1")...)},
		{name: "role_arn alone: the container's credentials assume it", dir: "mixed", profile: "role-only",
			env:  map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{{URL}}/container-credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-token"},
			want: append([]string{"Container -", "AssumeRole ASIACONTAINER us-east-1 DurationSeconds=900 RoleArn=" + acct + "RoleOnly RoleSessionName=policy-sentry-*"}, signedBy("ASIARoleOnly", "us-east-1")...)},
		{name: "role_arn alone, nothing to assume it with", dir: "mixed", profile: "role-only", wantErr: []string{"no AWS credentials found"}},
		{name: "credential_process then the profile's role", dir: "mixed", profile: "process-and-role",
			want: append([]string{"AssumeRole AKIDPROCESS us-east-1 DurationSeconds=900 RoleArn=" + acct + "AfterProcess RoleSessionName=policy-sentry-*"}, signedBy("ASIAAfterProcess", "us-east-1")...)},
		{name: "SSO then the profile's role", dir: "mixed", profile: "sso-and-role", want: append([]string{"GetRoleCredentials - account_id=123456789012 role_name=ReadOnly",
			"AssumeRole ASIASSOReadOnly us-east-1 DurationSeconds=900 RoleArn=" + acct + "AfterSSO RoleSessionName=policy-sentry-*"}, signedBy("ASIAAfterSSO", "us-east-1")...)},
		{name: "keys before SSO", dir: "mixed", profile: "keys-and-sso", want: signedBy("AKIDKEYSSSO", "us-east-1")},
		{name: "source profile with SSO and a role", dir: "mixed", profile: "from-sso", want: append([]string{"GetRoleCredentials - account_id=123456789012 role_name=ReadOnly",
			"AssumeRole ASIASSOReadOnly us-east-1 DurationSeconds=900 RoleArn=" + acct + "AfterSSO RoleSessionName=policy-sentry-*",
			"AssumeRole ASIAAfterSSO us-east-1 DurationSeconds=900 RoleArn=" + acct + "FromSSO RoleSessionName=policy-sentry-*"}, signedBy("ASIAFromSSO", "us-east-1")...)},
		{name: "source profile with a web identity", dir: "mixed", profile: "from-web", want: append([]string{
			"AssumeRoleWithWebIdentity - RoleArn=" + acct + "Web RoleSessionName=policy-sentry-* WebIdentityToken=web-identity-token",
			"AssumeRole ASIAWEBWeb us-east-1 DurationSeconds=900 RoleArn=" + acct + "FromWeb RoleSessionName=policy-sentry-*"}, signedBy("ASIAFromWeb", "us-east-1")...)},
		{name: "duration_seconds not a number", dir: "mixed", profile: "bad-duration",
			want: append([]string{"AssumeRole AKIDBASE us-east-1 DurationSeconds=900 RoleArn=" + acct + "BadDuration RoleSessionName=policy-sentry-*"}, signedBy("ASIABadDuration", "us-east-1")...)},
		{name: "duration_seconds under 15 minutes", dir: "mixed", profile: "short-duration",
			want: append([]string{"AssumeRole AKIDBASE us-east-1 DurationSeconds=900 RoleArn=" + acct + "Short RoleSessionName=policy-sentry-*"}, signedBy("ASIAShort", "us-east-1")...)},
		{name: "MFA in a source profile", dir: "mixed", profile: "via-mfa-source", wantErr: []string{`AWS profile "mfa-source" assumes`, "mfa_serial", "export-credentials --profile mfa-source"}},
		{name: "mfa_serial without a role", dir: "mixed", profile: "mfa-without-role", want: signedBy("AKIDMFANOROLE", "us-east-1")},
		{name: "keys before credential_source", dir: "mixed", profile: "keys-env-source", env: envKeys,
			want: append([]string{"AssumeRole AKIDKEYSENV us-east-1 DurationSeconds=900 RoleArn=" + acct + "EnvRole RoleSessionName=policy-sentry-*"}, signedBy("ASIAEnvRole", "us-east-1")...)},
		{name: "credential_process with an Expiration", dir: "mixed", profile: "process-expiring", want: signedBy("AKIDEXPIRING", "us-east-1")},
		{name: "credential_process output of another version", dir: "mixed", profile: "process-v2", wantErr: []string{`AWS profile "process-v2": credential_process`, "not 1", `"Version": 1`}},
		{name: "instance metadata settings of the profile asked for", dir: "mixed", profile: "via-ec2-source", env: map[string]string{"AWS_EC2_METADATA_DISABLED": ""},
			want: append([]string{"IMDS -", "AssumeRole ASIAIMDS us-east-1 DurationSeconds=900 RoleArn=" + acct + "FromEC2 RoleSessionName=policy-sentry-*",
				"AssumeRole ASIAFromEC2 us-east-1 DurationSeconds=900 RoleArn=" + acct + "Outer RoleSessionName=policy-sentry-*"}, signedBy("ASIAOuter", "us-east-1")...)},
		{name: "SSO region differs from the session's", dir: "mixed", profile: "sso-region-mismatch", wantErr: []string{"sso_region", "differs from the one of [sso-session corp]"}},
		{name: "role settings in the credentials file", dir: "mixed", profile: "role-in-credentials",
			want: append([]string{"AssumeRole AKIDBASE ap-northeast-1 DurationSeconds=900 RoleArn=" + acct + "InCredentials RoleSessionName=policy-sentry-*"}, signedBy("ASIAInCredentials", "ap-northeast-1")...)},

		// 3. and 4. The container and EC2 instance metadata.
		{name: "container", dir: "none", env: map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{{URL}}/container-credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-token"},
			want: append([]string{"Container -"}, signedBy("ASIACONTAINER", "us-east-1")...)},
		{name: "container token file, profile without credentials", profile: "empty",
			env:  map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{{URL}}/container-credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "{{HOME}}/.aws/container-token"},
			want: append([]string{"Container -"}, signedBy("ASIACONTAINER", "eu-west-1")...)},
		{name: "container over HTTP to a name that resolves to a loopback", dir: "none", env: map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{{LOCALHOST_URL}}/container-credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-token"},
			want: append([]string{"Container -"}, signedBy("ASIACONTAINER", "us-east-1")...)},
		{name: "container token file before the token", dir: "none", env: map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{{URL}}/container-credentials",
			"AWS_CONTAINER_AUTHORIZATION_TOKEN": "stale", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "{{HOME}}/../none/container-token"},
			wantErr: []string{"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "no such file"}},
		{name: "container refuses the token", dir: "none", env: map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{{URL}}/container-credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "stale"},
			wantErr: []string{"the container credentials endpoint", "wrong authorization token"}},
		{name: "container over HTTP to another host", dir: "none", env: map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://192.0.2.1/creds"},
			wantErr: []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "plain HTTP is allowed only to a loopback"}},
		{name: "EC2 instance metadata", dir: "none", env: map[string]string{"AWS_EC2_METADATA_DISABLED": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "{{URL}}"},
			want: append([]string{"IMDS -"}, signedBy("ASIAIMDS", "us-east-1")...)},
		{name: "AWS_PROFILE without credentials", env: map[string]string{"AWS_PROFILE": "empty"}, wantErr: []string{`no AWS credentials found for AWS profile "empty" (AWS_PROFILE)`}},
		{name: "nothing", dir: "none", wantErr: []string{"no AWS credentials found for the default AWS credentials", "aws configure"}},
		{name: "EC2 instance metadata disabled", dir: "none", env: map[string]string{"AWS_EC2_METADATA_DISABLED": "TRUE", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "{{URL}}"},
			wantErr: []string{"no AWS credentials found", "AWS_EC2_METADATA_DISABLED"}},
		{name: "credential_source Ec2InstanceMetadata disabled", profile: "from-ec2", env: map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": "{{URL}}"},
			wantErr: []string{`AWS profile "from-ec2": credential_source Ec2InstanceMetadata`, "AWS_EC2_METADATA_DISABLED"}},

		// What the chain does not do, and mistakes: each error says what to do.
		{name: "unknown profile", profile: "nope", wantErr: []string{`AWS profile "nope" is not in`, "aws configure --profile nope"}},
		{name: "unknown AWS_PROFILE", env: map[string]string{"AWS_PROFILE": "nope"}, wantErr: []string{`AWS profile "nope" is not in`}},
		{name: "MFA", profile: "mfa", wantErr: []string{"mfa_serial", "does not prompt", "export-credentials --profile mfa"}},
		{name: "aws login", profile: "login", wantErr: []string{"aws login", "login_session", "export-credentials --profile login"}},
		{name: "expired SSO login", profile: "sso-expired", wantErr: []string{"SSO login expired", "run `aws sso login --profile sso-expired`"}},
		{name: "no SSO login", profile: "sso-never", wantErr: []string{"no SSO login cached", "run `aws sso login --profile sso-never`"}},
		{name: "SSO refresh refused", profile: "sso-stale", wantErr: []string{"SSO login expired", "refreshing it failed", "InvalidGrantException", "run `aws sso login --profile sso-stale`"}},
		{name: "SSO login refused", profile: "sso-revoked", wantErr: []string{"UnauthorizedException", "run `aws sso login --profile sso-revoked`"}},
		{name: "SSO session section missing", profile: "sso-no-section", wantErr: []string{"[sso-session missing]", "aws configure sso --profile sso-no-section"}},
		{name: "SSO incomplete", profile: "sso-incomplete", wantErr: []string{"sso_account_id, sso_role_name"}},
		{name: "credential_process fails", profile: "process-fails", wantErr: []string{"credential_process (", ".aws/config:", "run the command yourself", "exit with status 0"}},
		{name: "source profile missing", profile: "lost-source", wantErr: []string{`source_profile "nowhere"`, "/.aws/config:"}},
		{name: "source profile without credentials", profile: "empty-source", wantErr: []string{`AWS profile "empty", the source_profile of "empty-source", has no credentials`, "name another source_profile"}},
		{name: "source profile loop", profile: "loop-a", wantErr: []string{"chain loop-a → loop-b → loop-a loops back", "end the chain at a profile with keys"}},
		{name: "two credential sources", profile: "two-sources", wantErr: []string{"only one of source_profile, credential_source"}},
		{name: "source_profile without role_arn", profile: "no-role", wantErr: []string{"without role_arn"}},
		{name: "unknown credential_source", profile: "bogus-source", wantErr: []string{"credential_source must be Environment, Ec2InstanceMetadata or EcsContainer"}},
		{name: "assume role denied", profile: "denied", wantErr: []string{`getting the credentials: AWS profile "denied": assuming role`, "AccessDenied", "sts:AssumeRole on the role"}},
		{name: "bad section header", dir: "bad-header", wantErr: []string{".aws/config:4:", "closing ']'"}},
		{name: "line without =", dir: "bad-line", wantErr: []string{".aws/credentials:6:", "expected `key = value`"}},
		{name: "half a key pair", dir: "half-key", profile: "dev", wantErr: []string{".aws/credentials:5:", `profile "dev" has half of a key pair`}},
		{name: "half a key pair in a source profile", dir: "half-key", profile: "uses-dev", wantErr: []string{".aws/credentials:5:", `profile "dev" has half of a key pair`}},
		{name: "half a key pair in the credentials file", dir: "half-key", profile: "broken-override", wantErr: []string{".aws/credentials:16:", `profile "broken-override" has half of a key pair: add aws_access_key_id`}},
		{name: "SSO expiry expired with a UTC suffix", profile: "sso-utc-expired", wantErr: []string{"SSO login expired at 2020-01-01T00:00:00Z", "aws sso login --profile sso-utc-expired"}},
		{name: "SSO expiry unreadable", profile: "sso-bad-expiry", wantErr: []string{`expiresAt "next tuesday"`, "590e8b264f84386d4d0093831344b96af77afbe2.json", "aws sso login --profile sso-bad-expiry"}},
		{name: "source profile loop of three", profile: "loop-c", wantErr: []string{"chain loop-c → loop-d → loop-e → loop-c loops back"}},
		{name: "setting outside a section", dir: "outside", wantErr: []string{".aws/config:1:", "outside any [section]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := fixture()
			fake.DenyRoles = []string{"Denied"}
			fake.SSOToken = "valid-sso-token"
			fake.SSORefreshToken = "refresh-token"
			fake.ContainerToken = "container-token"
			fake.WebIdentityToken = "web-identity-token"
			fake.WebIdentityFailures = c.flaky
			srv := fake.Start()
			defer srv.Close()
			dir := c.dir
			if dir == "" {
				dir = "aws"
			}
			home := chainHome(t, dir, srv.URL)
			for k, v := range c.env {
				t.Setenv(k, strings.NewReplacer("{{HOME}}", home, "{{URL}}", srv.URL, "{{LOCALHOST_URL}}", strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)).Replace(v))
				if v == "" {
					os.Unsetenv(k)
				}
			}
			o := fast
			o.Profile = c.profile
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err := awsaccount.Download(ctx, o)
			if len(c.wantErr) > 0 {
				if err == nil {
					t.Fatal("no error")
				}
				t.Log(err)
				for _, w := range c.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, call := range fake.Calls() {
				got = append(got, callString(call))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("calls:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
			if len(c.cache) > 0 {
				b, err := os.ReadFile(filepath.Join(home, ".aws", "sso", "cache", c.cache[0]))
				if err != nil {
					t.Fatal(err)
				}
				for _, w := range c.cache[1:] {
					if !strings.Contains(string(b), w) {
						t.Errorf("the SSO cache lacks %s:\n%s", w, b)
					}
				}
			}
		})
	}
}

// TestProfiles lists the profiles of both files, without the
// credentials file's [profile x] sections.
func TestProfiles(t *testing.T) {
	chainHome(t, "aws", "http://127.0.0.1:1/")
	got, err := awsaccount.Profiles()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(got, "default") || !slices.Contains(got, "sso-legacy") || slices.Contains(got, "profile dev") || slices.Contains(got, "corp") || !slices.IsSorted(got) {
		t.Errorf("Profiles() = %v", got)
	}
}
