package awsaccount

import (
	"context"
	"net/url"
	"strconv"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// newIAMClient is a Query-protocol client of IAM (it stands in for the
// SDK's service/iam, whose package initialisation, about 640 KB of
// operation schemas and 16 % of the page faults of every CLI command,
// and 4 MB of code every command paid for; see the CLI's README, issue
// 17). IAM is global: the endpoint is the configured one
// (AWS_ENDPOINT_URL_IAM, the profile's services section, AWS_ENDPOINT_URL
// or endpoint_url), signed for cfg.Region, else the partition's IAM
// endpoint for cfg.Region (its FIPS or dual-stack endpoint when
// AWS_USE_FIPS_ENDPOINT / use_fips_endpoint or AWS_USE_DUALSTACK_ENDPOINT /
// use_dualstack_endpoint ask for one).
func newIAMClient(cfg *Config) *queryClient {
	c := &queryClient{name: "IAM", signName: "iam", version: "2010-05-08", creds: cfg.Credentials,
		http: cfg.HTTPClient, retryer: cfg.Retryer, signer: v4.NewSigner()}
	c.endpoint, c.region = partitionEndpoint(cfg.Region, cfg.endpoints.fips, cfg.endpoints.dualStack)
	if e, ok := cfg.endpoints.configured("IAM"); ok {
		c.endpoint = e
		if cfg.Region != "" {
			c.region = cfg.Region
		}
	}
	return c
}

// partitionEndpoint returns IAM's endpoint and signing region in the
// partition of region (IAM is global: one endpoint a partition, FIPS and
// dual-stack ones as asked; AWS GovCloud's plain one is FIPS already).
func partitionEndpoint(region string, fips, dualStack bool) (endpoint, signingRegion string) {
	p := partitionOf(region)
	i := 0
	if fips {
		i++
	}
	if dualStack {
		i += 2
	}
	return "https://" + p.iam[i] + "/", p.iamRegion
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
func getDetailsPage(ctx context.Context, c *queryClient, filter []string, size int32, marker string) (*detailsPage, error) {
	form := url.Values{}
	for i, f := range filter {
		form.Set("Filter.member."+strconv.Itoa(i+1), f)
	}
	form.Set("MaxItems", strconv.Itoa(int(size)))
	if marker != "" {
		form.Set("Marker", marker)
	}
	var p detailsPage
	if err := c.call(ctx, "GetAccountAuthorizationDetails", form, &p); err != nil {
		return nil, err
	}
	return &p, nil
}
