package audit

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"os"
	"path/filepath"
	"testing"
)

// FuzzAnalyze analyzes any policy file the parser accepts: it must never
// panic, and two runs give the same report.
func FuzzAnalyze(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/policies/*.json")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"Statement":[{"Effect":"Allow","NotAction":"*","NotResource":"*"},{"Effect":"Deny","Action":"?*:*?","Resource":"*","Condition":{}}]}`))
	db := defaultDB(f)
	f.Add([]byte(`{"RoleDetailList":[{"RoleName":"r","Arn":"arn:aws:iam::1:role/r","AssumeRolePolicyDocument":{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:*"}},"AttachedManagedPolicies":[{"PolicyArn":"p"}],"PermissionsBoundary":{"PermissionsBoundaryArn":"p"}}],"Policies":[{"Arn":"p","DefaultVersionId":"v1","PolicyVersionList":[{"VersionId":"v1","Document":{"Statement":{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::*"}}}]}]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		// Policy documents and authorization details (per principal).
		a, err := AnalyzeSource(db, src, "fuzz.json", Options{InfrastructureModification: true})
		if err != nil {
			return
		}
		b, _ := AnalyzeSource(db, src, "fuzz.json", Options{InfrastructureModification: true})
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatal("two runs differ")
		}
		if !json.Valid(ja) {
			t.Fatal("invalid JSON report")
		}
		for _, p := range a.Principals {
			if p.Boundary != nil && *p.Boundary >= len(a.Policies) {
				t.Fatal("boundary index out of range")
			}
			for _, i := range p.Policies {
				if i < 0 || i >= len(a.Policies) {
					t.Fatal("policy index out of range")
				}
			}
		}
	})
}

// FuzzExclusions parses any exclusions file: an error or a value, never a
// panic; what parses matches names without panicking.
func FuzzExclusions(f *testing.F) {
	f.Add([]byte("policies: [a*]\nroles: r\nusers: [\"[\"]\nknown-accounts: [\"1*\"]\n"))
	f.Add([]byte("- x\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		x, err := ParseExclusions(src, "x.yml")
		if err != nil {
			return
		}
		x.ExcludesPolicy("policy/a (v1)")
		x.ExcludesPrincipal("role", "r")
		x.KnownAccount("123456789012")
		x.excludesAction("s3:GetObject")
	})
}

// FuzzDecodeAuthDetails reads any input as authorization-details output
// and analyses it per principal: never a panic; a problem is a diagnostic
// with a JSON path and a place in the input.
func FuzzDecodeAuthDetails(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/accounts/*.json")
	bad, _ := filepath.Glob("testdata/accounts/bad/*.json")
	for _, s := range append(seeds, bad...) {
		if b, err := os.ReadFile(s); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"UserDetailList":null,"IsTruncated":false,"Marker":{"a":[1,2,{}]}}`))
	db := defaultDB(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		n := 0
		count := func() error { n++; return nil }
		v := authVisitor{
			user:   func(int, *authUser, int) error { return count() },
			group:  func(int, *authGroup, int) error { return count() },
			role:   func(int, *authRole, int) error { return count() },
			policy: func(int, *authPolicy, int) error { return count() },
		}
		err := decodeAuthDetails(src, "fuzz.json", v)
		if err != nil {
			var l diag.List
			if !errors.As(err, &l) || len(l) != 1 {
				t.Fatalf("not one diagnostic: %v", err)
			}
			if !strings.HasPrefix(l[0].Path, "$") || (len(src) > 0 && !l[0].Start.IsValid()) || l[0].Start.Offset > len(src) {
				t.Fatalf("diagnostic without a place: %+v", l[0])
			}
			return
		}
		if !json.Valid(src) {
			t.Fatal("invalid JSON read without an error")
		}
		if _, err := AnalyzeAccount(db, src, "fuzz.json", Options{Progress: func(Progress) {}}); err != nil {
			var l diag.List
			if !errors.As(err, &l) && !strings.Contains(err.Error(), "fuzz.json") {
				t.Fatalf("error without the file: %v", err)
			}
		}
	})
}
