package template

// Skeleton returns the template that create-template writes for a mode:
// every section of Policy Sentry 0.16's template, empty, with comments,
// and a commented condition block.
func Skeleton(mode Mode) []byte {
	if mode == ModeActions {
		return []byte(`mode: actions
name: ''
# List the IAM actions to grant, as service:ActionName.
actions:
- ''
# Conditions (optional), in an IAM policy's Condition shape: each key is
# attached to the statements whose actions all support it. Shortcuts:
# passed-to-service, org-id, principal-org-id, vpc-endpoint, source-vpc,
# source-ip, requested-region, resource-tags, request-tags, mfa,
# mfa-max-age, secure-transport. Remove the # to use it.
#condition:
#  StringEquals:
#    aws:ResourceTag/team: payments
#  source-ip: [203.0.113.0/24]
#  mfa: true
`)
	}
	return []byte(`mode: crud
name: ''
# Resource ARNs, one list per access level.
read:
- ''
write:
- ''
list:
- ''
tagging:
- ''
permissions-management:
- ''
# Actions that need no resource constraint: they are granted on "*".
skip-resource-constraints:
- ''
# Actions to leave out of the policy; wildcards such as kms:Delete* work.
exclude-actions:
- ''
# Actions that AWS only allows on "*".
wildcard-only:
  # Single actions, as service:ActionName.
  single-actions:
  - ''
  # Whole services (like s3 or ec2): every wildcard-only action at that level.
  service-read:
  - ''
  service-write:
  - ''
  service-list:
  - ''
  service-tagging:
  - ''
  service-permissions-management:
  - ''
# Roles this policy may assume, by their ARNs.
sts:
  assume-role:
  - ''
  assume-role-with-saml:
  - ''
  assume-role-with-web-identity:
  - ''
# Conditions (optional), in an IAM policy's Condition shape: each key is
# attached to the statements whose actions all support it. Shortcuts:
# passed-to-service, org-id, principal-org-id, vpc-endpoint, source-vpc,
# source-ip, requested-region, resource-tags, request-tags, mfa,
# mfa-max-age, secure-transport.
# A section's own block applies to its statements only: read-condition,
# write-condition, list-condition, tagging-condition,
# permissions-management-condition, wildcard-only-condition,
# skip-resource-constraints-condition, sts-condition. Remove the # to use it.
#condition:
#  StringEquals:
#    aws:ResourceTag/team: payments
#  source-ip: [203.0.113.0/24]
#  mfa: true
`)
}
