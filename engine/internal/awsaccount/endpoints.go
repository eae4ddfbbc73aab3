package awsaccount

import (
	"os"
	"strings"
)

// endpoints are the endpoint settings of the environment and the
// profile, looked up as the AWS SDKs do for a service (its SDK id, e.g.
// "IAM", "STS", "SSO"): AWS_ENDPOINT_URL_<ID>, then the profile's
// services section (`services = NAME` and a [services NAME] section with
// `<id> =` and an indented `endpoint_url =`), then AWS_ENDPOINT_URL, then
// the profile's endpoint_url; none of them when
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or ignore_configured_endpoint_urls
// is true. FIPS endpoints are asked for with AWS_USE_FIPS_ENDPOINT or
// use_fips_endpoint, dual-stack (IPv6) ones with AWS_USE_DUALSTACK_ENDPOINT
// or use_dualstack_endpoint.
type endpoints struct {
	ignore    bool
	fips      bool
	dualStack bool
	services  map[string]string // the services section: lower-case id → endpoint_url
	base      string            // AWS_ENDPOINT_URL, else the profile's endpoint_url
}

// newEndpoints reads the endpoint settings of the environment and of the
// profile p (nil when there is none) from the files f.
func newEndpoints(f *sharedFiles, p *profile) endpoints {
	var e endpoints
	e.ignore = envOrProfileBool("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", p, "ignore_configured_endpoint_urls")
	e.fips = envOrProfileBool("AWS_USE_FIPS_ENDPOINT", p, "use_fips_endpoint")
	e.dualStack = envOrProfileBool("AWS_USE_DUALSTACK_ENDPOINT", p, "use_dualstack_endpoint")
	e.base = os.Getenv("AWS_ENDPOINT_URL")
	if p != nil {
		if e.base == "" {
			e.base = p.get("endpoint_url")
		}
		if name := p.get("services"); name != "" && f != nil {
			if s, ok := f.services[name]; ok {
				e.services = map[string]string{}
				for k, v := range s.keys {
					if u := v.sub["endpoint_url"]; u != "" {
						e.services[k] = u
					}
				}
			}
		}
	}
	return e
}

// envOrProfileBool is an on/off setting: the environment variable when it
// is set, else the profile's key.
func envOrProfileBool(env string, p *profile, key string) bool {
	if v, ok := os.LookupEnv(env); ok && v != "" {
		return strings.EqualFold(v, "true")
	}
	return p != nil && strings.EqualFold(p.get(key), "true")
}

// configured returns the endpoint configured for the service whose SDK id
// is id ("IAM", "STS", "SSO", "SSO OIDC"), if any.
func (e endpoints) configured(id string) (string, bool) {
	if e.ignore {
		return "", false
	}
	if v := os.Getenv("AWS_ENDPOINT_URL_" + strings.ToUpper(strings.ReplaceAll(id, " ", "_"))); v != "" {
		return v, true
	}
	if v := e.services[strings.ToLower(strings.ReplaceAll(id, " ", "_"))]; v != "" {
		return v, true
	}
	if e.base != "" {
		return e.base, true
	}
	return "", false
}

// partition is what the endpoint rules of IAM and STS need of an AWS
// partition (the SDK's endpoint rules, service/iam v1.66.0 and
// service/sts v1.52.0; testdata/endpoints.txt lists what they give).
type partition struct {
	prefix    string    // its regions' prefix, e.g. "cn-" ("" for aws)
	dns       string    // DNS suffix
	dualDNS   string    // dual-stack DNS suffix
	iamRegion string    // IAM's signing region
	iam       [4]string // IAM's host: plain, FIPS, dual-stack, FIPS and dual-stack
}

