# IAM policies written by policy-sentry (write-policy --fmt terraform-hcl).

data "aws_iam_policy_document" "policy" {
  version = "2012-10-17"
  policy_id = "QueuePolicy"

  statement {
    sid       = "FromTopic"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = ["arn:aws:sqs:us-east-1:123456789012:queue"]

    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = ["arn:aws:sns:us-east-1:123456789012:topic"]
    }
  }

  statement {
    sid       = "Accounts"
    effect    = "Allow"
    actions   = ["sqs:ReceiveMessage"]
    resources = ["arn:aws:sqs:us-east-1:123456789012:queue"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root", "444455556666"]
    }
  }

  statement {
    sid       = "DenyInsecure"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = ["arn:aws:sqs:us-east-1:123456789012:queue"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_iam_policy" "policy" {
  name_prefix = "policy-"
  policy      = data.aws_iam_policy_document.policy.json
}
