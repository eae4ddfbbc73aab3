package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/diff"
	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// TestDiffCommand runs `diff` on the folders in testdata/diff (a changed
// file, an unchanged one, a new one) in each format and checks the output
// against golden files, and the exit codes: 3 for new access, 0 for none,
// 2 for a usage error.
func TestDiffCommand(t *testing.T) {
	old, nw := filepath.Join("testdata", "diff", "old"), filepath.Join("testdata", "diff", "new")
	for _, fmtName := range []string{"text", "json", "sarif"} {
		code, out, errOut := run(t, "", "diff", "--fmt", fmtName, "--guardrail", "iam-write", old, nw)
		if code != 3 {
			t.Errorf("%s: exit %d, want 3\n%s", fmtName, code, errOut)
		}
		golden.Check(t, filepath.Join("testdata", "diff", "want."+fmtName), []byte(out), "")
	}
	_, js, _ := run(t, "", "diff", "--fmt", "json", old, nw)
	var rev diff.Review
	if err := json.Unmarshal([]byte(js), &rev); err != nil {
		t.Fatal(err)
	}
	if len(rev.Pairs) != 3 || rev.Pairs[0].Name != "added.json" || rev.Pairs[0].Old != "" || rev.Pairs[0].New != filepath.Join(nw, "added.json") {
		t.Errorf("pairs: %+v", rev.Pairs)
	}
	same := filepath.Join(old, "same.json")
	code, out, _ := run(t, "", "diff", same, filepath.Join(nw, "same.json"))
	if code != 0 || !strings.Contains(out, "NEW grants no access that OLD did not.") {
		t.Errorf("unchanged file: exit %d\n%s", code, out)
	}
	src := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-bucket/reports/*"}]}`
	if code, out, _ := run(t, src, "diff", same, "-"); code != 0 {
		t.Errorf("stdin as NEW: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"diff", "-", "-"}, {"diff", old, same}, {"diff", "--guardrail", "bogus", same, same}, {"diff", same}} {
		if code, _, _ := run(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
