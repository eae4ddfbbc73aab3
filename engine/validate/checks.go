package validate

import (
	"strings"
	"sync"

	"github.com/leastpriv/policysentry/engine/diag"
)

// Check is one validation check: its stable issue code, finding type and
// documentation. The table below is the one list of checks; README.md's
// table is generated from it (go test ./engine/validate -run README -update).
type Check struct {
	// Code is the issue code: Access Analyzer's where it has the same
	// check, Parliament's where only Parliament has it, else ours.
	Code string
	// Severity is the finding type.
	Severity diag.Severity
	// Origin names who defined the code: "Access Analyzer", "Parliament"
	// or "policy-sentry".
	Origin string
	// Title is a short name; Description one line on what is detected.
	Title, Description string
	// Link is the AWS documentation of the check or of the rule it checks.
	Link string
	// Rejects: IAM (or Organizations) refuses to store a policy with this
	// finding (MalformedPolicyDocument); other ERRORs are stored but do
	// not work as written.
	Rejects bool
}

// rejecting are the codes of findings that make AWS refuse the policy:
// malformed JSON and structure, Principal where the policy type has none,
// resources that are not ARNs, condition operators IAM does not know,
// characters outside IAM's set, and the SCP/RCP quota and syntax rules.
var rejecting = map[string]bool{
	"JSON_SYNTAX_ERROR": true, "DATA_TYPE_MISMATCH": true, "INVALID_POLICY_ELEMENT": true, "DUPLICATE_KEY": true,
	"INVALID_VERSION": true, "MISSING_STATEMENT": true, "MISSING_EFFECT": true, "INVALID_EFFECT": true,
	"MISSING_ACTION": true, "MISSING_RESOURCE": true, "MISSING_PRINCIPAL": true, "UNSUPPORTED_ELEMENT_COMBINATION": true,
	"UNSUPPORTED_SID": true, "UNIQUE_SIDS_REQUIRED": true, "UNSUPPORTED_CHARACTER": true,
	"INVALID_ARN_PREFIX": true, "INVALID_CONDITION_OPERATOR": true, "NULL_WITH_IF_EXISTS": true,
	"UNSUPPORTED_PRINCIPAL": true, "INVALID_PRINCIPAL_KEY": true, "SCP_SYNTAX_ERROR_PRINCIPAL": true,
	"ROLE_TRUST_POLICY_SYNTAX_ERROR_NOT_PRINCIPAL": true, "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE": true,
	"RCP_SYNTAX_ERROR_EFFECT": true, "RCP_SYNTAX_ERROR_PRINCIPAL": true, "RCP_SYNTAX_ERROR_ACTION_WILDCARD": true,
	"POLICY_SIZE_EXCEEDS_SCP_QUOTA": true, "POLICY_SIZE_EXCEEDS_RCP_QUOTA": true,
}

const (
	aa           = "Access Analyzer"
	parl         = "Parliament"
	ours         = "policy-sentry"
	aaPage       = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
	grammar      = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"
	sarRef       = "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html"
	resElem      = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"
	quotas       = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
	condOps      = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"
	rcpSyntax    = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html"
	versionEl    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html"
	customChecks = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-custom-policy-checks.html"
	mfaDoc       = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent"
)

// aaLink is the anchor of an Access Analyzer check on its reference page.
func aaLink(sev diag.Severity, code string) string {
	kind := map[diag.Severity]string{diag.Error: "error", diag.SecurityWarning: "security-warning",
		diag.Warning: "general-warning", diag.Suggestion: "suggestion"}[sev]
	return aaPage + "#access-analyzer-reference-policy-checks-" + kind + "-" + strings.ToLower(strings.ReplaceAll(code, "_", "-"))
}

// checkRow is one row of the checks table: a Check without Rejects
// (from rejecting); an empty link on an Access Analyzer check means its
// anchor on Access Analyzer's reference page (aaLink). The table is
// plain data: a call per row made validate's init 48 KB of WebAssembly
// in the Worker.
type checkRow struct {
	code                string
	sev                 diag.Severity
	origin, title, desc string
	link                string
}

