// IAM managed policies written by policy-sentry (write-policy --fmt cdk), for aws-cdk-lib v2.
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The statements of the policy 'policy'. */
export function policyStatements(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'TaggedWrite',
      effect: iam.Effect.ALLOW,
      actions: [
        's3:PutObject',
        's3:DeleteObject',
      ],
      resources: [
        'arn:aws:s3:::example-bucket/*',
      ],
      conditions: {
        StringEquals: {
          'aws:ResourceTag/team': 'payments',
          'aws:RequestedRegion': [
            'us-east-1',
            'eu-west-1',
          ],
        },
        Bool: {
          'aws:MultiFactorAuthPresent': true,
        },
        NumericLessThan: {
          'aws:MultiFactorAuthAge': 3600,
        },
        'ForAnyValue:StringLike': {
          'aws:TagKeys': [
            'team',
            'cost-*',
          ],
        },
        IpAddress: {
          'aws:SourceIp': [
            '203.0.113.0/24',
            '2001:db8::/32',
          ],
        },
      },
    }),
    new iam.PolicyStatement({
      sid: 'PassRoleToLambda',
      effect: iam.Effect.ALLOW,
      actions: [
        'iam:PassRole',
      ],
      resources: [
        'arn:aws:iam::123456789012:role/lambda-*',
      ],
      conditions: {
        StringEquals: {
          'iam:PassedToService': 'lambda.amazonaws.com',
        },
      },
    }),
    new iam.PolicyStatement({
      sid: 'DenyOutsideOrg',
      effect: iam.Effect.DENY,
      notActions: [
        'iam:*',
        'sts:GetCallerIdentity',
      ],
      notResources: [
        'arn:aws:s3:::example-bucket',
        'arn:aws:s3:::example-bucket/*',
      ],
      conditions: {
        StringNotEquals: {
          'aws:ResourceOrgID': 'o-abc123def4',
        },
      },
    }),
  ];
}

/** Adds the managed policies to scope: policy. */
export function addManagedPolicies(scope: Construct): iam.ManagedPolicy[] {
  return [
    new iam.ManagedPolicy(scope, 'Policy', { statements: policyStatements() }),
  ];
}
