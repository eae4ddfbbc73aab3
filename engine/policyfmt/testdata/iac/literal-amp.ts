// IAM managed policies written by policy-sentry (write-policy --fmt cdk), for aws-cdk-lib v2.
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The statements of the policy 'policy'. */
export function policyStatements(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'Ampersand',
      effect: iam.Effect.ALLOW,
      actions: [
        's3:GetObject',
      ],
      resources: [
        'arn:aws:s3:::odd/&{not-a-variable}/${aws:username}',
      ],
      conditions: {
        StringEquals: {
          'aws:PrincipalTag/a': 'b',
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
