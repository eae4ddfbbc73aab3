# IAM policies written by policy-sentry (write-policy --fmt terraform-hcl).

data "aws_iam_policy_document" "policy" {
  version = "2012-10-17"

  statement {
    sid       = "TaggedWrite"
    effect    = "Allow"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["arn:aws:s3:::example-bucket/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/team"
      values   = ["payments"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = ["us-east-1", "eu-west-1"]
    }

    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }

    condition {
      test     = "NumericLessThan"
      variable = "aws:MultiFactorAuthAge"
      values   = ["3600"]
    }

    condition {
      test     = "ForAnyValue:StringLike"
      variable = "aws:TagKeys"
      values   = ["team", "cost-*"]
    }

    condition {
      test     = "IpAddress"
      variable = "aws:SourceIp"
      values   = ["203.0.113.0/24", "2001:db8::/32"]
    }
  }

  statement {
    sid       = "PassRoleToLambda"
    effect    = "Allow"
    actions   = ["iam:PassRole"]
    resources = ["arn:aws:iam::123456789012:role/lambda-*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["lambda.amazonaws.com"]
    }
  }

  statement {
    sid           = "DenyOutsideOrg"
    effect        = "Deny"
    not_actions   = ["iam:*", "sts:GetCallerIdentity"]
    not_resources = [
      "arn:aws:s3:::example-bucket",
      "arn:aws:s3:::example-bucket/*",
    ]

    condition {
      test     = "StringNotEquals"
      variable = "aws:ResourceOrgID"
      values   = ["o-abc123def4"]
    }
  }
}

resource "aws_iam_policy" "policy" {
  name_prefix = "policy-"
  policy      = data.aws_iam_policy_document.policy.json
}
