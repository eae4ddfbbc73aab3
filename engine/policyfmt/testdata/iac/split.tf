# IAM policies written by policy-sentry (write-policy --fmt terraform-hcl).

data "aws_iam_policy_document" "policy_1" {
  version = "2012-10-17"

  statement {
    sid       = "S3ReadObject"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::a/*"]
  }
}

resource "aws_iam_policy" "policy_1" {
  name_prefix = "policy-1-"
  policy      = data.aws_iam_policy_document.policy_1.json
}

data "aws_iam_policy_document" "policy_2" {
  version = "2012-10-17"

  statement {
    sid       = "S3ReadObject"
    effect    = "Allow"
    actions   = ["s3:GetObjectVersion"]
    resources = ["arn:aws:s3:::a/*"]
  }

  statement {
    sid       = "SqsWrite"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = ["arn:aws:sqs:us-east-1:123456789012:q"]
  }
}

resource "aws_iam_policy" "policy_2" {
  name_prefix = "policy-2-"
  policy      = data.aws_iam_policy_document.policy_2.json
}
