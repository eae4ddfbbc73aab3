package awsaccount

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"
)

// newSTSClient is a Query-protocol client of STS signed with creds (nil:
// unsigned), at the configured STS endpoint (AWS_ENDPOINT_URL_STS, ...)
// else the regional one (stsEndpoint: FIPS and dual-stack as asked), as
// the SDK's STS client resolves it; the SDK does not read
// AWS_STS_REGIONAL_ENDPOINTS, so neither does this.
func newSTSClient(cfg *Config, creds aws.CredentialsProvider) *queryClient {
	endpoint, region := stsEndpoint(cfg.Region, cfg.endpoints.fips, cfg.endpoints.dualStack)
	if e, ok := cfg.endpoints.configured("STS"); ok {
		endpoint, region = e, cfg.Region
	}
	return &queryClient{name: "STS", signName: "sts", version: "2011-06-15", endpoint: endpoint, region: region, retryCodes: []string{"IDPCommunicationError"},
		creds: creds, http: cfg.HTTPClient, retryer: cfg.Retryer, signer: v4.NewSigner()}
}

// callerIdentity is sts:GetCallerIdentity's account and ARN.
func callerIdentity(ctx context.Context, c *queryClient) (account, arn string, err error) {
	var out struct {
		Result struct {
			Account string `xml:"Account"`
			Arn     string `xml:"Arn"`
		} `xml:"GetCallerIdentityResult"`
	}
	if err := c.call(ctx, "GetCallerIdentity", nil, &out); err != nil {
		return "", "", err
	}
	return out.Result.Account, out.Result.Arn, nil
}

// stsCredentials is the Credentials element of an AssumeRole or
// AssumeRoleWithWebIdentity answer.
type stsCredentials struct {
	AccessKeyID     string    `xml:"Credentials>AccessKeyId"`
	SecretAccessKey string    `xml:"Credentials>SecretAccessKey"`
	SessionToken    string    `xml:"Credentials>SessionToken"`
	Expiration      time.Time `xml:"Credentials>Expiration"`
	AssumedRoleArn  string    `xml:"AssumedRoleUser>Arn"`
}

func (s stsCredentials) credentials(source string) (aws.Credentials, error) {
	if s.AccessKeyID == "" || s.SecretAccessKey == "" {
		return aws.Credentials{}, errors.New("the answer has no credentials")
	}
	return aws.Credentials{AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken,
		Source: source, CanExpire: !s.Expiration.IsZero(), Expires: s.Expiration, AccountID: accountOf(s.AssumedRoleArn)}, nil
}

// accountOf is the account field of an ARN ("" if it is not one).
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// sessionName is role_session_name, else a name saying who made the
// session (it shows in CloudTrail), unique to the nanosecond as the SDK's.
func sessionName(configured string) string {
	if configured != "" {
		return configured
	}
	return "policy-sentry-" + strconv.FormatInt(time.Now().UnixNano(), 10)
}

// assumeRole is sts:AssumeRole of roleARN with the credentials of source,
// with the profile's external_id, role_session_name and duration_seconds
// (read as the SDK reads it: an integer in Go syntax, "3600" or "0xE10";
// used only when it is over 15 whole minutes, else the SDK's 15 minutes,
// as is a value that is not a number).
func (r *resolver) assumeRole(p *profile, roleARN string, source aws.CredentialsProvider) aws.CredentialsProvider {
	client := newSTSClient(r.cfg, source)
	params := url.Values{"RoleArn": {roleARN}}
	if v := p.get("external_id"); v != "" {
		params.Set("ExternalId", v)
	}
	duration := 15 * time.Minute
	if s, err := strconv.ParseInt(p.get("duration_seconds"), 0, 64); err == nil && s < 1<<32 && time.Duration(s)*time.Second/time.Minute > 15 {
		duration = time.Duration(s) * time.Second
	}
	params.Set("DurationSeconds", strconv.Itoa(int(duration/time.Second)))
	configuredName := p.get("role_session_name")
	what := fmt.Sprintf("AWS profile %q: assuming role %s", p.name, roleARN)
	return aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
		params.Set("RoleSessionName", sessionName(configuredName))
		var out struct {
			Result stsCredentials `xml:"AssumeRoleResult"`
		}
		if err := client.call(ctx, "AssumeRole", params, &out); err != nil {
			return aws.Credentials{}, stsError(what, err)
		}
		c, err := out.Result.credentials("AssumeRoleProvider")
		if err != nil {
			return c, &credentialsError{source: what, err: err}
		}
		return c, nil
	})
}

// webIdentity is sts:AssumeRoleWithWebIdentity of roleARN with the token
// in tokenFile (read at each refresh: Kubernetes and other issuers
// rotate it); the request is not signed.
func (r *resolver) webIdentity(what, roleARN, tokenFile, session string) (aws.CredentialsProvider, error) {
	if roleARN == "" {
		return nil, fmt.Errorf("%s: a web identity token file needs a role to assume: set AWS_ROLE_ARN (or role_arn in the profile)", what)
	}
	client := newSTSClient(r.cfg, nil)
	// As the SDK's provider: STS refuses a token as invalid for a while
	// after its identity provider is created, so that is retried too.
	client.retryCodes = append(client.retryCodes, "InvalidIdentityToken")
	what = fmt.Sprintf("%s: assuming role %s with the web identity token in %s", what, roleARN, tokenFile)
	return aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
		token, err := os.ReadFile(tokenFile)
		if err != nil {
			return aws.Credentials{}, &credentialsError{source: what, err: err}
		}
		params := url.Values{"RoleArn": {roleARN}, "RoleSessionName": {sessionName(session)}, "WebIdentityToken": {strings.TrimSpace(string(token))}}
		var out struct {
			Result stsCredentials `xml:"AssumeRoleWithWebIdentityResult"`
		}
		if err := client.call(ctx, "AssumeRoleWithWebIdentity", params, &out); err != nil {
			return aws.Credentials{}, stsError(what, err)
		}
		c, err := out.Result.credentials("WebIdentityCredentials")
		if err != nil {
			return c, &credentialsError{source: what, err: err}
		}
		return c, nil
	}), nil
}

// stsError says what to do about an STS error while assuming a role. An
// error of the source credentials themselves is passed on as it is.
func stsError(what string, err error) error {
	var ce *credentialsError
	if errors.As(err, &ce) || errors.Is(err, errNoCredentials) {
		return err
	}
	hint := ""
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "AccessDenied":
			hint = "the source identity needs sts:AssumeRole on the role, and the role's trust policy must allow it, with the external_id it asks for if any"
		case "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature", "UnrecognizedClientException":
			hint = "AWS rejected the source credentials: check the access key, or log in again (aws sso login / aws configure)"
		case "ExpiredToken", "ExpiredTokenException", "RequestExpired":
			hint = "the source credentials have expired: refresh them (aws sso login, or new session credentials)"
		case "InvalidIdentityToken", "IDPRejectedClaim":
			hint = "the web identity token was refused: check the token file and the role's trust policy"
		case "ValidationError":
			hint = "check role_arn, role_session_name and duration_seconds (at most the role's maximum session duration)"
		}
	}
	return &credentialsError{source: what, hint: hint, err: err}
}
