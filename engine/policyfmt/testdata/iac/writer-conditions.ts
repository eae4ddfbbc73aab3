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
        's3:GetObjectAnnotation',
        's3:GetObjectAttributes',
        's3:GetObjectLegalHold',
        's3:GetObjectRetention',
        's3:GetObjectTagging',
        's3:GetObjectTorrent',
        's3:GetObjectVersion',
        's3:GetObjectVersionAcl',
        's3:GetObjectVersionAnnotation',
        's3:GetObjectVersionAnnotationForReplication',
        's3:GetObjectVersionAttributes',
        's3:GetObjectVersionForReplication',
        's3:GetObjectVersionTagging',
        's3:GetObjectVersionTorrent',
      ],
      resources: [
        'arn:aws:s3:::example-bucket/*',
      ],
      conditions: {
        IpAddress: {
          'aws:SourceIp': '203.0.113.0/24',
        },
        StringEquals: {
          'aws:ResourceTag/team': 'payments',
        },
      },
    }),
    new iam.PolicyStatement({
      sid: 'IamPermissionsmanagementRole',
      effect: iam.Effect.ALLOW,
      actions: [
        'iam:PassRole',
      ],
      resources: [
        'arn:aws:iam::123456789012:role/app-*',
      ],
      conditions: {
        IpAddress: {
          'aws:SourceIp': '203.0.113.0/24',
        },
        StringEquals: {
          'aws:ResourceTag/team': 'payments',
          'iam:PassedToService': 'ec2.amazonaws.com',
        },
      },
    }),
    new iam.PolicyStatement({
      sid: 'IamPermissionsmanagementRole2',
      effect: iam.Effect.ALLOW,
      actions: [
        'iam:AttachRolePolicy',
        'iam:CreateRole',
        'iam:CreateServiceLinkedRole',
        'iam:DeleteRole',
        'iam:DeleteRolePermissionsBoundary',
        'iam:DeleteRolePolicy',
        'iam:DeleteServiceLinkedRole',
        'iam:DetachRolePolicy',
        'iam:PutRolePermissionsBoundary',
        'iam:PutRolePolicy',
        'iam:UpdateAssumeRolePolicy',
        'iam:UpdateRole',
        'iam:UpdateRoleDescription',
      ],
      resources: [
        'arn:aws:iam::123456789012:role/app-*',
      ],
      conditions: {
        IpAddress: {
          'aws:SourceIp': '203.0.113.0/24',
        },
        StringEquals: {
          'aws:ResourceTag/team': 'payments',
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
