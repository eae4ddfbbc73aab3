// Package awsaccount downloads an AWS account's IAM policies:
// iam:GetAccountAuthorizationDetails, paged, with the AWS SDK for Go v2's
// retries and backoff (throttling included), and sts:GetCallerIdentity
// for the account id. The result has the shape of
// `aws iam get-account-authorization-details` output, with the
// URL-encoded policy documents decoded to JSON.
//
// The credentials are the user's own, found as the AWS SDKs' default chain
// finds them (chain.go: environment, shared config and credentials files
// with roles, SSO and credential_process, container, EC2 instance
// metadata). The requests are made here in the Query protocol (query.go,
// iamquery.go, stsquery.go) and signed with the SDK's signer, rather than
// with the SDK's config package and service clients, whose package
// initialisation every command of the CLI paid for (issue 17). Requests
// go only to AWS, or to the endpoints the user configured
// (AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL_STS, ...).
//
// It is used only by the native CLI's download-policies command; the
// WebAssembly builds do not import it.
package awsaccount

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/smithy-go"
)

// Filter selects the entity types to download.
type Filter struct {
	// Users, Groups and Roles include those entities with their inline
	// policies and attachments.
	Users, Groups, Roles bool
	// CustomerManaged and AWSManaged include the managed policies of each kind.
	CustomerManaged, AWSManaged bool
}

// All is every entity type, as `aws iam get-account-authorization-details`
// gives without --filter.
var All = Filter{Users: true, Groups: true, Roles: true, CustomerManaged: true, AWSManaged: true}

// entityTypes returns the filter's EntityFilter values.
func (f Filter) entityTypes() []string {
	var out []string
	add := func(on bool, t string) {
		if on {
			out = append(out, t)
		}
	}
	add(f.Users, "User")
	add(f.Groups, "Group")
	add(f.Roles, "Role")
	add(f.CustomerManaged, "LocalManagedPolicy")
	add(f.AWSManaged, "AWSManagedPolicy")
	return out
}

// Options configure a download.
type Options struct {
	// Profile is the shared config profile ("" for the default chain:
	// the environment's keys, then AWS_PROFILE or "default", ...).
	Profile string
	// Filter selects what to download.
	Filter Filter
	// MaxAttempts is the number of tries per request (default 10).
	MaxAttempts int
	// MaxBackoff caps the wait between tries (default 20s); tests lower it.
	MaxBackoff time.Duration
	// PageSize is MaxItems per page (default 1000, IAM's maximum).
	PageSize int32
	// Progress, when set, is called after each page with the totals so far.
	Progress func(page int, d *Details)
}

// Details is the account's authorization details, in the JSON shape of
// `aws iam get-account-authorization-details` (documents decoded).
type Details struct {
	UserDetailList  []User   `json:"UserDetailList"`
	GroupDetailList []Group  `json:"GroupDetailList"`
	RoleDetailList  []Role   `json:"RoleDetailList"`
	Policies        []Policy `json:"Policies"`
}

// User is a UserDetail.
type User struct {
	Path                    string         `json:"Path"`
	UserName                string         `json:"UserName"`
	UserID                  string         `json:"UserId"`
	Arn                     string         `json:"Arn"`
	CreateDate              string         `json:"CreateDate,omitempty"`
	UserPolicyList          []InlinePolicy `json:"UserPolicyList,omitempty"`
	GroupList               []string       `json:"GroupList"`
	AttachedManagedPolicies []Attached     `json:"AttachedManagedPolicies"`
	PermissionsBoundary     *Boundary      `json:"PermissionsBoundary,omitempty"`
	Tags                    []Tag          `json:"Tags,omitempty"`
}

// Group is a GroupDetail.
type Group struct {
	Path                    string         `json:"Path"`
	GroupName               string         `json:"GroupName"`
	GroupID                 string         `json:"GroupId"`
	Arn                     string         `json:"Arn"`
	CreateDate              string         `json:"CreateDate,omitempty"`
	GroupPolicyList         []InlinePolicy `json:"GroupPolicyList"`
	AttachedManagedPolicies []Attached     `json:"AttachedManagedPolicies"`
}

