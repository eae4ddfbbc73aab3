package iamdb

import "testing"

// FuzzDecode checks that corrupt dataset bytes give an error, never a panic.
func FuzzDecode(f *testing.F) {
	db := New(Manifest{Source: "test"}, []*Service{{Prefix: "s3", Name: "S3",
		Resources: []*Resource{{Name: "bucket", ARN: "arn:${Partition}:s3:::${BucketName}"}},
		Actions:   []*Action{{Name: "ListBucket", AccessLevel: List, Resources: []ActionResource{{Name: "bucket", Required: true}}}}}})
	b, err := Encode(db)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("PSDB\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		db, err := Decode(data)
		if err == nil && db == nil {
			t.Fatal("nil DB without error")
		}
	})
}
