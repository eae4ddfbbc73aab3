package audit

import (
	"encoding/json"
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
