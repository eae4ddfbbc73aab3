# IAM policies written by policy-sentry (write-policy --fmt terraform-hcl).

resource "aws_iam_policy" "policy" {
  name_prefix = "policy-"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid = "Ampersand"
        Effect = "Allow"
        Action = [
          "s3:GetObject",
        ]
        Resource = [
          "arn:aws:s3:::odd/&{not-a-variable}/$${aws:username}",
        ]
        Condition = {
          StringEquals = {
            "aws:PrincipalTag/a" = "b"
          }
        }
      },
    ]
  })
}
