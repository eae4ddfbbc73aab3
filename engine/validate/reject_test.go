package validate

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/policy"
)

// rejectingOf keeps the findings that make AWS refuse a policy: what
// Rejections computed before it skipped the other checks.
func rejectingOf(l diag.List) diag.List {
	var out diag.List
	for _, d := range l {
		if Lookup(d.Code).Rejects {
			out = append(out, d)
		}
	}
	return out
}

// rejectionInputs are every JSON file under engine/*/testdata (policies
// of each type, broken ones, accounts, policy versions, arrays) and every
// validate case.
func rejectionInputs(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir("..", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".json") || !strings.Contains(filepath.ToSlash(p), "/testdata/") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[p] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("only %d testdata JSON files", len(out))
	}
	return out
}

// TestRejectionsSameAsValidate checks that the rejects-only validation
// Rejections runs gives exactly the rejecting findings of a full
// validation (same findings, same order), for every testdata input,
// as Rejections reads it and as each policy type; and that
// RejectionsParsed, given the input's scanned tree, finds the same.
func TestRejectionsSameAsValidate(t *testing.T) {
	db := loadDB(t)
	rejected := 0
	for name, src := range rejectionInputs(t) {
		want := map[string]diag.List{}
		for _, r := range ValidateInput(db, src, name, Options{}) {
			if l := rejectingOf(r.Findings); len(l) > 0 {
				want[r.Name] = append(want[r.Name], l...)
			}
		}
		got := Rejections(db, src, name)
		if render(flatten(got)) != render(flatten(want)) || len(got) != len(want) {
			t.Errorf("%s: Rejections\n%s\nwant\n%s", name, render(flatten(got)), render(flatten(want)))
		}
		rejected += len(got)
		root, _ := policy.ParseNode(src)
		if parsed := RejectionsParsed(db, src, root, name); render(flatten(parsed)) != render(flatten(got)) || len(parsed) != len(got) {
			t.Errorf("%s: RejectionsParsed\n%s\nwant Rejections'\n%s", name, render(flatten(parsed)), render(flatten(got)))
		}
		for pt := Identity; pt <= Trust; pt++ {
			full := rejectingOf(Validate(db, src, name, Options{PolicyType: pt}))
			fast := Validate(db, src, name, Options{PolicyType: pt, rejectsOnly: true})
			if render(fast) != render(full) {
				t.Errorf("%s as %s: rejects-only\n%s\nwant\n%s", name, pt, render(fast), render(full))
			}
		}
	}
	if rejected == 0 {
		t.Error("no testdata input has a rejecting finding: the comparison proves nothing")
	}
}

// flatten lists a Rejections map's findings in name order.
func flatten(m map[string]diag.List) diag.List {
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	var out diag.List
	for _, n := range names {
		out = append(out, m[n]...)
	}
	return out
}
