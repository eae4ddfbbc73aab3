package awsaccount

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
)

// Config is what a download needs: the region, the credentials (cached
// and refreshed when they expire), the retry policy, the HTTP client and
// the configured endpoints. LoadConfig builds it.
type Config struct {
	// Region is the region of the STS endpoint and of IAM's partition.
	Region string
	// Credentials sign every request.
	Credentials aws.CredentialsProvider
	// Retryer makes the retry policy of a request.
	Retryer func() aws.Retryer
	// HTTPClient sends the requests.
	HTTPClient aws.HTTPClient
	// endpoints are the configured endpoints and FIPS setting.
	endpoints endpoints
	// source says whose credentials these are, for errors: `AWS profile
	// "dev" (AWS_PROFILE)`, "the environment's AWS_ACCESS_KEY_ID"...; ""
	// for --profile or the default profile.
	source string
}

// who says whose credentials cfg holds, for errors; profile is --profile.
func (cfg *Config) who(profile string) string {
	switch {
	case profile != "":
		return fmt.Sprintf("AWS profile %q", profile)
	case cfg != nil && cfg.source != "":
		return cfg.source
	}
	return "the default AWS credentials"
}

// LoadConfig finds the credentials and settings of the profile of o as
// the AWS SDKs' default chain does, in this order:
//
//  1. with Options.Profile set, that profile (step 2) alone;
//  2. AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN);
//  3. AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN;
//  4. the profile AWS_PROFILE names, else "default", in the shared
//     files: static keys, role_arn with source_profile (chained) or
//     credential_source, web_identity_token_file, SSO (sso_session or the
//     legacy sso_start_url), credential_process;
//  5. ECS/EKS container credentials (AWS_CONTAINER_CREDENTIALS_*_URI);
//  6. EC2 instance metadata (IMDSv2).
//
// The region is AWS_REGION, AWS_DEFAULT_REGION or the profile's, else
// us-east-1 (IAM is global). A profile that needs an MFA code or `aws
// login` is an error saying what to do instead.
func LoadConfig(ctx context.Context, o Options) (*Config, error) {
	attempts := o.MaxAttempts
	if attempts <= 0 {
		attempts = 10
	}
	backoff := o.MaxBackoff
	if backoff <= 0 {
		backoff = 20 * time.Second
	}
	files, err := loadSharedFiles()
	if err != nil {
		return nil, err
	}
	name, named := o.Profile, o.Profile != ""
	if !named {
		name = os.Getenv("AWS_PROFILE")
	}
	p := files.profiles[name]
	missing := "" // what the end of the chain says about a profile that is not there
	switch {
	case name != "" && p == nil:
		return nil, files.notFound(name)
	case name != "":
	case os.Getenv("AWS_DEFAULT_PROFILE") != "":
		// The SDK reads AWS_DEFAULT_PROFILE too, but only --profile and
		// AWS_PROFILE must name a profile that exists: for another, it
		// goes on with no profile (not even [default]).
		name = os.Getenv("AWS_DEFAULT_PROFILE")
		if p = files.profiles[name]; p == nil {
			missing = fmt.Sprintf("AWS_DEFAULT_PROFILE names %q, which is not in %s or %s", name, files.configPath, files.credentialsPath)
		}
	default:
		p = files.profiles["default"]
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	cfg := &Config{
		Region: firstEnv("AWS_REGION", "AWS_DEFAULT_REGION"),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = attempts
				so.MaxBackoff = backoff
				// A whole account is many pages: do not let the client-side
				// retry quota end a long, throttled download early.
				so.RateLimiter = noRateLimit{}
			})
		},
		endpoints: newEndpoints(files, p),
	}
	if cfg.Region == "" && p != nil {
		cfg.Region = p.get("region")
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.HTTPClient, err = httpClient(p); err != nil {
		return nil, err
	}
	r := &resolver{cfg: cfg, files: files, top: p}
	var creds aws.CredentialsProvider
	switch {
	case named:
		creds, err = r.fromProfile(p, nil)
	case os.Getenv("AWS_ACCESS_KEY_ID") != "" || os.Getenv("AWS_ACCESS_KEY") != "":
		cfg.source = "the environment's AWS_ACCESS_KEY_ID"
		creds, err = envCredentials("the environment (AWS_ACCESS_KEY_ID)")
	case os.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE") != "":
		cfg.source = "the web identity of AWS_WEB_IDENTITY_TOKEN_FILE"
		creds, err = r.webIdentity("the environment (AWS_WEB_IDENTITY_TOKEN_FILE)", os.Getenv("AWS_ROLE_ARN"),
			os.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE"), os.Getenv("AWS_ROLE_SESSION_NAME"))
	default:
		switch {
		case os.Getenv("AWS_PROFILE") != "":
			cfg.source = fmt.Sprintf("AWS profile %q (AWS_PROFILE)", name)
		case p != nil && os.Getenv("AWS_DEFAULT_PROFILE") != "":
			cfg.source = fmt.Sprintf("AWS profile %q (AWS_DEFAULT_PROFILE)", name)
		}
		if p == nil {
			// No files, no [default], or a missing AWS_DEFAULT_PROFILE:
			// the container, then EC2.
			p = &profile{name: "default", missing: missing}
			r.top = p
		}
		creds, err = r.fromProfile(p, nil)
	}
	if err != nil {
		return nil, err
	}
	cfg.Credentials = aws.NewCredentialsCache(creds)
	return cfg, nil
}

// firstEnv is the first of the environment variables that is set.
func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// noRateLimit is a retry rate limiter that never refuses a retry; the
// backoff and MaxAttempts still bound the retries.
type noRateLimit struct{}

func (noRateLimit) GetToken(context.Context, uint) (func() error, error) {
	return func() error { return nil }, nil
}
func (noRateLimit) AddTokens(uint) error { return nil }

// httpClient is the SDK's default HTTP client (its timeouts, proxies from
// the environment), trusting only the certificates of AWS_CA_BUNDLE or
// the profile's ca_bundle when one is set, as the SDK does.
func httpClient(p *profile) (aws.HTTPClient, error) {
	client := awshttp.NewBuildableClient()
	bundle, where := os.Getenv("AWS_CA_BUNDLE"), "AWS_CA_BUNDLE"
	if bundle == "" && p != nil {
		bundle, where = p.get("ca_bundle"), p.at("ca_bundle")
	}
	if bundle == "" {
		return client, nil
	}
	pem, err := os.ReadFile(bundle)
	if err != nil {
		return nil, fmt.Errorf("the CA bundle of %s: %w", where, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("the CA bundle %s (%s) has no PEM certificate", bundle, where)
	}
	return client.WithTransportOptions(func(tr *http.Transport) {
		if tr.TLSClientConfig == nil {
			tr.TLSClientConfig = &tls.Config{}
		}
		tr.TLSClientConfig.RootCAs = pool
	}), nil
}

// errNoCredentials is the end of the chain: nothing in the environment
// or the shared files, no container credentials, and the EC2 instance
// metadata service gave none (explain names the fixes).
var errNoCredentials = errors.New("no credentials in the environment, the AWS shared files or a container, and none from EC2 instance metadata")

// credentialsError is a failure to get the credentials of one source of
// the chain: which one, why, and what to do.
type credentialsError struct {
	source string // e.g. `profile "dev": assuming role arn:aws:iam::...`
	hint   string // what to do; may be ""
	err    error
}

func (e *credentialsError) Error() string {
	msg := e.source + ": " + e.err.Error()
	if e.hint != "" {
		msg += " (" + e.hint + ")"
	}
	return msg
}

func (e *credentialsError) Unwrap() error { return e.err }

// resolver builds the credentials provider of a profile.
type resolver struct {
	cfg   *Config
	files *sharedFiles
	// top is the profile asked for (nil for none): its settings, not a
	// source profile's, move the instance metadata endpoint, as the SDK's
	// are read once for the whole chain.
	top *profile
}

// sourceKeys are the keys that say where a profile's credentials come
// from; at most one may be set.
var sourceKeys = []string{"source_profile", "credential_source", "credential_process", "web_identity_token_file"}

// fromProfile is the credentials of profile p, as the SDK resolves them.
// chain holds the profiles that named p through source_profile (nil for
// the profile asked for): a profile met again in its own chain gives only
// its own credentials (its role_arn and source_profile are ignored, so a
// profile can name itself to assume its role_arn with its own keys).
func (r *resolver) fromProfile(p *profile, chain []string) (aws.CredentialsProvider, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	what := fmt.Sprintf("AWS profile %q", p.name)
	again := false
	for _, c := range chain {
		again = again || c == p.name
	}
	roleARN, source := p.get("role_arn"), p.get("source_profile")
	static := p.hasKeys()
	if again {
		roleARN, source = "", ""
	} else {
		set := []string{}
		for _, k := range sourceKeys {
			if p.get(k) != "" {
				set = append(set, k+" ("+p.at(k)+")")
			}
		}
		if len(set) > 1 && !(len(chain) > 0 && static) { // a source profile's keys end the look-up, as in the SDK
			return nil, fmt.Errorf("%s sets %s: only one of source_profile, credential_source, credential_process and web_identity_token_file may be set", what, strings.Join(set, " and "))
		}
		if len(set) == 1 && roleARN == "" && p.get("credential_process") == "" {
			return nil, fmt.Errorf("%s sets %s without role_arn: add the role_arn of the role to assume", what, set[0])
		}
		if roleARN != "" && p.get("mfa_serial") != "" {
			return nil, fmt.Errorf("%s assumes %s with an MFA code (mfa_serial, %s), which policy-sentry does not prompt for: "+
				"get session credentials first, e.g. `eval \"$(aws configure export-credentials --profile %s --format env)\"` (the AWS CLI asks for the code), "+
				"then run the command without --profile and without AWS_PROFILE", what, roleARN, p.at("mfa_serial"), p.name)
		}
	}
	if len(chain) > 0 && static {
		source = "" // a source profile's own keys come before its source_profile, as in the SDK
	}
	var base aws.CredentialsProvider
	var err error
	switch {
	case source != "":
		sp := r.files.profiles[source]
		if sp == nil {
			return nil, fmt.Errorf("%s: its source_profile %q (%s) is not in %s or %s", what, source, p.at("source_profile"), r.files.configPath, r.files.credentialsPath)
		}
		base, err = r.fromProfile(sp, append(chain, p.name))
	case static:
		base = staticCredentials(aws.Credentials{AccessKeyID: p.get("aws_access_key_id"), SecretAccessKey: p.get("aws_secret_access_key"),
			SessionToken: p.get("aws_session_token"), AccountID: p.get("aws_account_id"), Source: "SharedConfigCredentials: " + p.at("aws_access_key_id")})
	case p.get("credential_source") != "":
		base, err = r.credentialSource(p)
	case p.get("web_identity_token_file") != "":
		return r.webIdentity(what, roleARN, p.get("web_identity_token_file"), p.get("role_session_name"))
	case p.get("sso_session") != "" || p.get("sso_start_url") != "" || p.get("sso_account_id") != "" || p.get("sso_role_name") != "":
		base, err = r.sso(p)
	case p.get("login_session") != "":
		return nil, fmt.Errorf("%s signs in with `aws login` (login_session, %s), which policy-sentry cannot read: "+
			"run `eval \"$(aws configure export-credentials --profile %s --format env)\"` and the command without --profile, "+
			"or add a profile with `credential_process = aws configure export-credentials --profile %s --format process` and pass that one",
			what, p.at("login_session"), p.name, p.name)
	case p.get("credential_process") != "":
		base = process(what, p.get("credential_process"), p.at("credential_process"))
	case again:
		return nil, fmt.Errorf("the source_profile chain %s loops back to AWS profile %q, which has no credentials of its own to start from: "+
			"end the chain at a profile with keys, credential_process, SSO or credential_source", strings.Join(append(chain, p.name), " → "), p.name)
	case len(chain) > 0:
		return nil, fmt.Errorf("AWS profile %q, the source_profile of %q, has no credentials of its own (chain: %s): "+
			"give it keys, credential_process, SSO or credential_source, or name another source_profile", p.name, chain[len(chain)-1], strings.Join(append(chain, p.name), " → "))
	case os.Getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != "" || os.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != "":
		base, err = r.container("the container credentials endpoint")
	default:
		base = noCredentialsIfEmpty(r.instanceMetadata(), p.missing)
	}
	if err != nil {
		return nil, err
	}
	if roleARN != "" {
		return r.assumeRole(p, roleARN, base), nil
	}
	return base, nil
}

// credentialSource is the source that credential_source names:
// Environment, Ec2InstanceMetadata or EcsContainer.
func (r *resolver) credentialSource(p *profile) (aws.CredentialsProvider, error) {
	what := fmt.Sprintf("AWS profile %q: credential_source %s", p.name, p.get("credential_source"))
	switch p.get("credential_source") {
	case "Environment":
		return envCredentials(what)
	case "Ec2InstanceMetadata":
		return wrapErrors(what, "run it on an EC2 instance with an instance profile", r.instanceMetadata()), nil
	case "EcsContainer":
		if os.Getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") == "" && os.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") == "" {
			return nil, fmt.Errorf("%s (%s), but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set", what, p.at("credential_source"))
		}
		return r.container(what)
	}
	return nil, fmt.Errorf("%s (%s): credential_source must be Environment, Ec2InstanceMetadata or EcsContainer", what, p.at("credential_source"))
}

// staticCredentials gives the same keys every time.
func staticCredentials(c aws.Credentials) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return c, nil })
}

