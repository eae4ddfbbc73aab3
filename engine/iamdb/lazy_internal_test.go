package iamdb

import (
	"strings"
	"testing"
)

// TestLazyCorrupt checks that a lazily decoded service whose bytes are
// not Encode's (impossible after a sha256 check, but never a panic) ends
// with no actions and the error in LazyErr.
func TestLazyCorrupt(t *testing.T) {
	s := &Service{Prefix: "s3", Name: "S3", Resources: []*Resource{{Name: "bucket", ARN: "arn:${Partition}:s3:::${BucketName}"}}}
	s.SetActions([]*Action{{Name: "ListBucket", AccessLevel: List, Resources: []ActionResource{{Name: "bucket", Required: true}}}})
	b, err := Encode(New(Manifest{Source: "test"}, []*Service{s}))
	if err != nil {
		t.Fatal(err)
	}
	// The last byte belongs to the action's dependent-actions count (0):
	// a count of 5 runs past the block.
	b[len(b)-1] = 5
	db, err := decodeArena(b, false, nil, true)
	if err != nil {
		t.Fatalf("the lazy load reads no action bytes, yet failed: %v", err)
	}
	if got := db.Service("s3").Actions(); len(got) != 0 {
		t.Errorf("corrupt actions decoded to %d actions", len(got))
	}
	if err := db.LazyErr(); err == nil || !strings.Contains(err.Error(), "actions of s3") {
		t.Errorf("LazyErr = %v", err)
	}
	if _, err := Decode(b); err == nil {
		t.Error("the full decode accepted the corrupt bytes")
	}
}
