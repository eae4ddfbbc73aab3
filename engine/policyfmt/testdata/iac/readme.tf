# IAM policies written by policy-sentry (write-policy --fmt terraform-hcl).

data "aws_iam_policy_document" "policy" {
  version = "2012-10-17"

  statement {
    sid       = "S3ReadObject"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectVersion"]
    resources = ["arn:aws:s3:::example-org-sbx-vmimport/stuff"]
  }

  statement {
    sid       = "KmsWriteKey"
    effect    = "Allow"
    actions   = [
      "kms:CancelKeyDeletion",
      "kms:CreateAlias",
      "kms:Decrypt",
      "kms:DisableKey",
    ]
    resources = ["arn:aws:kms:us-east-1:123456789012:key/123456"]
  }
}

resource "aws_iam_policy" "policy" {
  name_prefix = "policy-"
  policy      = data.aws_iam_policy_document.policy.json
}
