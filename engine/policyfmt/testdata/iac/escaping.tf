# IAM policies written by policy-sentry (write-policy --fmt terraform-hcl).

data "aws_iam_policy_document" "policy" {
  version = "2012-10-17"

  statement {
    sid       = "Variables"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = [
      "arn:aws:s3:::home/&{aws:username}/*",
      "arn:aws:s3:::literal/&{*}/&{?}/&{$}",
      "arn:aws:s3:::percent/%%{x}/100%",
      "arn:aws:s3:::dollar/$&{already}/$$/$",
      "arn:aws:s3:::quotes/\"double\"/'single'/back\\slash",
      "arn:aws:s3:::unicode/é/中文/🚀",
      "arn:aws:s3:::html/<a>&b",
    ]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [
        "yes",
        "no",
        "on",
        "0777",
        "2026-01-01",
        "null",
        "~",
        "#x",
        "x: y",
        "-",
        "*",
        " lead",
        "tail ",
        "",
        "1e3",
        "true",
      ]
    }

    condition {
      test     = "StringLike"
      variable = "aws:PrincipalTag/note"
      values   = ["line one\nline two\ttab"]
    }

    condition {
      test     = "StringLike"
      variable = "aws:ResourceTag/$${aws:PrincipalTag/team}"
      values   = ["&{aws:PrincipalTag/team}"]
    }
  }
}

resource "aws_iam_policy" "policy" {
  name_prefix = "policy-"
  policy      = data.aws_iam_policy_document.policy.json
}