const (
	sevE  = diag.Error
	sevSW = diag.SecurityWarning
	sevW  = diag.Warning
	sevS  = diag.Suggestion
)

// checkTable builds the table of every check, in README order, and its
// index by code, on first use: a program that links the package but does
// not validate (most CLI commands) does not build it at start-up.
var checkTable = sync.OnceValues(func() ([]Check, map[string]*Check) {
	out := make([]Check, len(checkRows))
	for i, r := range checkRows {
		out[i] = Check{Code: r.code, Severity: r.sev, Origin: r.origin, Title: r.title, Description: r.desc, Link: r.link, Rejects: rejecting[r.code]}
		if r.link == "" && r.origin == aa {
			out[i].Link = aaLink(r.sev, r.code)
		}
	}
	byCode := make(map[string]*Check, len(out))
	for i := range out {
		byCode[out[i].Code] = &out[i]
	}
	return out, byCode
})

// allChecks is the table of every check, in README order.
func allChecks() []Check {
	c, _ := checkTable()
	return c
}

// checkOf returns the check with the code, or nil.
func checkOf(code string) *Check {
	_, byCode := checkTable()
	return byCode[code]
}

// checkRows are the checks, grouped as the README lists them.
var checkRows = [...]checkRow{
	// JSON and structure
	{"JSON_SYNTAX_ERROR", sevE, aa, "JSON syntax error", "The policy is not well-formed JSON (the finding points at the first error).", ""},
	{"DATA_TYPE_MISMATCH", sevE, aa, "Data type mismatch", "An element has the wrong JSON type (e.g. Effect as an array, a number in Action).", ""},
	{"INVALID_POLICY_ELEMENT", sevE, aa, "Invalid policy element", "An element name IAM does not know (did-you-mean for misspelt or mis-cased names).", ""},
	{"DUPLICATE_KEY", sevE, ours, "Duplicate key", "The same JSON key twice in one object: IAM rejects it (one of them would be lost).", grammar},
	{"INVALID_VERSION", sevE, aa, "Invalid version", "Version is neither 2012-10-17 nor 2008-10-17.", ""},
	{"MISSING_VERSION", sevW, aa, "Missing version", "No Version element: policy variables are then literal text; add \"Version\": \"2012-10-17\".", ""},
	{"OLD_VERSION", sevW, parl, "Old version", "Version 2008-10-17 does not support policy variables; use 2012-10-17.", versionEl},
	{"MISSING_STATEMENT", sevE, aa, "Missing statement", "No Statement element, or an empty one.", ""},
	{"MISSING_EFFECT", sevE, aa, "Missing effect", "A statement without Effect.", ""},
	{"INVALID_EFFECT", sevE, aa, "Invalid effect", "Effect is not exactly Allow or Deny (case-sensitive).", ""},
	{"MISSING_ACTION", sevE, aa, "Missing action", "A statement with neither Action nor NotAction.", ""},
	{"MISSING_RESOURCE", sevE, aa, "Missing resource", "A statement with neither Resource nor NotResource (not in role trust policies).", ""},
	{"MISSING_PRINCIPAL", sevE, aa, "Missing principal", "A resource or role trust policy statement without Principal or NotPrincipal.", ""},
	{"UNSUPPORTED_ELEMENT_COMBINATION", sevE, aa, "Unsupported element combination", "Action with NotAction, Resource with NotResource, or Principal with NotPrincipal in one statement.", ""},
	{"UNSUPPORTED_SID", sevE, aa, "Unsupported Sid", "A Sid with characters other than A-Z, a-z and 0-9 in a policy type that allows only those (identity, trust, SCP, RCP).", ""},
	{"UNIQUE_SIDS_REQUIRED", sevE, aa, "Unique Sids required", "Two statements share a Sid in a resource policy, SCP or RCP.", ""},
	{"UNIQUE_SIDS_RECOMMENDED", sevW, aa, "Unique Sids recommended", "Two statements share a Sid in an identity or trust policy.", ""},
	{"EMPTY_SID_VALUE", sevS, aa, "Empty Sid value", "A Sid that is the empty string.", ""},
	{"UNSUPPORTED_CHARACTER", sevE, ours, "Unsupported character", "A character outside U+0009, U+000A, U+000D and U+0020-U+00FF, which IAM policies cannot hold.", grammar},
	// Actions
	{"INVALID_ACTION", sevE, aa, "Invalid action", "An action that does not exist, or a wildcard that matches no action (did-you-mean).", ""},
	{"INVALID_SERVICE_IN_ACTION", sevE, aa, "Invalid service in action", "The service prefix of an action is unknown (did-you-mean).", ""},
	{"WILDCARD_IN_SERVICE_NAME", sevS, aa, "Wildcard in service name", "A wildcard in the service prefix of an action (\"s*:Get*\"): name the services.", ""},
	{"UNSUPPORTED_ACTION_IN_POLICY", sevE, aa, "Unsupported action in policy", "A resource policy of a given resource type names an action of another service.", ""},
	// ARNs and resources
	{"INVALID_ARN_PREFIX", sevE, aa, "Invalid ARN prefix", "A resource that is neither \"*\" nor an ARN (arn:partition:service:region:account:resource).", ""},
	{"MISSING_ARN_FIELD", sevE, aa, "Missing ARN field", "An ARN with fewer than six colon-separated fields or an empty resource part.", ""},
	{"INVALID_PARTITION", sevE, aa, "Invalid partition", "The partition field is not an AWS partition (aws, aws-cn, aws-us-gov, ...).", ""},
	{"INVALID_ARN_SERVICE_CASE", sevE, aa, "Invalid ARN service case", "The service field of an ARN is not lower-case.", ""},
	{"INVALID_SERVICE", sevE, aa, "Invalid service", "The service field of an ARN is no service's (did-you-mean).", ""},
	{"INVALID_ARN_REGION", sevE, aa, "Invalid ARN region", "The region field is not a Region name (wildcards and variables allowed).", ""},
	{"MISSING_ARN_REGION", sevE, aa, "Missing ARN region", "The region field is empty but every resource type of the service has a region.", ""},
	{"ARN_REGION_NOT_ALLOWED", sevE, aa, "ARN Region not allowed", "The region field is set but no resource type of the service has one (e.g. S3 buckets, IAM).", ""},
	{"INVALID_ARN_ACCOUNT", sevE, aa, "Invalid ARN account", "The account field is not a 12-digit account ID (wildcards and variables allowed; \"aws\" for managed policies).", ""},
	{"ARN_ACCOUNT_NOT_ALLOWED", sevE, aa, "ARN account not allowed", "The account field is set but no resource type of the service has one (e.g. S3 buckets).", ""},
	{"INVALID_ARN_RESOURCE", sevE, aa, "Invalid ARN resource", "The resource part matches no resource type's ARN format of the service.", ""},
	{"UNSUPPORTED_RESOURCE_ARN_IN_POLICY", sevE, aa, "Unsupported resource ARN in policy", "A resource policy of a given resource type names an ARN of another service.", ""},
	{"RESOURCE_MISMATCH", sevW, parl, "Resource mismatch", "An action none of whose resource types can match any of the statement's resources (e.g. s3:GetObject on a bucket ARN): it is granted nothing.", sarRef},
	{"RESOURCE_EFFECTIVELY_STAR", sevW, parl, "Resource effectively star", "A resource whose every field is a wildcard (\"arn:*:*:*:*:*\"), or that names every resource of a type in every partition, Region and account (\"arn:*:cloudtrail:*:*:trail/*\"): write \"*\" or narrow it.", resElem},
	{"RESOURCE_STAR", sevW, parl, "Resource star", "An Allow statement grants actions that support resource-level permissions on Resource \"*\": name the resources.", resElem},
	{"RESOURCE_POLICY_PRIVILEGE_ESCALATION", sevW, parl, "Resource policy privilege escalation", "An identity policy allows s3:PutBucketPolicy or s3:PutBucketAcl on a bucket but not s3:GetObject, s3:PutObject or s3:DeleteObject on its objects (nor denies them), or s3:PutLifecycleConfiguration but not s3:DeleteObject: the principal can write itself the missing access.", "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html"},
	// Conditions
	{"INVALID_CONDITION_OPERATOR", sevE, aa, "Invalid condition operator", "A condition operator IAM does not know (did-you-mean; names are case-sensitive).", ""},
	{"NULL_WITH_IF_EXISTS", sevE, aa, "Null with if exists", "The Null operator with the IfExists suffix.", ""},
	{"NULL_WITH_QUALIFIER", sevS, aa, "Null with qualifier", "ForAllValues or ForAnyValue before Null, which checks presence of the key.", ""},
	{"INVALID_CONDITION_KEY_FORMAT", sevE, aa, "Invalid condition key format", "A condition key that is not service:name.", ""},
	{"INVALID_GLOBAL_CONDITION_KEY", sevE, aa, "Invalid global condition key", "An aws: key that is not a global condition key (did-you-mean).", ""},
	{"DEPRECATED_GLOBAL_CONDITION_KEY", sevW, aa, "Deprecated global condition key", "A global condition key AWS replaced (aws:SourceOwner: use aws:SourceAccount).", ""},
	{"UNSUPPORTED_GLOBAL_CONDITION_KEY", sevE, aa, "Unsupported global condition key", "aws:ARN, which is not supported; use aws:SourceArn.", ""},
	{"INVALID_SERVICE_CONDITION_KEY", sevE, aa, "Invalid service condition key", "A service condition key its service does not define, or of an unknown service (did-you-mean).", ""},
	{"MISSING_TAG_KEY_IN_CONDITION", sevE, aa, "Missing tag key in condition", "A tag condition key (aws:ResourceTag/, ...) without the tag key after the slash.", ""},
	{"UNSUPPORTED_ACTION_FOR_CONDITION_KEY", sevE, aa, "Unsupported action for condition key", "A service condition key that none of the statement's actions of that service supports, so the condition never matches; or a key of a service the statement has no action of, which none of its actions supports (keys no action lists, such as ec2:SourceInstanceARN, are context keys of every service and not reported).", ""},
	{"DUPLICATE_KEYS_WITH_DIFFERENT_CASE", sevE, aa, "Duplicate keys with different case", "The same condition key twice under one operator, in different case (keys are case-insensitive).", ""},
	{"INVALID_CONDITION_DATA_TYPE", sevE, aa, "Invalid condition data type", "A condition value that is not a string, number, boolean or array of them; or an operator block that is not an object.", ""},
	{"INVALID_CONDITION_MULTIPLE_BOOLEAN", sevE, aa, "Invalid condition multiple Boolean", "A Bool condition with both true and false.", ""},
	{"MISSING_QUALIFIER", sevE, aa, "Missing qualifier", "A multivalued condition key (ArrayOf...) without ForAllValues or ForAnyValue.", ""},
	{"FORALLVALUES_WITH_SINGLE_VALUED_KEY", sevSW, aa, "ForAllValues with single valued key", "ForAllValues on a single-valued key: true when the key is absent, so it grants more than intended.", ""},
	{"DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", sevSW, aa, "Deny with unsupported tag condition key for service", "A Deny tests aws:ResourceTag, aws:RequestTag or aws:TagKeys on actions that do not support the key: their requests lack it, the condition is false, and the Deny does not deny them.", ""},
	{"DENY_NOT_ACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", sevSW, aa, "Deny NotAction with unsupported tag condition key for service", "A Deny with NotAction tests a tag condition key: the actions it covers that do not support the key are not denied.", aaPage + "#access-analyzer-reference-policy-checks-security-warning-deny-notaction-with-unsupported-tag-condition-key-for-service"},
	{"ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", sevS, aa, "Allow with unsupported tag condition key for service", "An Allow tests aws:ResourceTag, aws:RequestTag or aws:TagKeys on actions that do not support the key: the condition is false for them, so they are not allowed.", ""},
	{"ALLOW_NOT_ACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", sevS, aa, "Allow NotAction with unsupported tag condition key for service", "An Allow with NotAction tests a tag condition key: only the actions that support the key are allowed.", aaPage + "#access-analyzer-reference-policy-checks-suggestion-allow-notaction-with-unsupported-tag-condition-key-for-service"},
	{"MISSING_PAIRED_CONDITION_KEYS", sevSW, aa, "Missing paired condition keys", "aws:VpcSourceIp without aws:SourceVpc in the same Condition: the same private address exists in other VPCs.", ""},
	{"IRRELEVANT_CONDITION_KEY_IN_POLICY", sevS, aa, "Irrelevant condition key in policy", "A condition key that describes nothing in a resource policy of the type (s3:ResourceAccount in an S3 bucket or access point policy).", ""},
	{"INVALID_DATE_VALUE", sevW, aa, "Invalid date value", "A Date condition value written as Unix epoch time: write the W3C form (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ); the finding suggests it.", ""},
	{"TYPE_MISMATCH", sevW, aa, "Type mismatch", "The operator's type does not fit the condition key's type (e.g. NumericEquals on a String key).", ""},
	{"TYPE_MISMATCH_BOOLEAN", sevW, aa, "Type mismatch Boolean", "A Bool or Null condition value that is not true or false.", ""},
	{"TYPE_MISMATCH_DATE", sevW, aa, "Type mismatch date", "A Date condition value that is not an ISO 8601 date or epoch seconds.", ""},
	{"TYPE_MISMATCH_IP_RANGE", sevW, aa, "Type mismatch IP range", "An IpAddress condition value that is not an IP address or CIDR range.", ""},
	{"TYPE_MISMATCH_NUMBER", sevW, aa, "Type mismatch number", "A Numeric condition value that is not a number.", ""},
	{"TYPE_MISMATCH_STRING", sevW, aa, "Type mismatch string", "A Binary condition value that is not base64.", ""},
	{"WILDCARD_WITHOUT_LIKE_OPERATOR", sevW, aa, "Wildcard without like operator", "A value with * or ? under an operator that compares literally (StringEquals, ...): use StringLike.", ""},
	{"INVALID_REGION", sevE, aa, "Invalid Region", "An aws:RequestedRegion value that is not a Region name.", ""},
	{"INVALID_VPC_FORMAT", sevE, aa, "Invalid VPC format", "An aws:SourceVpc value that is not vpc-<hex>.", ""},
	{"INVALID_VPCE_FORMAT", sevE, aa, "Invalid VPCE format", "An aws:SourceVpce value that is not vpce-<hex>.", ""},
	{"PRIVATE_IP_ADDRESS", sevE, aa, "Private IP address", "aws:SourceIp IpAddress with only private ranges: aws:SourceIp is the public address, so this never matches.", ""},
	{"PRIVATE_NOT_IP_ADDRESS", sevE, aa, "Private NotIpAddress", "aws:SourceIp NotIpAddress with only private ranges: it always matches.", ""},
	{"PRIVATE_IP_ADDRESS_SUBSET", sevS, aa, "Private IP address subset", "aws:SourceIp IpAddress with some private ranges, which never match.", ""},
	{"PRIVATE_NOT_IP_ADDRESS_SUBSET", sevS, aa, "Private NotIpAddress subset", "aws:SourceIp NotIpAddress with some private ranges, which have no effect.", ""},
	{"IMPROVE_IP_RANGE", sevS, aa, "Improve IP range", "A CIDR range with host bits set (10.0.0.1/24): write the network address.", ""},
	{"REDUNDANT_CONDITION_VALUE_NUM", sevS, aa, "Redundant condition value num", "Several values under an ordering Numeric or Date operator: only the least or greatest one matters.", ""},
	{"EMPTY_ARRAY_CONDITION", sevS, aa, "Empty array condition", "A condition key with an empty array of values.", ""},
	{"EMPTY_ARRAY_CONDITION_IFEXISTS", sevS, aa, "Empty array condition IfExists", "An IfExists condition key with an empty array of values.", ""},
	{"EMPTY_ARRAY_CONDITION_FORALLVALUES", sevS, aa, "Empty array condition ForAllValues", "A ForAllValues condition key with an empty array of values.", ""},
	{"EMPTY_ARRAY_CONDITION_FORANYVALUE", sevS, aa, "Empty array condition ForAnyValue", "A ForAnyValue condition key with an empty array of values.", ""},
	{"EMPTY_OBJECT_CONDITION", sevS, aa, "Empty object condition", "An empty Condition element or operator block.", ""},
	{"BAD_PATTERN_FOR_MFA", sevW, parl, "Bad pattern for MFA", "aws:MultiFactorAuthPresent tested with Bool false (the key is absent for long-term credentials): use BoolIfExists false or Null true.", mfaDoc},
	// Policy variables
	{"MISSING_BRACE_IN_VARIABLE", sevE, aa, "Missing brace in variable", "${ without its closing brace.", ""},
	{"MISSING_QUOTE_IN_VARIABLE", sevE, aa, "Missing quote in variable", "A variable default value without single quotes (${aws:username, 'default'}).", ""},
	{"UNSUPPORTED_SPACE_IN_VARIABLE", sevE, aa, "Unsupported space in variable", "A space inside a variable name.", ""},
	{"EMPTY_VARIABLE", sevE, aa, "Empty variable", "${} with no key.", ""},
	{"VARIABLE_UNSUPPORTED_IN_ELEMENT", sevE, aa, "Variable unsupported in element", "A policy variable outside Resource, NotResource and Condition values.", ""},
	{"VARIABLE_UNSUPPORTED_IN_VERSION", sevE, aa, "Variable unsupported in version", "A policy variable in a policy without Version 2012-10-17, where it is literal text.", ""},
	{"INVALID_VARIABLE_FOR_OPERATOR", sevE, aa, "Invalid variable for operator", "A policy variable under an operator other than String and ARN ones.", ""},
	{"UNKNOWN_VARIABLE_KEY", sevW, ours, "Unknown variable key", "A policy variable naming no global or service condition key: it never resolves, so nothing matches (did-you-mean); names without a service prefix, such as an ARN format's ${Partition} and ${KeyId} left to fill in, are reported together, once per value.", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"},
	// Principals
	{"UNSUPPORTED_PRINCIPAL", sevE, aa, "Unsupported principal", "Principal or NotPrincipal in an identity policy.", ""},
	{"INVALID_PRINCIPAL_KEY", sevE, aa, "Invalid principal key", "A principal type other than AWS, Service, Federated and CanonicalUser.", ""},
	{"INVALID_PRINCIPAL_FORMAT", sevE, aa, "Invalid principal format", "A principal value of the wrong shape (not \"*\", an account ID or an ARN for AWS).", ""},
	{"UNSUPPORTED_WILDCARD_IN_PRINCIPAL", sevE, aa, "Unsupported wildcard in principal", "A wildcard inside a principal value: only \"*\" on its own is allowed.", ""},
	{"INVALID_SERVICE_PRINCIPAL_FORMAT", sevE, aa, "Invalid service principal format", "A Service principal that is not a service's DNS name (service.amazonaws.com).", ""},
	{"INVALID_ROLE_REFERENCE", sevW, aa, "Invalid role reference", "A role unique ID (AROA...) as principal: the role was deleted; name the role's ARN.", ""},
	{"INVALID_USER_REFERENCE", sevW, aa, "Invalid user reference", "A user unique ID (AIDA...) as principal: the user was deleted; name the user's ARN.", ""},
	{"ALLOW_WITH_NOT_PRINCIPAL", sevSW, aa, "Allow with NotPrincipal", "Allow with NotPrincipal grants everyone else, anonymous users included.", ""},
	{"EMPTY_ARRAY_PRINCIPAL", sevS, aa, "Empty array principal", "A principal type with an empty array.", ""},
	{"EMPTY_OBJECT_PRINCIPAL", sevS, aa, "Empty object principal", "An empty Principal object.", ""},
	{"RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", sevSW, aa, "Restrict access to service principal", "A resource policy allows a service principal without aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or aws:SourceOrgPaths (confused deputy).", ""},
	{"FEDERATED_PRINCIPAL_NOT_SUPPORTED", sevE, aa, "Federated principal not supported", "A federated principal (SAML or OIDC provider, web identity domain) in a resource policy: only role trust policies take them.", ""},
	{"UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL", sevE, aa, "Unsupported condition key for service principal", "aws:PrincipalOrgID, aws:PrincipalOrgPaths or aws:PrincipalTag/... with only service principals, which have no account, organization or tags.", ""},
	{"REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY", sevS, aa, "Redundant principal in role trust policy", "An assumed-role session principal beside its own role in a trust policy's Principal.", ""},
	// Role trust policies
	{"ROLE_TRUST_POLICY_SYNTAX_ERROR_NOT_PRINCIPAL", sevE, aa, "Role trust policy syntax error notprincipal", "NotPrincipal in a role trust policy.", ""},
	{"ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", sevE, aa, "Role trust policy syntax error resource", "Resource or NotResource in a role trust policy.", ""},
	{"ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL", sevE, aa, "Role trust policy unsupported wildcard in principal", "A partial wildcard in a role trust policy principal.", ""},
	{"INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY", sevE, aa, "Invalid federated principal syntax in role trust policy", "A Federated principal that is neither a SAML or OIDC provider ARN nor a known web identity provider.", ""},
	{"MISMATCHED_ACTION_FOR_PRINCIPAL", sevE, aa, "Mismatched action for principal", "A trust policy action that does not fit its principal (AssumeRoleWithWebIdentity for OIDC, AssumeRoleWithSAML for SAML, AssumeRole for AWS and services).", ""},
	{"MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY", sevE, aa, "Missing action for roles anywhere trust policy", "rolesanywhere.amazonaws.com trusted without sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession.", ""},
	{"MISSING_ACTION_FOR_CONDITION_KEY", sevE, aa, "Missing action for condition key", "A role trust policy tests session tags (aws:RequestTag, aws:TagKeys, sts:TransitiveTagKeys) or sts:SourceIdentity without allowing sts:TagSession or sts:SetSourceIdentity, which set them.", ""},
	{"MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL", sevSW, aa, "Missing condition key for OIDC principal", "An OIDC provider trusted without a condition on its aud or sub claim: any identity of the provider can assume the role.", ""},
	{"MISSING_GITHUB_REPO_CONDITION_KEY", sevSW, aa, "Missing GitHub repo condition key", "GitHub Actions' OIDC provider trusted without token.actions.githubusercontent.com:sub: any repository can assume the role.", ""},
	{"SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED", sevW, aa, "Specific GitHub repo and branch recommended", "The GitHub sub condition allows any repository or branch by wildcard.", ""},
	{"CONFIRM_AUDIENCE_CLAIM_TYPE", sevS, aa, "Confirm audience claim type", "An OIDC provider's aud claim tested with ForAllValues or ForAnyValue: confirm the provider issues aud as a list; a single value takes no qualifier.", ""},
	// SCPs and RCPs
	{"SCP_SYNTAX_ERROR_PRINCIPAL", sevE, aa, "SCP syntax error principal", "Principal or NotPrincipal in a service control policy.", ""},
	{"RCP_SYNTAX_ERROR_EFFECT", sevE, ours, "RCP syntax error effect", "An Allow statement in a resource control policy (only AWS's RCPFullAWSAccess may allow).", rcpSyntax},
	{"RCP_SYNTAX_ERROR_PRINCIPAL", sevE, ours, "RCP syntax error principal", "An RCP statement whose Principal is not \"*\", or with NotPrincipal.", rcpSyntax},
	{"RCP_SYNTAX_ERROR_ACTION_WILDCARD", sevE, ours, "RCP syntax error action wildcard", "Action \"*\" alone in a customer RCP, which must name service actions.", rcpSyntax},
	{"RCP_UNSUPPORTED_SERVICE", sevE, ours, "RCP unsupported service", "An action of a service RCPs do not apply to (RCPs cover S3, STS, KMS, SQS, Secrets Manager, Cognito Identity, CloudWatch Logs, DynamoDB, ECR, OpenSearch Serverless).", rcpSyntax},
	// PassRole and service-linked roles
	{"PASS_ROLE_WITH_STAR_IN_RESOURCE", sevSW, aa, "Pass role with star in resource", "iam:PassRole allowed on Resource \"*\" without iam:PassedToService: any role can be passed.", ""},
	{"PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", sevSW, aa, "Pass role with star in action and resource", "A wildcard action covering iam:PassRole allowed on Resource \"*\".", ""},
	{"PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", sevSW, aa, "Pass role with star in resource and NotAction", "Allow NotAction (not excluding iam:PassRole) on Resource \"*\".", ""},
	{"PASS_ROLE_WITH_NOT_RESOURCE", sevSW, aa, "Pass role with NotResource", "iam:PassRole allowed with NotResource.", ""},
	{"PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", sevSW, aa, "Pass role with star in action and NotResource", "A wildcard action covering iam:PassRole allowed with NotResource.", ""},
	{"PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE", sevSW, aa, "Pass role with NotAction and NotResource", "Allow NotAction (not excluding iam:PassRole) with NotResource.", ""},
	{"CREATE_SLR_WITH_STAR_IN_RESOURCE", sevW, aa, "Create SLR with star in resource", "iam:CreateServiceLinkedRole allowed on Resource \"*\" without iam:AWSServiceName.", ""},
	{"CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE", sevW, aa, "Create SLR with star in action and resource", "A wildcard action covering iam:CreateServiceLinkedRole on Resource \"*\".", ""},
	{"CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", sevW, aa, "Create SLR with star in resource and NotAction", "Allow NotAction (not excluding iam:CreateServiceLinkedRole) on Resource \"*\".", ""},
	{"CREATE_SLR_WITH_NOT_RESOURCE", sevW, aa, "Create SLR with NotResource", "iam:CreateServiceLinkedRole allowed with NotResource.", ""},
	{"CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", sevW, aa, "Create SLR with star in action and NotResource", "A wildcard action covering iam:CreateServiceLinkedRole with NotResource.", ""},
	{"CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE", sevW, aa, "Create SLR with NotAction and NotResource", "Allow NotAction (not excluding iam:CreateServiceLinkedRole) with NotResource.", ""},
	// Redundancy, empty elements, size
	{"REDUNDANT_ACTION", sevS, aa, "Redundant action", "An action already covered by another action (or wildcard) of the statement.", ""},
	{"REDUNDANT_RESOURCE", sevS, aa, "Redundant resource", "A resource already covered by another resource (or wildcard) of the statement.", ""},
	{"REDUNDANT_STATEMENT", sevS, aa, "Redundant statement", "A statement equal to an earlier one apart from its Sid.", ""},
	{"EMPTY_ARRAY_ACTION", sevS, aa, "Empty array action", "Action or NotAction is an empty array.", ""},
	{"EMPTY_ARRAY_RESOURCE", sevS, aa, "Empty array resource", "Resource or NotResource is an empty array.", ""},
	{"POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", sevW, aa, "Policy size exceeds identity policy quota", "More than 6,144 characters (whitespace excluded), the managed policy quota.", ""},
	{"POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA", sevW, aa, "Policy size exceeds resource policy quota", "Larger than the resource type's policy quota (S3 20 KB, SQS 8 KB, SNS 30 KB, KMS 32 KB, ...).", ""},
	{"POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA", sevW, aa, "Policy size exceeds role trust policy quota", "More than 2,048 characters (whitespace excluded), the default trust policy quota (4,096 at most).", ""},
	{"POLICY_SIZE_EXCEEDS_SCP_QUOTA", sevE, aa, "Policy size exceeds SCP quota", "More than 5,120 characters, the SCP quota.", ""},
	{"POLICY_SIZE_EXCEEDS_RCP_QUOTA", sevE, ours, "Policy size exceeds RCP quota", "More than 5,120 characters, the RCP quota.", rcpSyntax},
	// Custom policy checks (only with --must-not-grant / --guardrail / --check-public)
	{"MUST_NOT_GRANT", sevSW, ours, "Must not grant", "A statement grants access a must-not-grant guardrail forbids (Access Analyzer's CheckAccessNotGranted, offline).", customChecks},
	{"PUBLIC_ACCESS", sevSW, ours, "Public access", "A resource or trust policy statement any principal can use, without a condition that restricts callers (Access Analyzer's CheckNoPublicAccess, offline).", customChecks},
}

// Checks returns the table of checks in README order. The slice is
// shared: callers must not change it.
func Checks() []Check { return allChecks() }

// Lookup returns the check with the issue code, or nil.
func Lookup(code string) *Check { return checkOf(code) }