// envCredentials is AWS_ACCESS_KEY_ID (or AWS_ACCESS_KEY),
// AWS_SECRET_ACCESS_KEY (or AWS_SECRET_KEY), AWS_SESSION_TOKEN and
// AWS_ACCOUNT_ID; half a key pair is an error.
func envCredentials(what string) (aws.CredentialsProvider, error) {
	c := aws.Credentials{AccessKeyID: firstEnv("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"), SecretAccessKey: firstEnv("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"),
		SessionToken: os.Getenv("AWS_SESSION_TOKEN"), AccountID: os.Getenv("AWS_ACCOUNT_ID"), Source: "EnvConfigCredentials"}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return nil, fmt.Errorf("%s: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for session credentials)", what)
	}
	return staticCredentials(c), nil
}

// process runs a credential_process command (through the shell, as the
// SDK runs it) for credentials in its JSON format; at is where the
// command is set (FILE:LINE).
func process(what, command, at string) aws.CredentialsProvider {
	return wrapErrors(what+": credential_process ("+at+")",
		`run the command yourself: it must exit with status 0 and print JSON with "Version": 1, "AccessKeyId" and "SecretAccessKey"`,
		processcreds.NewProvider(command))
}

// container is the ECS or EKS container credentials endpoint:
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on 169.254.170.2, or
// AWS_CONTAINER_CREDENTIALS_FULL_URI (over plain HTTP only on a loopback,
// ECS or EKS address), with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or
// AWS_CONTAINER_AUTHORIZATION_TOKEN.
func (r *resolver) container(what string) (aws.CredentialsProvider, error) {
	endpoint := os.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI")
	if rel := os.Getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); rel != "" {
		endpoint = "http://169.254.170.2" + rel
	} else if err := allowedContainerEndpoint(endpoint); err != nil {
		return nil, fmt.Errorf("%s: AWS_CONTAINER_CREDENTIALS_FULL_URI %q: %w", what, endpoint, err)
	}
	token, tokenFile := os.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"), os.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
	provider := endpointcreds.New(endpoint, func(o *endpointcreds.Options) {
		o.AuthorizationToken = token
		if tokenFile != "" {
			o.AuthorizationTokenProvider = endpointcreds.TokenProviderFunc(func() (string, error) {
				b, err := os.ReadFile(tokenFile)
				if err != nil {
					return "", fmt.Errorf("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: %w", err)
				}
				return strings.TrimSpace(string(b)), nil
			})
		}
		o.Retryer = r.cfg.Retryer()
	})
	return wrapErrors(what+" ("+endpoint+")", "", provider), nil
}