// Role is a RoleDetail.
type Role struct {
	Path                     string            `json:"Path"`
	RoleName                 string            `json:"RoleName"`
	RoleID                   string            `json:"RoleId"`
	Arn                      string            `json:"Arn"`
	CreateDate               string            `json:"CreateDate,omitempty"`
	AssumeRolePolicyDocument json.RawMessage   `json:"AssumeRolePolicyDocument,omitempty"`
	InstanceProfileList      []InstanceProfile `json:"InstanceProfileList"`
	RolePolicyList           []InlinePolicy    `json:"RolePolicyList"`
	AttachedManagedPolicies  []Attached        `json:"AttachedManagedPolicies"`
	PermissionsBoundary      *Boundary         `json:"PermissionsBoundary,omitempty"`
	Tags                     []Tag             `json:"Tags,omitempty"`
}

// InstanceProfile is a role's instance profile (without its Roles list).
type InstanceProfile struct {
	Path                string `json:"Path"`
	InstanceProfileName string `json:"InstanceProfileName"`
	InstanceProfileID   string `json:"InstanceProfileId"`
	Arn                 string `json:"Arn"`
	CreateDate          string `json:"CreateDate,omitempty"`
}

// InlinePolicy is an inline policy with its decoded document.
type InlinePolicy struct {
	PolicyName     string          `json:"PolicyName"`
	PolicyDocument json.RawMessage `json:"PolicyDocument"`
}

// Attached is an attached managed policy.
type Attached struct {
	PolicyName string `json:"PolicyName"`
	PolicyArn  string `json:"PolicyArn"`
}

// Boundary is a permissions boundary.
type Boundary struct {
	PermissionsBoundaryType string `json:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `json:"PermissionsBoundaryArn"`
}

// Tag is an IAM tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// Policy is a ManagedPolicyDetail.
type Policy struct {
	PolicyName                    string    `json:"PolicyName"`
	PolicyID                      string    `json:"PolicyId"`
	Arn                           string    `json:"Arn"`
	Path                          string    `json:"Path"`
	DefaultVersionID              string    `json:"DefaultVersionId"`
	AttachmentCount               int32     `json:"AttachmentCount"`
	PermissionsBoundaryUsageCount int32     `json:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool      `json:"IsAttachable"`
	Description                   string    `json:"Description,omitempty"`
	CreateDate                    string    `json:"CreateDate,omitempty"`
	UpdateDate                    string    `json:"UpdateDate,omitempty"`
	PolicyVersionList             []Version `json:"PolicyVersionList"`
}

// AWSManaged reports whether the policy is AWS managed (arn:PARTITION:iam::aws:policy/...).
func (p *Policy) AWSManaged() bool {
	parts := strings.SplitN(p.Arn, ":", 6)
	return len(parts) == 6 && parts[4] == "aws"
}

// DefaultDocument is the default version's document (nil if missing).
func (p *Policy) DefaultDocument() json.RawMessage {
	for _, v := range p.PolicyVersionList {
		if v.IsDefaultVersion || v.VersionID == p.DefaultVersionID {
			return v.Document
		}
	}
	return nil
}

// Version is a managed policy version with its decoded document.
type Version struct {
	Document         json.RawMessage `json:"Document"`
	VersionID        string          `json:"VersionId"`
	IsDefaultVersion bool            `json:"IsDefaultVersion"`
	CreateDate       string          `json:"CreateDate,omitempty"`
}

// Result is a download: the account id and its details.
type Result struct {
	// AccountID is sts:GetCallerIdentity's Account.
	AccountID string
	// CallerArn is the identity the credentials belong to.
	CallerArn string
	// Details are the authorization details.
	Details *Details
	// Pages is the number of GetAccountAuthorizationDetails pages read.
	Pages int
}

// Download loads the AWS configuration for the profile and downloads the
// account's authorization details.
func Download(ctx context.Context, o Options) (*Result, error) {
	cfg, err := LoadConfig(ctx, o)
	if err != nil {
		return nil, err
	}
	return DownloadWith(ctx, cfg, o)
}

// DownloadWith downloads with an already loaded configuration.
func DownloadWith(ctx context.Context, cfg *Config, o Options) (*Result, error) {
	account, arn, err := callerIdentity(ctx, newSTSClient(cfg, cfg.Credentials))
	if err != nil {
		return nil, explainFor(err, "sts:GetCallerIdentity", cfg.who(o.Profile))
	}
	res := &Result{AccountID: account, CallerArn: arn, Details: &Details{}}
	filter := o.Filter
	if filter == (Filter{}) {
		filter = All
	}
	size := o.PageSize
	if size <= 0 {
		size = 1000
	}
	client := newIAMClient(cfg)
	seen := map[string]bool{}
	for marker := ""; ; {
		page, err := getDetailsPage(ctx, client, filter.entityTypes(), size, marker)
		if err != nil {
			return nil, explainFor(err, "iam:GetAccountAuthorizationDetails", cfg.who(o.Profile))
		}
		res.Pages++
		if err := res.Details.add(page); err != nil {
			return nil, fmt.Errorf("page %d of iam:GetAccountAuthorizationDetails: %w", res.Pages, err)
		}
		if o.Progress != nil {
			o.Progress(res.Pages, res.Details)
		}
		marker = page.Result.Marker
		if !page.Result.IsTruncated || marker == "" {
			break
		}
		if seen[marker] {
			return nil, fmt.Errorf("iam:GetAccountAuthorizationDetails returned the marker %q twice: stopping", marker)
		}
		seen[marker] = true
	}
	res.Details.sort()
	return res, nil
}

