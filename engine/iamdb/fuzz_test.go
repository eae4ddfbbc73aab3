package iamdb

import "testing"

// FuzzDecode checks that corrupt dataset bytes give an error, never a panic.
func FuzzDecode(f *testing.F) {
	db := New(Manifest{Source: "test"}, []*Service{{Prefix: "s3", Name: "S3",
		Resources: []*Resource{{Name: "bucket", ARN: "arn:${Partition}:s3:::${BucketName}"}},
		actions:   []*Action{{Name: "ListBucket", AccessLevel: List, Resources: []ActionResource{{Name: "bucket", Required: true}}}}}})
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
		// The lazy decoder (LoadVerified) trusts its input, yet must not
		// panic on bytes that are not Encode's: decoding each service's
		// actions on first use fails into LazyErr instead.
		lazy, err := decodeArena(data, false, nil, true)
		if err != nil {
			return
		}
		n := 0
		for _, s := range lazy.Services {
			n += len(s.Actions())
		}
		if lazy.LazyErr() == nil && n != lazy.Manifest.Counts.Actions {
			t.Fatalf("decoded %d actions lazily without error, counts say %d", n, lazy.Manifest.Counts.Actions)
		}
	})
}

// FuzzLoad checks that a damaged dataset file (format version 4's frames,
// or version 3's single zstd frame) gives Load an error, never a panic,
// and that the lazy load, which trusts its input, does not panic either
// when every service's actions are then decoded.
func FuzzLoad(f *testing.F) {
	c, err := Compress(miniDB())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(c)
	f.Add(c[:len(c)/2])
	f.Add([]byte("PSDZ\x04\x00\x02\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if db, err := Load(data, ""); err == nil && db == nil {
			t.Fatal("nil DB without error")
		}
		lazy, err := LoadVerified(data)
		if err != nil {
			return
		}
		for _, s := range lazy.Services {
			s.Actions()
		}
	})
}
