package audit

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// TestTrustFindingsGolden assesses the trust policies of
// testdata/trust/cases.json for a role of account 111122223333: among
// them Principal * with conditions that look restrictive but are not
// (IfExists on an absent key, StringLike "*", ForAllValues on an absent
// key), which the simulator shows to admit any caller, and near-misses
// that do restrict the caller (testdata/trust/cases.golden.txt).
func TestTrustFindingsGolden(t *testing.T) {
	src, err := os.ReadFile("testdata/trust/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name   string          `json:"name"`
		Policy json.RawMessage `json:"policy"`
	}
	if err := json.Unmarshal(src, &cases); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, c := range cases {
		fs, err := TrustFindings(c.Policy, c.Name, "111122223333", nil)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		fmt.Fprintf(&out, "== %s\n", c.Name)
		for _, f := range fs {
			fmt.Fprintf(&out, "%s %s %s\n", f.Severity, f.Path, f.Detail)
		}
	}
	golden.Check(t, "testdata/trust/cases.golden.txt", []byte(out.String()), "go test ./engine/audit -run TestTrustFindingsGolden -update")
}
