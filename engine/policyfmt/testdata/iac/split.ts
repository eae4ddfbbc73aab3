// IAM managed policies written by policy-sentry (write-policy --fmt cdk), for aws-cdk-lib v2.
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The statements of the policy 'policy-1'. */
export function policy1Statements(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'S3ReadObject',
      effect: iam.Effect.ALLOW,
      actions: [
        's3:GetObject',
      ],
      resources: [
        'arn:aws:s3:::a/*',
      ],
    }),
  ];
}

/** The statements of the policy 'policy-2'. */
export function policy2Statements(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'S3ReadObject',
      effect: iam.Effect.ALLOW,
      actions: [
        's3:GetObjectVersion',
      ],
      resources: [
        'arn:aws:s3:::a/*',
      ],
    }),
    new iam.PolicyStatement({
      sid: 'SqsWrite',
      effect: iam.Effect.ALLOW,
      actions: [
        'sqs:SendMessage',
      ],
      resources: [
        'arn:aws:sqs:us-east-1:123456789012:q',
      ],
    }),
  ];
}

/** Adds the managed policies to scope: policy-1, policy-2. */
export function addManagedPolicies(scope: Construct): iam.ManagedPolicy[] {
  return [
    new iam.ManagedPolicy(scope, 'Policy1', { statements: policy1Statements() }),
    new iam.ManagedPolicy(scope, 'Policy2', { statements: policy2Statements() }),
  ];
}