// partitions are AWS's partitions, aws last (any other region).
var partitions = []partition{
	{"cn-", "amazonaws.com.cn", "api.amazonwebservices.com.cn", "cn-north-1",
		[4]string{"iam.cn-north-1.amazonaws.com.cn", "iam-fips.amazonaws.com.cn", "iam.global.api.amazonwebservices.com.cn", "iam-fips.api.amazonwebservices.com.cn"}},
	{"us-gov-", "amazonaws.com", "api.aws", "us-gov-west-1",
		[4]string{"iam.us-gov.amazonaws.com", "iam.us-gov.amazonaws.com", "iam.us-gov.api.aws", "iam.us-gov.api.aws"}},
	{"us-iso-", "c2s.ic.gov", "api.aws.ic.gov", "us-iso-east-1",
		[4]string{"iam.us-iso-east-1.c2s.ic.gov", "iam-fips.us-iso-east-1.c2s.ic.gov", "iam.api.aws.ic.gov", "iam-fips.api.aws.ic.gov"}},
	{"us-isob-", "sc2s.sgov.gov", "api.aws.scloud", "us-isob-east-1",
		[4]string{"iam.us-isob-east-1.sc2s.sgov.gov", "iam-fips.us-isob-east-1.sc2s.sgov.gov", "iam.api.aws.scloud", "iam-fips.api.aws.scloud"}},
	{"us-isof-", "csp.hci.ic.gov", "api.aws.hci.ic.gov", "us-isof-south-1",
		[4]string{"iam.us-isof-south-1.csp.hci.ic.gov", "iam-fips.csp.hci.ic.gov", "iam.api.aws.hci.ic.gov", "iam-fips.api.aws.hci.ic.gov"}},
	{"eu-isoe-", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", "eu-isoe-west-1",
		[4]string{"iam.eu-isoe-west-1.cloud.adc-e.uk", "iam-fips.cloud.adc-e.uk", "iam.api.cloud-aws.adc-e.uk", "iam-fips.api.cloud-aws.adc-e.uk"}},
	{"eusc-", "amazonaws.eu", "api.amazonwebservices.eu", "eusc-de-east-1",
		[4]string{"iam.eusc-de-east-1.amazonaws.eu", "iam-fips.amazonaws.eu", "iam.global.api.amazonwebservices.eu", "iam-fips.api.amazonwebservices.eu"}},
	{"", "amazonaws.com", "api.aws", "us-east-1",
		[4]string{"iam.amazonaws.com", "iam-fips.amazonaws.com", "iam.global.api.aws", "iam-fips.global.api.aws"}},
}

// partitionOf is the partition of region.
func partitionOf(region string) partition {
	for _, p := range partitions {
		if strings.HasPrefix(region, p.prefix) {
			return p
		}
	}
	return partitions[len(partitions)-1]
}

// regional is a regional service's endpoint, https://NAME.REGION.SUFFIX/,
// as the SDK's rules give it for STS, the SSO portal ("portal.sso") and
// OIDC: NAME-fips with FIPS (except in AWS GovCloud, whose plain
// endpoint is FIPS, unless dual-stack is asked for too), the partition's
// dual-stack suffix (e.g. api.aws) with dual-stack.
func (e endpoints) regional(name, region string) string {
	p := partitionOf(region)
	suffix := p.dns
	if e.fips && (e.dualStack || p.prefix != "us-gov-") {
		name += "-fips"
	}
	if e.dualStack {
		suffix = p.dualDNS
	}
	return "https://" + name + "." + region + "." + suffix + "/"
}

// stsEndpoint is STS's endpoint and signing region for region, as the
// SDK's rules resolve them: always regional, https://sts.REGION.SUFFIX/
// (sts-fips with FIPS, except in AWS GovCloud where the plain one is
// FIPS; the dual-stack suffix, e.g. api.aws, with dual-stack); the
// pseudo-region aws-global is https://sts.amazonaws.com/, signed for
// us-east-1 (with FIPS or dual-stack, us-east-1's endpoint, where the
// SDK's rules give a host that does not exist).
func stsEndpoint(region string, fips, dualStack bool) (endpoint, signingRegion string) {
	if region == "aws-global" {
		if !fips && !dualStack {
			return "https://sts.amazonaws.com/", "us-east-1"
		}
		region = "us-east-1"
	}
	return endpoints{fips: fips, dualStack: dualStack}.regional("sts", region), region
}
