package policy

import (
	"errors"
	"github.com/leastpriv/policysentry/engine/diag"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad checks that Load never panics and that errors carry a position
// or a JSON path.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`))
	f.Add([]byte(`{"Statement":{"Effect":"Deny","NotAction":["s3:*"],"NotResource":"arn:aws:s3:::b","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}`))
	f.Add([]byte(`{"UserDetailList":[{"UserName":"u","UserPolicyList":[{"PolicyName":"p","PolicyDocument":"%7B%22Statement%22%3A%5B%5D%7D"}]}]}`))
	f.Add([]byte(`[{"Statement":[]}]`))
	seeds, _ := filepath.Glob("testdata/*/*.json")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		docs, err := Load(src, "fuzz.json")
		if err != nil {
			var l diag.List
			if !errors.As(err, &l) || len(l) != 1 {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if e := l[0]; e.Line() == 0 && e.Path == "" {
				t.Fatalf("error without position or path: %v", err)
			}
			return
		}
		for _, d := range docs {
			for _, s := range d.Statement {
				if s.Effect != "Allow" && s.Effect != "Deny" {
					t.Fatalf("statement with effect %q", s.Effect)
				}
			}
		}
	})
}