// allowedContainerEndpoint accepts HTTPS, or HTTP to a loopback address or
// the ECS (169.254.170.2) or EKS (169.254.170.23, fd00:ec2::23) agent.
func allowedContainerEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "" {
		return errors.New("no host")
	}
	if u.Scheme == "https" {
		return nil
	}
	addrs := []string{host}
	if net.ParseIP(host) == nil {
		if addrs, err = net.LookupHost(host); err != nil {
			return err
		}
	}
	for _, a := range addrs {
		ip := net.ParseIP(a)
		if ip == nil || !(ip.IsLoopback() || ip.Equal(net.ParseIP("169.254.170.2")) || ip.Equal(net.ParseIP("169.254.170.23")) || ip.Equal(net.ParseIP("fd00:ec2::23"))) {
			return fmt.Errorf("plain HTTP is allowed only to a loopback, ECS or EKS address, not %s", a)
		}
	}
	return nil
}

// instanceMetadata is the EC2 instance profile's credentials from IMDSv2
// (AWS_EC2_METADATA_DISABLED turns it off; AWS_EC2_METADATA_SERVICE_ENDPOINT
// or the ec2_metadata_service_endpoint of the profile asked for moves it;
// ..._ENDPOINT_MODE IPv6 and ec2_metadata_v1_disabled as in the SDK).
func (r *resolver) instanceMetadata() aws.CredentialsProvider {
	p := r.top
	if p == nil {
		p = &profile{}
	}
	o := imds.Options{Endpoint: os.Getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT")}
	if o.Endpoint == "" {
		o.Endpoint = p.get("ec2_metadata_service_endpoint")
	}
	mode := firstEnv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")
	if mode == "" {
		mode = p.get("ec2_metadata_service_endpoint_mode")
	}
	if strings.EqualFold(mode, "IPv6") {
		o.EndpointMode = imds.EndpointModeStateIPv6
	}
	if envOrProfileBool("AWS_EC2_METADATA_V1_DISABLED", p, "ec2_metadata_v1_disabled") {
		o.EnableFallback = aws.FalseTernary
	}
	client := imds.New(o)
	return ec2rolecreds.New(func(eo *ec2rolecreds.Options) { eo.Client = client })
}

// noCredentialsIfEmpty marks the last step's failure as the end of the
// chain (errNoCredentials), which explain turns into the usual advice;
// note, if not "", says why no profile was used.
func noCredentialsIfEmpty(p aws.CredentialsProvider, note string) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
		c, err := p.Retrieve(ctx)
		if err != nil && note != "" {
			return c, fmt.Errorf("%w (%s): %w", errNoCredentials, note, err)
		}
		if err != nil {
			return c, fmt.Errorf("%w: %w", errNoCredentials, err)
		}
		return c, nil
	})
}

// wrapErrors says which source failed, and what to do, in p's errors.
func wrapErrors(source, hint string, p aws.CredentialsProvider) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
		c, err := p.Retrieve(ctx)
		if err != nil {
			return c, &credentialsError{source: source, hint: hint, err: err}
		}
		return c, nil
	})
}
