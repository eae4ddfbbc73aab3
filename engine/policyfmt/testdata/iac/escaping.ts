// IAM managed policies written by policy-sentry (write-policy --fmt cdk), for aws-cdk-lib v2.
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The statements of the policy 'policy'. */
export function policyStatements(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'Variables',
      effect: iam.Effect.ALLOW,
      actions: [
        's3:GetObject',
      ],
      resources: [
        'arn:aws:s3:::home/${aws:username}/*',
        'arn:aws:s3:::literal/${*}/${?}/${$}',
        'arn:aws:s3:::percent/%{x}/100%',
        'arn:aws:s3:::dollar/$${already}/$$/$',
        'arn:aws:s3:::quotes/"double"/\'single\'/back\\slash',
        'arn:aws:s3:::unicode/é/中文/🚀',
        'arn:aws:s3:::html/<a>&b',
      ],
      conditions: {
        StringLike: {
          's3:prefix': [
            'yes',
            'no',
            'on',
            '0777',
            '2026-01-01',
            'null',
            '~',
            '#x',
            'x: y',
            '-',
            '*',
            ' lead',
            'tail ',
            '',
            '1e3',
            'true',
          ],
          'aws:PrincipalTag/note': 'line one\nline two\ttab',
          'aws:ResourceTag/${aws:PrincipalTag/team}': '${aws:PrincipalTag/team}',
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