// explain turns the errors of a request into what the user should do;
// profile is --profile ("" for the default credentials).
func explain(err error, op, profile string) error {
	who := "the default AWS credentials"
	if profile != "" {
		who = fmt.Sprintf("AWS profile %q", profile)
	}
	return explainFor(err, op, who)
}

// explainFor is explain for the credentials who describes, e.g.
// `AWS profile "dev" (AWS_PROFILE)`.
func explainFor(err error, op, who string) error {
	if errors.Is(err, errNoCredentials) {
		return fmt.Errorf("%s: no AWS credentials found for %s: run `aws configure` (or `aws sso login`), set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile: %w", op, who, err)
	}
	var ce *credentialsError
	if errors.As(err, &ce) {
		// Getting the credentials failed (a role, SSO, a process...): its
		// own error says which step and what to do.
		return fmt.Errorf("%s: getting the credentials: %w", op, ce)
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation":
			return fmt.Errorf("%s: access denied for %s: its identity needs the permissions iam:GetAccountAuthorizationDetails and sts:GetCallerIdentity (AWS's SecurityAudit or ReadOnlyAccess managed policy has them): %s", op, who, api.ErrorMessage())
		case "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "IncompleteSignature":
			return fmt.Errorf("%s: AWS rejected the credentials of %s (%s): check the access key, or log in again (aws sso login / aws configure)", op, who, api.ErrorCode())
		case "ExpiredToken", "ExpiredTokenException", "RequestExpired":
			return fmt.Errorf("%s: the credentials of %s have expired: refresh them (aws sso login, or new session credentials) and try again", op, who)
		case "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException":
			return fmt.Errorf("%s: AWS kept throttling the requests after every retry: try again later: %w", op, err)
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// add appends one page, decoding the URL-encoded policy documents.
func (d *Details) add(page *detailsPage) error {
	for _, u := range page.Result.Users {
		x := User{Path: u.Path, UserName: u.UserName, UserID: u.UserID,
			Arn: u.Arn, CreateDate: date(u.CreateDate), GroupList: nonNil(u.GroupList),
			AttachedManagedPolicies: attached(u.AttachedManagedPolicies), PermissionsBoundary: boundary(u.PermissionsBoundary),
			Tags: tags(u.Tags)}
		var err error
		if x.UserPolicyList, err = inline(u.UserPolicyList, "user "+x.UserName); err != nil {
			return err
		}
		d.UserDetailList = append(d.UserDetailList, x)
	}
	for _, g := range page.Result.Groups {
		x := Group{Path: g.Path, GroupName: g.GroupName, GroupID: g.GroupID,
			Arn: g.Arn, CreateDate: date(g.CreateDate), AttachedManagedPolicies: attached(g.AttachedManagedPolicies)}
		var err error
		if x.GroupPolicyList, err = inline(g.GroupPolicyList, "group "+x.GroupName); err != nil {
			return err
		}
		d.GroupDetailList = append(d.GroupDetailList, x)
	}
	for _, r := range page.Result.Roles {
		x := Role{Path: r.Path, RoleName: r.RoleName, RoleID: r.RoleID,
			Arn: r.Arn, CreateDate: date(r.CreateDate), AttachedManagedPolicies: attached(r.AttachedManagedPolicies),
			PermissionsBoundary: boundary(r.PermissionsBoundary), Tags: tags(r.Tags), InstanceProfileList: []InstanceProfile{}}
		for _, ip := range r.InstanceProfileList {
			x.InstanceProfileList = append(x.InstanceProfileList, InstanceProfile{Path: ip.Path,
				InstanceProfileName: ip.InstanceProfileName, InstanceProfileID: ip.InstanceProfileID,
				Arn: ip.Arn, CreateDate: date(ip.CreateDate)})
		}
		var err error
		if r.AssumeRolePolicyDocument != nil {
			if x.AssumeRolePolicyDocument, err = DecodeDocument(*r.AssumeRolePolicyDocument); err != nil {
				return fmt.Errorf("role %s trust policy: %w", x.RoleName, err)
			}
		}
		if x.RolePolicyList, err = inline(r.RolePolicyList, "role "+x.RoleName); err != nil {
			return err
		}
		d.RoleDetailList = append(d.RoleDetailList, x)
	}
	for _, p := range page.Result.Policies {
		x := Policy{PolicyName: p.PolicyName, PolicyID: p.PolicyID, Arn: p.Arn,
			Path: p.Path, DefaultVersionID: p.DefaultVersionID,
			AttachmentCount: p.AttachmentCount, PermissionsBoundaryUsageCount: p.PermissionsBoundaryUsageCount,
			IsAttachable: p.IsAttachable, Description: p.Description, CreateDate: date(p.CreateDate),
			UpdateDate: date(p.UpdateDate), PolicyVersionList: []Version{}}
		for _, v := range p.PolicyVersionList {
			doc, err := DecodeDocument(v.Document)
			if err != nil {
				return fmt.Errorf("policy %s version %s: %w", x.Arn, v.VersionID, err)
			}
			x.PolicyVersionList = append(x.PolicyVersionList, Version{Document: doc, VersionID: v.VersionID,
				IsDefaultVersion: v.IsDefaultVersion, CreateDate: date(v.CreateDate)})
		}
		d.Policies = append(d.Policies, x)
	}
	return nil
}

// sort orders every list by ARN so that the output does not depend on
// the order AWS pages them in.
func (d *Details) sort() {
	sort.SliceStable(d.UserDetailList, func(i, j int) bool { return d.UserDetailList[i].Arn < d.UserDetailList[j].Arn })
	sort.SliceStable(d.GroupDetailList, func(i, j int) bool { return d.GroupDetailList[i].Arn < d.GroupDetailList[j].Arn })
	sort.SliceStable(d.RoleDetailList, func(i, j int) bool { return d.RoleDetailList[i].Arn < d.RoleDetailList[j].Arn })
	sort.SliceStable(d.Policies, func(i, j int) bool { return d.Policies[i].Arn < d.Policies[j].Arn })
	if d.UserDetailList == nil {
		d.UserDetailList = []User{}
	}
	if d.GroupDetailList == nil {
		d.GroupDetailList = []Group{}
	}
	if d.RoleDetailList == nil {
		d.RoleDetailList = []Role{}
	}
	if d.Policies == nil {
		d.Policies = []Policy{}
	}
}

// DecodeDocument decodes a policy document as IAM returns it: URL-encoded
// JSON (RFC 3986: "+" is a plus sign, not a space). A document that is
// already JSON is kept as it is.
func DecodeDocument(s string) (json.RawMessage, error) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "{") {
		dec, err := url.PathUnescape(s)
		if err != nil {
			return nil, fmt.Errorf("the policy document is not URL-encoded JSON: %w", err)
		}
		t = strings.TrimSpace(dec)
	}
	if !json.Valid([]byte(t)) {
		return nil, fmt.Errorf("the policy document is not valid JSON after URL decoding: %.80q", t)
	}
	return json.RawMessage(t), nil
}

func inline(list []xmlInline, owner string) ([]InlinePolicy, error) {
	out := []InlinePolicy{}
	for _, p := range list {
		doc, err := DecodeDocument(p.PolicyDocument)
		if err != nil {
			return nil, fmt.Errorf("%s inline policy %s: %w", owner, p.PolicyName, err)
		}
		out = append(out, InlinePolicy{PolicyName: p.PolicyName, PolicyDocument: doc})
	}
	return out, nil
}

func attached(list []xmlAttached) []Attached {
	out := []Attached{}
	for _, a := range list {
		out = append(out, Attached(a))
	}
	return out
}

func boundary(b *xmlBoundary) *Boundary {
	if b == nil {
		return nil
	}
	return &Boundary{PermissionsBoundaryType: b.PermissionsBoundaryType, PermissionsBoundaryArn: b.PermissionsBoundaryArn}
}

func tags(list []xmlTag) []Tag {
	var out []Tag
	for _, t := range list {
		out = append(out, Tag(t))
	}
	return out
}

// date writes an IAM timestamp (ISO 8601) in UTC without fractions, as
// the SDK's time.Time formatted with RFC 3339 did; one that does not
// parse is kept as it is.
func date(s string) string {
	if s == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.UTC().Format(time.RFC3339)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
