package audit

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/leastpriv/policysentry/engine/policy"
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
	f.Fuzz(func(t *testing.T, src []byte) {
		docs, err := policy.Load(src, "fuzz.json")
		if err != nil {
			return
		}
		a, err := Analyze(db, docs, Options{InfrastructureModification: true})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Analyze(db, docs, Options{InfrastructureModification: true})
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatal("two runs differ")
		}
	})
}
