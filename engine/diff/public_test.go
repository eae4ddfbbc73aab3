package diff

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// TestCheckNoPublicAccessGolden checks each policy in testdata/public
// against its .want file: one line per public statement, or "not public".
// The cases named not-restricted-* carry conditions that look restrictive
// but are not (IfExists, ForAllValues on an absent key, StringLike "*",
// negated operators, 0.0.0.0/0, an ARN with any account).
func TestCheckNoPublicAccessGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/public/*.json")
	if len(files) == 0 {
		t.Fatal("no cases")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			docs := loadDocs(t, f)
			fs, err := CheckNoPublicAccess(docs[0], "")
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, p := range fs {
				fmt.Fprintf(&b, "%s:%d:%d %s: public to %s for %s: %s\n", p.Statement.Policy, p.Statement.Line, p.Statement.Column,
					p.Statement.Label, p.Principal, strings.Join(p.Actions, ", "), p.Detail)
			}
			if len(fs) == 0 {
				b.WriteString("not public\n")
			}
			golden.Check(t, strings.TrimSuffix(f, ".json")+".want", []byte(b.String()), "")
			isPublic := len(fs) > 0
			wantPublic := strings.HasPrefix(name, "open") || strings.HasPrefix(name, "not-restricted") || name == "trust-open" || name == "notprincipal-allow"
			if isPublic != wantPublic {
				t.Errorf("public = %v, want %v (from the case name)", isPublic, wantPublic)
			}
		})
	}
	if _, err := CheckNoPublicAccess(loadDocs(t, files[0])[0], "AWS::Nope::Thing"); err == nil {
		t.Error("an unknown resource type is accepted")
	}
}
