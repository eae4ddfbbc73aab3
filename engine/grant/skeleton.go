package grant

// Skeleton returns the commented template create-template writes for a
// grant mode: every key, with an example value, ready to edit.
func Skeleton(mode Mode) []byte {
	if mode == ModeTrust {
		return []byte(`mode: trust
name: ''
# Who may assume the role: one entry per kind of principal. Remove the
# entries you do not need.
grants:
# AWS accounts and IAM roles or users (sts:AssumeRole).
- accounts:
  - '111122223333'
  arns:
  - arn:aws:iam::111122223333:role/deployer
  # Optional: an sts:ExternalId the caller must pass (third parties).
  external-id: example-external-id
  # Optional: the caller must have signed in with MFA.
  require-mfa: true
  # Optional: also allow sts:TagSession and sts:SetSourceIdentity.
  tag-session: false
  set-source-identity: false
# AWS services (sts:AssumeRole); source-account and source-arn limit
# the role to the service acting for that account or resource.
- services:
  - lambda.amazonaws.com
  source-account: '111122223333'
# GitHub Actions workflows (sts:AssumeRoleWithWebIdentity through the
# token.actions.githubusercontent.com OIDC provider of the account).
- github:
    account: '111122223333'
    repositories:
    - octo-org/octo-repo
    branches:
    - main
    environments: []
    tags: []
    pull-requests: false
# Any OIDC provider, e.g. an EKS cluster's (IAM roles for service
# accounts): the aud and sub claims accepted.
- oidc:
    provider: arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE
    audiences:
    - sts.amazonaws.com
    subjects:
    - system:serviceaccount:default:example
# A SAML identity provider (sts:AssumeRoleWithSAML; SAML:aud defaults to
# https://signin.aws.amazon.com/saml).
- saml:
    provider: arn:aws:iam::111122223333:saml-provider/ExampleIdP
`)
	}
	return []byte(`mode: resource
name: ''
# The resource the policy attaches to: AWS::S3::Bucket, AWS::KMS::Key,
# AWS::SQS::Queue, AWS::SNS::Topic, AWS::Lambda::Function,
# AWS::SecretsManager::Secret or AWS::ECR::Repository (or s3, kms, sqs,
# sns, lambda, secretsmanager, ecr).
resource-type: AWS::S3::Bucket
# Its ARNs. For a bucket, name the bucket: object actions get bucket/*.
# KMS keys and secrets may leave this out ("*" is the resource itself);
# ECR repository policies name no resource.
resources:
- arn:aws:s3:::example-bucket
# Deny every request that does not use TLS (aws:SecureTransport).
deny-insecure-transport: true
# Who may do what: principals, then access levels (read, write, list,
# tagging, permissions-management) and/or actions of the resource's
# service. Only actions that act on the resource are written.
grants:
- accounts:
  - '111122223333'
  arns:
  - arn:aws:iam::111122223333:role/reader
  # Optional: the principals must belong to this organization
  # (aws:PrincipalOrgID); alone, it grants every principal of it.
  # organization: o-exampleorgid
  access:
  - read
  - list
# Service principals need source-account, source-arn or
# source-organization (confused deputy protection).
- services:
  - cloudtrail.amazonaws.com
  source-account: '111122223333'
  actions:
  - s3:PutObject
`)
}
