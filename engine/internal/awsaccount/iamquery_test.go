package awsaccount

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestPartitionEndpoint(t *testing.T) {
	tests := []struct {
		region         string
		fips           bool
		want, wantSign string
	}{
		{"", false, "https://iam.amazonaws.com/", "us-east-1"},
		{"eu-west-1", false, "https://iam.amazonaws.com/", "us-east-1"},
		{"us-east-1", true, "https://iam-fips.amazonaws.com/", "us-east-1"},
		{"cn-northwest-1", false, "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1"},
		{"us-gov-east-1", false, "https://iam.us-gov.amazonaws.com/", "us-gov-west-1"},
		{"us-iso-west-1", false, "https://iam.us-iso-east-1.c2s.ic.gov/", "us-iso-east-1"},
		{"us-isob-east-1", false, "https://iam.us-isob-east-1.sc2s.sgov.gov/", "us-isob-east-1"},
	}
	for _, tt := range tests {
		got, sign := partitionEndpoint(tt.region, tt.fips, false)
		if got != tt.want || sign != tt.wantSign {
			t.Errorf("partitionEndpoint(%q, %v) = %s, %s; want %s, %s", tt.region, tt.fips, got, sign, tt.want, tt.wantSign)
		}
	}
}

// TestConfiguredEndpoint: the general endpoint (AWS_ENDPOINT_URL) is used
// when no IAM one is set, signed for the configuration's region; none
// gives the partition's.
func TestConfiguredEndpoint(t *testing.T) {
	base := "http://127.0.0.1:9/"
	c := newIAMClient(&Config{Region: "eu-west-1", endpoints: endpoints{base: base}})
	if c.endpoint != base || c.region != "eu-west-1" {
		t.Errorf("with AWS_ENDPOINT_URL: %s signed for %s, want %s for eu-west-1", c.endpoint, c.region, base)
	}
	c = newIAMClient(&Config{Region: "eu-west-1"})
	if c.endpoint != "https://iam.amazonaws.com/" || c.region != "us-east-1" {
		t.Errorf("without: %s signed for %s", c.endpoint, c.region)
	}
}

// TestAPIErrorRetryable: the SDK's standard retryer retries the errors
// the client returns as it retried the SDK client's: throttling codes,
// 5xx statuses and connection errors, not AccessDenied; explain reads
// the code through smithy.APIError.
func TestAPIErrorRetryable(t *testing.T) {
	r := retry.NewStandard()
	apiErr := func(status int, code string) error {
		return &apiError{GenericAPIError: smithy.GenericAPIError{Code: code, Message: "m"}, status: status}
	}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"Throttling", apiErr(400, "Throttling"), true},
		{"service unavailable", apiErr(503, "Service Unavailable"), true},
		{"connection", &smithyhttp.RequestSendError{Err: errors.New("connection reset by peer")}, true},
		{"AccessDenied", apiErr(403, "AccessDenied"), false},
	}
	for _, tt := range tests {
		if got := r.IsErrorRetryable(tt.err); got != tt.want {
			t.Errorf("%s: retryable %v, want %v", tt.name, got, tt.want)
		}
	}
	if err := explain(apiErr(403, "AccessDenied"), "iam:GetAccountAuthorizationDetails", ""); !strings.Contains(err.Error(), "access denied") {
		t.Errorf("explain(AccessDenied) = %v, want the access denied advice", err)
	}
	if d, err := r.RetryDelay(1, apiErr(400, "Throttling")); err != nil || d > 20*time.Second {
		t.Errorf("RetryDelay = %v, %v", d, err)
	}
}

// TestSTSEndpoint: the regional STS endpoint of each partition (FIPS in
// the aws partition; GovCloud's is FIPS already), signed for the region,
// whatever AWS_STS_REGIONAL_ENDPOINTS says; a configured one wins.
func TestSTSEndpoint(t *testing.T) {
	tests := []struct {
		region   string
		fips     bool
		base     string
		want     string
		wantSign string
	}{
		{"us-east-1", false, "", "https://sts.us-east-1.amazonaws.com/", "us-east-1"},
		{"eu-west-1", true, "", "https://sts-fips.eu-west-1.amazonaws.com/", "eu-west-1"},
		{"cn-northwest-1", false, "", "https://sts.cn-northwest-1.amazonaws.com.cn/", "cn-northwest-1"},
		{"us-gov-west-1", true, "", "https://sts.us-gov-west-1.amazonaws.com/", "us-gov-west-1"},
		{"us-iso-east-1", false, "", "https://sts.us-iso-east-1.c2s.ic.gov/", "us-iso-east-1"},
		{"eu-west-1", false, "http://127.0.0.1:9/", "http://127.0.0.1:9/", "eu-west-1"},
		// The pseudo-region aws-global is STS's global endpoint, signed
		// for us-east-1, as the SDK's rules resolve it.
		{"aws-global", false, "", "https://sts.amazonaws.com/", "us-east-1"},
		{"aws-global", true, "", "https://sts-fips.us-east-1.amazonaws.com/", "us-east-1"},
	}
	// The Go SDK does not read AWS_STS_REGIONAL_ENDPOINTS: always regional.
	t.Setenv("AWS_STS_REGIONAL_ENDPOINTS", "legacy")
	for _, tt := range tests {
		c := newSTSClient(&Config{Region: tt.region, endpoints: endpoints{fips: tt.fips, base: tt.base}}, nil)
		if c.endpoint != tt.want || c.region != tt.wantSign {
			t.Errorf("STS for %s (fips %v, base %q) = %s signed for %s; want %s for %s", tt.region, tt.fips, tt.base, c.endpoint, c.region, tt.want, tt.wantSign)
		}
	}
}

