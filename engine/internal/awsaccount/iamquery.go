package awsaccount

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// iamClient calls IAM's GetAccountAuthorizationDetails in the Query
// protocol, signed with the SDK's Signature Version 4 signer and the
// credentials of the loaded configuration, retried with its retryer. It
// stands in for the SDK's service/iam client, whose package
// initialisation (about 640 KB of operation schemas, 16 % of the page
// faults of every CLI command, download-policies or not) and 4 MB of code
// every command paid for (see the CLI's README, issue 17).
type iamClient struct {
	cfg      aws.Config
	endpoint string // the URL requests are POSTed to
	region   string // the signing region
	signer   *v4.Signer
}

// newIAMClient resolves IAM's endpoint as the SDK does for a global
// service: a configured one (AWS_ENDPOINT_URL_IAM, the profile's
// services section, AWS_ENDPOINT_URL or endpoint_url), else the
// partition's IAM endpoint for cfg.Region (its FIPS endpoint when
// AWS_USE_FIPS_ENDPOINT or use_fips_endpoint asks for one).
func newIAMClient(ctx context.Context, cfg aws.Config) *iamClient {
	c := &iamClient{cfg: cfg, signer: v4.NewSigner()}
	c.endpoint, c.region = partitionEndpoint(cfg.Region, useFIPS(ctx, cfg))
	if e, ok := configuredEndpoint(ctx, cfg); ok {
		c.endpoint = e
		if cfg.Region != "" {
			c.region = cfg.Region
		}
	}
	return c
}

// partitionEndpoint returns IAM's endpoint and signing region in the
// partition of region (IAM is global: one endpoint a partition; AWS
// GovCloud's is FIPS already).
func partitionEndpoint(region string, fips bool) (endpoint, signingRegion string) {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1"
	case strings.HasPrefix(region, "us-gov-"):
		return "https://iam.us-gov.amazonaws.com/", "us-gov-west-1"
	case strings.HasPrefix(region, "us-iso-"):
		return "https://iam.us-iso-east-1.c2s.ic.gov/", "us-iso-east-1"
	case strings.HasPrefix(region, "us-isob-"):
		return "https://iam.us-isob-east-1.sc2s.sgov.gov/", "us-isob-east-1"
	}
	if fips {
		return "https://iam-fips.amazonaws.com/", "us-east-1"
	}
	return "https://iam.amazonaws.com/", "us-east-1"
}

// useFIPS reports whether the configuration asks for FIPS endpoints.
func useFIPS(ctx context.Context, cfg aws.Config) bool {
	type provider interface {
		GetUseFIPSEndpoint(context.Context) (aws.FIPSEndpointState, bool, error)
	}
	for _, src := range cfg.ConfigSources {
		if p, ok := src.(provider); ok {
			if v, found, err := p.GetUseFIPSEndpoint(ctx); err == nil && found {
				return v == aws.FIPSEndpointStateEnabled
			}
		}
	}
	return false
}

// configuredEndpoint returns the endpoint the user configured for IAM,
// looked up in the configuration's sources as the SDK's service clients
// do (the service's own setting first, then the general one), unless
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is set.
func configuredEndpoint(ctx context.Context, cfg aws.Config) (string, bool) {
	type ignorer interface {
		GetIgnoreConfiguredEndpoints(context.Context) (bool, bool, error)
	}
	type provider interface {
		GetServiceBaseEndpoint(context.Context, string) (string, bool, error)
	}
	for _, src := range cfg.ConfigSources {
		if p, ok := src.(ignorer); ok {
			if v, found, err := p.GetIgnoreConfiguredEndpoints(ctx); err == nil && found {
				if v {
					return "", false
				}
				break
			}
		}
	}
	for _, src := range cfg.ConfigSources {
		if p, ok := src.(provider); ok {
			if v, found, err := p.GetServiceBaseEndpoint(ctx, "IAM"); err == nil && found && v != "" {
				return v, true
			}
		}
	}
	if cfg.BaseEndpoint != nil && *cfg.BaseEndpoint != "" {
		return *cfg.BaseEndpoint, true
	}
	return "", false
}

// apiError is an error response of the Query protocol: IAM's code and
// message with the HTTP status, which the SDK's retryer reads (throttling
// codes, 5xx) and explain turns into advice.
type apiError struct {
	smithy.GenericAPIError
	status int
}

// HTTPStatusCode is the response's HTTP status.
func (e *apiError) HTTPStatusCode() int { return e.status }

// Error says which call failed, as the SDK's errors do.
func (e *apiError) Error() string {
	return fmt.Sprintf("operation error IAM: GetAccountAuthorizationDetails, StatusCode: %d, api error %s: %s", e.status, e.Code, e.Message)
}

// call sends one request with form as its body, retrying as the
// configuration's retryer says, and returns the response body.
func (c *iamClient) call(ctx context.Context, form url.Values) ([]byte, error) {
	retryer := c.cfg.Retryer
	var r aws.Retryer
	if retryer != nil {
		r = retryer()
	}
	for attempt := 1; ; attempt++ {
		body, err := c.send(ctx, form)
		if err == nil {
			return body, nil
		}
		if r == nil || attempt >= r.MaxAttempts() || !r.IsErrorRetryable(err) {
			return nil, err
		}
		delay, derr := r.RetryDelay(attempt, err)
		if derr != nil {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (waiting to retry after: %v)", ctx.Err(), err)
		case <-time.After(delay):
		}
	}
}

