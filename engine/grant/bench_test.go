package grant_test

import (
	"os"
	"testing"

	"github.com/leastpriv/policysentry/engine/grant"
)

// benchWrite parses and writes (and validates) one template per op.
func benchWrite(b *testing.B, file string) {
	db := defaultDB(b)
	src, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		t, err := grant.Parse(src, file)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := grant.Write(db, t); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteBucketPolicy: the S3 case (read and list for two
// principals, a service with source conditions, the TLS guard: 5
// statements, 52 actions).
func BenchmarkWriteBucketPolicy(b *testing.B) { benchWrite(b, "testdata/cases/s3-read.yml") }

// BenchmarkWriteTrustPolicy: the GitHub Actions trust case.
func BenchmarkWriteTrustPolicy(b *testing.B) { benchWrite(b, "testdata/cases/trust-github.yml") }