// TestExplain: each kind of failure gets its advice, whether it comes
// from IAM or STS or from the credential chain.
func TestExplain(t *testing.T) {
	apiErr := func(status int, code string) error {
		return &apiError{GenericAPIError: smithy.GenericAPIError{Code: code, Message: "m"}, status: status, service: "STS", action: "GetCallerIdentity"}
	}
	tests := []struct {
		name    string
		err     error
		profile string
		want    []string
	}{
		{"access denied", apiErr(403, "AccessDenied"), "dev", []string{`access denied for AWS profile "dev"`, "iam:GetAccountAuthorizationDetails and sts:GetCallerIdentity"}},
		{"rejected", apiErr(403, "InvalidClientTokenId"), "", []string{"rejected the credentials of the default AWS credentials", "aws sso login / aws configure"}},
		{"expired", apiErr(400, "ExpiredToken"), "dev", []string{"have expired", "refresh them"}},
		{"throttled", apiErr(400, "Throttling"), "", []string{"kept throttling", "try again later"}},
		{"no credentials", fmt.Errorf("failed to retrieve credentials: %w", fmt.Errorf("%w: no EC2 IMDS role found", errNoCredentials)), "", []string{"no AWS credentials found", "aws configure"}},
		{"a source failed", fmt.Errorf("failed to retrieve credentials: %w", &credentialsError{source: `AWS profile "sso"`, hint: "run `aws sso login --profile sso`", err: apiErr(401, "UnauthorizedException")}), "sso",
			[]string{`getting the credentials: AWS profile "sso"`, "aws sso login --profile sso"}},
	}
	for _, tt := range tests {
		got := explain(tt.err, "sts:GetCallerIdentity", tt.profile).Error()
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tt.name, got, w)
			}
		}
	}
}

// TestEndpointTable: IAM's and STS's endpoints and signing regions in
// every partition, with and without FIPS and dual-stack, are the SDK's
// (testdata/endpoints.txt, from its endpoint rules).
func TestEndpointTable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "endpoints.txt"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) != 7 {
			t.Fatalf("endpoints.txt:%d: %d fields", i+1, len(f))
		}
		n++
		region, fips, dual := f[0], f[1] == "true", f[2] == "true"
		if got, sign := partitionEndpoint(region, fips, dual); got != f[3] || sign != f[4] {
			t.Errorf("endpoints.txt:%d: IAM for %s (FIPS %v, dual-stack %v) = %s signed for %s, want %s for %s", i+1, region, fips, dual, got, sign, f[3], f[4])
		}
		c := newSTSClient(&Config{Region: region, endpoints: endpoints{fips: fips, dualStack: dual}}, nil)
		if c.endpoint != f[5] || c.region != f[6] {
			t.Errorf("endpoints.txt:%d: STS for %s (FIPS %v, dual-stack %v) = %s signed for %s, want %s for %s", i+1, region, fips, dual, c.endpoint, c.region, f[5], f[6])
		}
	}
	if n < 48 {
		t.Errorf("endpoints.txt has %d cases", n)
	}
}

// TestSSOEndpoints: the SSO portal's and the OIDC service's endpoints,
// with FIPS and dual-stack, as the SDK's service/sso v1.39.5 and
// service/ssooidc v1.44.5 endpoint rules give them.
func TestSSOEndpoints(t *testing.T) {
	for _, c := range []struct {
		region       string
		fips, dual   bool
		portal, oidc string
	}{
		{"us-east-1", false, false, "https://portal.sso.us-east-1.amazonaws.com/", "https://oidc.us-east-1.amazonaws.com/"},
		{"us-east-1", true, false, "https://portal.sso-fips.us-east-1.amazonaws.com/", "https://oidc-fips.us-east-1.amazonaws.com/"},
		{"us-east-1", true, true, "https://portal.sso-fips.us-east-1.api.aws/", "https://oidc-fips.us-east-1.api.aws/"},
		{"cn-north-1", false, true, "https://portal.sso.cn-north-1.api.amazonwebservices.com.cn/", "https://oidc.cn-north-1.api.amazonwebservices.com.cn/"},
		{"us-gov-west-1", true, false, "https://portal.sso.us-gov-west-1.amazonaws.com/", "https://oidc.us-gov-west-1.amazonaws.com/"},
		{"us-gov-west-1", true, true, "https://portal.sso-fips.us-gov-west-1.api.aws/", "https://oidc-fips.us-gov-west-1.api.aws/"},
		{"us-iso-east-1", true, false, "https://portal.sso-fips.us-iso-east-1.c2s.ic.gov/", "https://oidc-fips.us-iso-east-1.c2s.ic.gov/"},
		{"eusc-de-east-1", false, false, "https://portal.sso.eusc-de-east-1.amazonaws.eu/", "https://oidc.eusc-de-east-1.amazonaws.eu/"},
	} {
		e := endpoints{fips: c.fips, dualStack: c.dual}
		if got := e.regional("portal.sso", c.region); got != c.portal {
			t.Errorf("SSO portal in %s (FIPS %v, dual-stack %v) = %s, want %s", c.region, c.fips, c.dual, got, c.portal)
		}
		if got := e.regional("oidc", c.region); got != c.oidc {
			t.Errorf("OIDC in %s (FIPS %v, dual-stack %v) = %s, want %s", c.region, c.fips, c.dual, got, c.oidc)
		}
	}
}
