package grant_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/grant"
)

// FuzzGrant: any input either fails with positioned errors or writes a
// policy with no ERROR finding; never a panic; the same input gives the
// same output.
func FuzzGrant(f *testing.F) {
	files, _ := filepath.Glob("testdata/cases/*.yml")
	for _, p := range files {
		src, _ := os.ReadFile(p)
		f.Add(src)
	}
	for _, m := range grant.Modes {
		f.Add(grant.Skeleton(m))
	}
	db := defaultDB(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		res, err := write(db, src, "f.yml")
		again, err2 := write(db, src, "f.yml")
		if (err == nil) != (err2 == nil) || !bytes.Equal(describe(res, err), describe(again, err2)) {
			t.Fatal("not deterministic")
		}
		if err != nil {
			l, ok := err.(diag.List)
			if !ok || len(l) == 0 {
				t.Fatalf("error is not a diag.List: %v", err)
			}
			for _, d := range l {
				if d.Code == grant.CodeInvalidPolicy {
					t.Fatalf("the written policy does not validate: %v", l)
				}
			}
			return
		}
		if bad := res.Findings.AtLeast(diag.Error); len(bad) > 0 {
			t.Fatalf("ERROR findings: %v", bad)
		}
	})
}
