// IAM managed policies written by policy-sentry (write-policy --fmt cdk), for aws-cdk-lib v2.
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The statements of the policy 'policy'. */
export function policyStatements(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'S3ReadObject',
      effect: iam.Effect.ALLOW,
      actions: [
        's3:GetObject',
        's3:GetObjectAcl',
        's3:GetObjectVersion',
      ],
      resources: [
        'arn:aws:s3:::example-org-sbx-vmimport/stuff',
      ],
    }),
    new iam.PolicyStatement({
      sid: 'KmsWriteKey',
      effect: iam.Effect.ALLOW,
      actions: [
        'kms:CancelKeyDeletion',
        'kms:CreateAlias',
        'kms:Decrypt',
        'kms:DisableKey',
      ],
      resources: [
        'arn:aws:kms:us-east-1:123456789012:key/123456',
      ],
    }),
  ];
}

/** Adds the managed policies to scope: policy. */
export function addManagedPolicies(scope: Construct): iam.ManagedPolicy[] {
  return [
    new iam.ManagedPolicy(scope, 'Policy', { statements: policyStatements() }),
  ];
}