// send signs and sends one request.
func (c *iamClient) send(ctx context.Context, form url.Values) ([]byte, error) {
	if c.cfg.Credentials == nil {
		return nil, errors.New("failed to retrieve credentials: no credentials provider")
	}
	creds, err := c.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to retrieve credentials: %w", err)
	}
	payload := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, strings.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("IAM endpoint %q: %w", c.endpoint, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(payload))
	if err := c.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "iam", c.region, time.Now().UTC()); err != nil {
		return nil, fmt.Errorf("signing the request: %w", err)
	}
	client := c.cfg.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		// The retryer treats a RequestSendError as a connection error.
		return nil, &smithyhttp.RequestSendError{Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, &smithyhttp.RequestSendError{Err: fmt.Errorf("reading the response: %w", err)}
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error struct {
				Code    string `xml:"Code"`
				Message string `xml:"Message"`
			} `xml:"Error"`
		}
		_ = xml.Unmarshal(body, &e) // a body that is not an ErrorResponse keeps the status alone
		code := e.Error.Code
		if code == "" {
			code = http.StatusText(resp.StatusCode)
		}
		return nil, &apiError{GenericAPIError: smithy.GenericAPIError{Code: code, Message: e.Error.Message}, status: resp.StatusCode}
	}
	return body, nil
}

// detailsPage is one GetAccountAuthorizationDetails response.
type detailsPage struct {
	Result struct {
		IsTruncated bool       `xml:"IsTruncated"`
		Marker      string     `xml:"Marker"`
		Users       []xmlUser  `xml:"UserDetailList>member"`
		Groups      []xmlGroup `xml:"GroupDetailList>member"`
		Roles       []xmlRole  `xml:"RoleDetailList>member"`
		Policies    []xmlPol   `xml:"Policies>member"`
	} `xml:"GetAccountAuthorizationDetailsResult"`
}

type xmlInline struct {
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

type xmlAttached struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

type xmlBoundary struct {
	PermissionsBoundaryType string `xml:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `xml:"PermissionsBoundaryArn"`
}

type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type xmlUser struct {
	Path                    string        `xml:"Path"`
	UserName                string        `xml:"UserName"`
	UserID                  string        `xml:"UserId"`
	Arn                     string        `xml:"Arn"`
	CreateDate              string        `xml:"CreateDate"`
	UserPolicyList          []xmlInline   `xml:"UserPolicyList>member"`
	GroupList               []string      `xml:"GroupList>member"`
	AttachedManagedPolicies []xmlAttached `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary     *xmlBoundary  `xml:"PermissionsBoundary"`
	Tags                    []xmlTag      `xml:"Tags>member"`
}

type xmlGroup struct {
	Path                    string        `xml:"Path"`
	GroupName               string        `xml:"GroupName"`
	GroupID                 string        `xml:"GroupId"`
	Arn                     string        `xml:"Arn"`
	CreateDate              string        `xml:"CreateDate"`
	GroupPolicyList         []xmlInline   `xml:"GroupPolicyList>member"`
	AttachedManagedPolicies []xmlAttached `xml:"AttachedManagedPolicies>member"`
}

type xmlProfile struct {
	Path                string `xml:"Path"`
	InstanceProfileName string `xml:"InstanceProfileName"`
	InstanceProfileID   string `xml:"InstanceProfileId"`
	Arn                 string `xml:"Arn"`
	CreateDate          string `xml:"CreateDate"`
}

type xmlRole struct {
	Path                     string        `xml:"Path"`
	RoleName                 string        `xml:"RoleName"`
	RoleID                   string        `xml:"RoleId"`
	Arn                      string        `xml:"Arn"`
	CreateDate               string        `xml:"CreateDate"`
	AssumeRolePolicyDocument *string       `xml:"AssumeRolePolicyDocument"`
	InstanceProfileList      []xmlProfile  `xml:"InstanceProfileList>member"`
	RolePolicyList           []xmlInline   `xml:"RolePolicyList>member"`
	AttachedManagedPolicies  []xmlAttached `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary      *xmlBoundary  `xml:"PermissionsBoundary"`
	Tags                     []xmlTag      `xml:"Tags>member"`
}

type xmlVersion struct {
	Document         string `xml:"Document"`
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool   `xml:"IsDefaultVersion"`
	CreateDate       string `xml:"CreateDate"`
}

type xmlPol struct {
	PolicyName                    string       `xml:"PolicyName"`
	PolicyID                      string       `xml:"PolicyId"`
	Arn                           string       `xml:"Arn"`
	Path                          string       `xml:"Path"`
	DefaultVersionID              string       `xml:"DefaultVersionId"`
	AttachmentCount               int32        `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int32        `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool         `xml:"IsAttachable"`
	Description                   string       `xml:"Description"`
	CreateDate                    string       `xml:"CreateDate"`
	UpdateDate                    string       `xml:"UpdateDate"`
	PolicyVersionList             []xmlVersion `xml:"PolicyVersionList>member"`
}

// detailsPage requests one page: the entity types of filter, at most
// size items, from marker on ("" for the first page).
func (c *iamClient) detailsPage(ctx context.Context, filter []string, size int32, marker string) (*detailsPage, error) {
	form := url.Values{"Action": {"GetAccountAuthorizationDetails"}, "Version": {"2010-05-08"}}
	for i, f := range filter {
		form.Set("Filter.member."+strconv.Itoa(i+1), f)
	}
	form.Set("MaxItems", strconv.Itoa(int(size)))
	if marker != "" {
		form.Set("Marker", marker)
	}
	body, err := c.call(ctx, form)
	if err != nil {
		return nil, err
	}
	var p detailsPage
	if err := xml.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("operation error IAM: GetAccountAuthorizationDetails: reading the response: %w", err)
	}
	return &p, nil
}
