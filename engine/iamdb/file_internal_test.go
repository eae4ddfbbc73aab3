package iamdb

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// miniDB is a two-service DB with a resource type link and a dependent
// action, small enough to corrupt byte by byte.
func miniDB() *DB {
	s3 := &Service{Prefix: "s3", Name: "S3", Resources: []*Resource{{Name: "bucket", ARN: "arn:${Partition}:s3:::${BucketName}"}}}
	s3.SetActions([]*Action{{Name: "ListBucket", Description: "Grants permission to list", AccessLevel: List,
		Resources: []ActionResource{{Name: "bucket", Required: true, DependentActions: []string{"kms:Decrypt"}}}}})
	kms := &Service{Prefix: "kms", Name: "KMS", Conditions: []*Condition{{Name: "kms:ViaService", Type: "String"}}}
	kms.SetActions([]*Action{{Name: "Decrypt", Description: "Grants permission to decrypt", AccessLevel: Write,
		Resources: []ActionResource{{ConditionKeys: []string{"kms:ViaService"}}}}})
	return New(Manifest{Source: "test"}, []*Service{s3, kms})
}

// TestFileFrames checks the layout of Compress's file on the real
// dataset (read from the repository, as this package cannot import
// dataset): one frame for the header, one for the dictionary, then one per
// service, each of which decompresses alone (with the header and the
// dictionary) to that service's block of Encode's bytes.
func TestFileFrames(t *testing.T) {
	c, err := os.ReadFile("../../dataset/iam.bin.zst")
	if err != nil {
		t.Fatal(err)
	}
	f, err := parseFile(c)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Load(c, "")
	if err != nil {
		t.Fatal(err)
	}
	header, blocks, err := encodeParts(db)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.frames) != 2+len(db.Services) || len(blocks) != len(db.Services) {
		t.Fatalf("%d frames for %d services", len(f.frames), len(db.Services))
	}
	got, err := decompress(f.frames[0], nil)
	if err != nil || !bytes.Equal(got, header) {
		t.Fatalf("the header frame alone does not give Encode's header (%d bytes, want %d): %v", len(got), len(header), err)
	}
	size := len(header)
	for i := len(blocks) - 1; i >= 0; i -= 37 { // a sample, from the end: no frame needs the ones before it
		fs := &frameSource{extra: f.frames[1], dict: header[:len(header):len(header)]}
		b, err := fs.decompress(f.frames[2+i], nil)
		fs.close()
		if err != nil || !bytes.Equal(b, blocks[i]) {
			t.Errorf("service %s: its frame gives %d bytes, want its block's %d: %v", db.Services[i].Prefix, len(b), len(blocks[i]), err)
		}
	}
	for _, b := range blocks {
		size += len(b)
	}
	if f.size != size || RawSize(c) != size {
		t.Errorf("the file declares %d raw bytes (RawSize %d), Encode gives %d", f.size, RawSize(c), size)
	}
}

// TestFileCorrupt checks that Load, which must check a file of unknown
// origin, rejects a file whose frames are damaged or cut, and that the lazy
// load, which trusts a verified file, reports a damaged service's frame in
// LazyErr when it is first decoded, without panicking.
func TestFileCorrupt(t *testing.T) {
	c, err := Compress(miniDB())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(c, ""); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(c); n++ {
		if _, err := Load(c[:n], ""); err == nil {
			t.Fatalf("cut to %d of %d bytes: no error", n, len(c))
		}
	}
	// Damage the last frame (kms's) inside its compressed data.
	bad := append([]byte(nil), c...)
	bad[len(bad)-6] ^= 0xff
	if _, err := Load(bad, ""); err == nil {
		t.Error("Load accepted a damaged frame")
	}
	db, err := LoadVerified(bad)
	if err != nil {
		t.Fatalf("the lazy load reads no service frame, yet failed: %v", err)
	}
	if a := db.Action("s3:ListBucket"); a == nil || a.Resources[0].Resource == nil {
		t.Errorf("s3:ListBucket = %+v", a)
	}
	if got := db.Service("kms").Actions(); len(got) != 0 {
		t.Errorf("a damaged frame decoded to %d actions", len(got))
	}
	if err := db.LazyErr(); err == nil || !strings.Contains(err.Error(), "actions of kms") {
		t.Errorf("LazyErr = %v", err)
	}
	future := append([]byte(nil), c...)
	future[len(fileMagic)] = 9
	if _, err := Load(future, ""); err == nil || !strings.Contains(err.Error(), "version 9") || !strings.Contains(err.Error(), "policy-sentry initialize") {
		t.Errorf("future file format: %v", err)
	}
}

// TestFormatVersion3 checks that a dataset file as releases before format
// version 4 wrote it (one zstd frame of the version 3 encoding, made from
// testdata/iam-data) still loads, by every loader, to the same database.
func TestFormatVersion3(t *testing.T) {
	c, err := os.ReadFile("testdata/v3-mini.bin.zst")
	if err != nil {
		t.Fatal(err)
	}
	if IsFile(c) {
		t.Fatal("the version 3 file starts like a version 4 one")
	}
	want, err := Load(c, "")
	if err != nil {
		t.Fatal(err)
	}
	if want.Manifest.Counts != (Counts{Services: 2, Actions: 7, ResourceTypes: 4, ConditionKeys: 3, WildcardOnly: 2}) {
		t.Errorf("counts %+v", want.Manifest.Counts)
	}
	wantRaw, _ := Encode(want)
	lazy, err := LoadVerified(c)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := Decompress(c)
	if err != nil {
		t.Fatal(err)
	}
	if raw[len(magic)] != oldFormatVersion {
		t.Fatalf("testdata/v3-mini.bin.zst holds format version %d", raw[len(magic)])
	}
	decoded, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	for name, db := range map[string]*DB{"LoadVerified": lazy, "Decode": decoded} {
		if got, _ := Encode(db); !bytes.Equal(got, wantRaw) {
			t.Errorf("%s of the version 3 file differs from Load's", name)
		}
	}
}
