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
// use_fips_endpoint.
type endpoints struct {
	ignore   bool
	fips     bool
	services map[string]string // the services section: lower-case id → endpoint_url
	base     string            // AWS_ENDPOINT_URL, else the profile's endpoint_url
}

// newEndpoints reads the endpoint settings of the environment and of the
// profile p (nil when there is none) from the files f.
func newEndpoints(f *sharedFiles, p *profile) endpoints {
	var e endpoints
	e.ignore = envOrProfileBool("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", p, "ignore_configured_endpoint_urls")
	e.fips = envOrProfileBool("AWS_USE_FIPS_ENDPOINT", p, "use_fips_endpoint")
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

// dnsSuffix is the DNS suffix of region's partition.
func dnsSuffix(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "amazonaws.com.cn"
	case strings.HasPrefix(region, "us-isob-"):
		return "sc2s.sgov.gov"
	case strings.HasPrefix(region, "us-isof-"):
		return "csp.hci.ic.gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "c2s.ic.gov"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "cloud.adc-e.uk"
	case strings.HasPrefix(region, "eusc-"):
		return "amazonaws.eu"
	}
	return "amazonaws.com"
}

// regionalEndpoint is a regional service's endpoint: https://NAME.REGION.SUFFIX/
// (NAME-fips in the aws partition when fips is set; AWS GovCloud's
// endpoints are FIPS already).
func regionalEndpoint(name, region string, fips bool) string {
	if fips && dnsSuffix(region) == "amazonaws.com" && !strings.HasPrefix(region, "us-gov-") {
		name += "-fips"
	}
	return "https://" + name + "." + region + "." + dnsSuffix(region) + "/"
}
