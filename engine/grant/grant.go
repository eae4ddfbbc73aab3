// Package grant writes resource-based policies (a bucket, key, queue,
// topic, function, secret or repository policy) and role trust policies
// from a template: who may do what to one resource, or who may assume a
// role. Every written policy is checked with engine/validate as its
// policy type (a resource policy with its resource type, or a trust
// policy), so no written policy carries an ERROR.
package grant

import (
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/template"
)

// Mode is the kind of policy a grant template writes.
type Mode string

// The grant template modes.
const (
	// ModeResource writes a resource-based policy.
	ModeResource Mode = "resource"
	// ModeTrust writes a role trust policy.
	ModeTrust Mode = "trust"
)

// Modes are the grant template modes, in the order help texts list them.
var Modes = []Mode{ModeResource, ModeTrust}

// Entry is one string of the template with its position.
type Entry = template.Entry

// Template is a parsed grant template.
type Template struct {
	// File names the template in diagnostics ("" for stdin).
	File string
	// Mode is resource or trust.
	Mode Mode
	// Name is informational.
	Name string
	// ResourceType is the resource a resource policy attaches to (nil in
	// trust mode).
	ResourceType *ResourceType
	// Resources are the ARNs of the resource (resource mode).
	Resources []Entry
	// DenyInsecureTransport adds a statement denying requests without TLS
	// (resource mode).
	DenyInsecureTransport bool
	// Grants are the template's grants, in order; each becomes one or
	// more statements.
	Grants []Grant

	lines *diag.Lines
}

// Grant is one entry of grants: principals, and what they may do.
type Grant struct {
	// Pos is where the grant starts.
	Pos diag.Position
	// Sid is the statement id asked for ("" for Grant1, Grant2, ...).
	Sid Entry

	// Accounts are 12-digit AWS account IDs (principal ...:root).
	Accounts []Entry
	// ARNs are IAM principal ARNs: roles, users, account roots, STS
	// assumed-role sessions.
	ARNs []Entry
	// Services are AWS service principals (lambda.amazonaws.com).
	Services []Entry
	// Organization is an AWS Organizations ID (o-...): alone, every
	// principal of the organization; with accounts or ARNs, a condition
	// that they belong to it (aws:PrincipalOrgID).
	Organization Entry

	// SourceAccounts, SourceARNs and SourceOrganization restrict service
	// principals to requests made for those accounts, resources or
	// organization (aws:SourceAccount, aws:SourceArn, aws:SourceOrgID).
	SourceAccounts, SourceARNs []Entry
	SourceOrganization         Entry

	// Access are access levels (resource mode): read, write, list,
	// tagging, permissions-management.
	Access []Entry
	// Actions are service:Action names or wildcards (resource mode).
	Actions []Entry

	// ExternalIDs are accepted sts:ExternalId values (trust mode, for
	// accounts and ARNs).
	ExternalIDs []Entry
	// RequireMFA requires aws:MultiFactorAuthPresent (trust mode, for
	// accounts and ARNs).
	RequireMFA bool
	// TagSession and SetSourceIdentity add sts:TagSession and
	// sts:SetSourceIdentity (trust mode).
	TagSession, SetSourceIdentity bool
	// OIDC, GitHub and SAML are federated principals (trust mode).
	OIDC   *OIDC
	GitHub *GitHub
	SAML   *SAML

	// keys are the grant's keys, for positions of errors about one.
	keys map[string]diag.Position
}

// OIDC is an OpenID Connect provider trusted for
// sts:AssumeRoleWithWebIdentity.
type OIDC struct {
	// Provider is the IAM OIDC provider ARN
	// (arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH) or a built-in web
	// identity provider (cognito-identity.amazonaws.com, ...).
	Provider Entry
	// Audiences are the accepted aud claims; Subjects the accepted sub
	// claims (wildcards * and ? allowed).
	Audiences, Subjects []Entry
}

// GitHub is GitHub Actions' OIDC provider
// (token.actions.githubusercontent.com) trusted for workflows of the
// named repositories.
type GitHub struct {
	// Account is the AWS account holding the IAM OIDC provider.
	Account Entry
	// Repositories are OWNER/REPO names.
	Repositories []Entry
	// Branches, Environments and Tags are the refs and deployment
	// environments whose workflows may assume the role.
	Branches, Environments, Tags []Entry
	// PullRequests lets pull_request workflows assume the role.
	PullRequests bool
	// Subjects are further sub claims, written as they are.
	Subjects []Entry
	// Audiences default to sts.amazonaws.com.
	Audiences []Entry
}

// SAML is a SAML provider trusted for sts:AssumeRoleWithSAML.
type SAML struct {
	// Provider is the SAML provider ARN
	// (arn:aws:iam::ACCOUNT:saml-provider/NAME).
	Provider Entry
	// Audiences are the accepted SAML:aud values (the AWS sign-in
	// endpoint by default).
	Audiences []Entry
}
