package arn

import "testing"

func TestServiceWide(t *testing.T) {
	for _, c := range []struct {
		res, service string
		want         bool
	}{
		{"arn:aws:s3:::*", "s3", true},
		{"arn:aws:iam::*:*", "iam", true},
		{"arn:aws-cn:ec2:*:*:*", "ec2", true},
		{"arn:*:s3:::*", "S3", true},
		{"arn:aws:s3:::my-bucket", "s3", false},
		{"arn:aws:s3:::*/*", "s3", false},
		{"arn:aws:iam::123456789012:*", "iam", false},
		{"arn:aws:ec2:us-east-1:*:*", "ec2", false},
		{"arn:aws:s3:::*", "iam", false},
		{"*", "s3", false},
		{"arn:aws:s3::*", "s3", false},
	} {
		if got := ServiceWide(c.res, c.service); got != c.want {
			t.Errorf("ServiceWide(%q, %q) = %v, want %v", c.res, c.service, got, c.want)
		}
	}
}
