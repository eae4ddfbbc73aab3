// IAM managed policies written by policy-sentry (write-policy --fmt cdk), for aws-cdk-lib v2.
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The statements of the policy 'policy'. */
export function policyStatements(): iam.PolicyStatement[] {
  return [
    iam.PolicyStatement.fromJson({
      Sid: 'FromTopic',
      Effect: 'Allow',
      Principal: {
        Service: 'sns.amazonaws.com',
      },
      Action: 'sqs:SendMessage',
      Resource: 'arn:aws:sqs:us-east-1:123456789012:queue',
      Condition: {
        ArnEquals: {
          'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:topic',
        },
      },
    }),
    iam.PolicyStatement.fromJson({
      Sid: 'Accounts',
      Effect: 'Allow',
      Principal: {
        AWS: [
          'arn:aws:iam::111122223333:root',
          '444455556666',
        ],
      },
      Action: [
        'sqs:ReceiveMessage',
      ],
      Resource: 'arn:aws:sqs:us-east-1:123456789012:queue',
    }),
    iam.PolicyStatement.fromJson({
      Sid: 'DenyInsecure',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sqs:*',
      Resource: 'arn:aws:sqs:us-east-1:123456789012:queue',
      Condition: {
        Bool: {
          'aws:SecureTransport': 'false',
        },
      },
    }),
  ];
}
