package webapp

import (
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
)

// TestWriteGrant: the skeletons write a policy; a mistake is an error at
// line:column; a finding's text has its path.
func TestWriteGrant(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range GrantSkeletons() {
		out := WriteGrant(db, s.Text)
		if len(out.Errors) > 0 || !strings.HasPrefix(out.JSON, "{") || out.YAML == "" || !strings.Contains(out.ValidatedAs, s.Mode+" policy") {
			t.Errorf("%s: %+v", s.Mode, out)
		}
	}
	out := WriteGrant(db, "mode: trust\ngrants:\n- accounts: '12'\n")
	if len(out.Errors) != 1 || out.Errors[0].Short() != `3:13: the account "12" is not a 12-digit AWS account ID` || out.JSON != "" {
		t.Errorf("error: %+v", out.Errors)
	}
	out = WriteGrant(db, "mode: trust\ngrants:\n- github:\n    account: '111122223333'\n    repositories: o/r\n    branches: '*'\n")
	if len(out.Findings) != 1 || !strings.HasPrefix(FindingText(out.Findings[0]), "WARNING SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED $.Statement[0].Condition") {
		t.Errorf("findings: %v", out.Findings)
	}
	// The Checks are the same findings, pointing into the JSON.
	if c := out.Checks; c.Summary != "1 warning" || c.Worst != "warning" || len(c.Findings) != 1 || c.Findings[0].Code != "SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED" || c.Findings[0].Where == "" {
		t.Errorf("checks: %+v", c)
	}
	checkSpans(t, out.Checks, out.JSON)
}
