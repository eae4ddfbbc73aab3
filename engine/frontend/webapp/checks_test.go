package webapp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// TestWriteChecks writes each testdata/checks/NAME[@SPLIT].yml as the
// write screens do (SPLIT is a split choice's key) and compares the
// Checks with NAME....golden; every finding's span must start, in the
// JSON tab's text as a browser holds it (UTF-16), at its line and column.
func TestWriteChecks(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("testdata/checks/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, split, _ := strings.Cut(name, "@")
			out := WritePolicyWith(db, string(src), OutputOptions{Split: split})
			golden.Check(t, strings.TrimSuffix(f, ".yml")+".golden", []byte(renderChecks(out.Checks)), "")
			if len(out.Errors) > 0 && (out.Checks.Summary != "" || len(out.Checks.Findings) > 0) {
				t.Errorf("checks without a policy: %+v", out.Checks)
			}
			checkSpans(t, out.Checks, out.JSON)
		})
	}
}

// checkSpans checks that every finding's span starts, in text as a
// browser holds it (UTF-16), at its line and column.
func checkSpans(t *testing.T, c Checks, text string) {
	t.Helper()
	units := utf16.Encode([]rune(text))
	for _, fd := range c.Findings {
		if fd.Where == "" {
			continue
		}
		if fd.Start < 0 || fd.End < fd.Start || fd.End > len(units) {
			t.Fatalf("%s: span %d-%d outside the JSON (%d units)", fd.Code, fd.Start, fd.End, len(units))
		}
		var line, col int
		fmt.Sscanf(fd.Where, "%d:%d", &line, &col)
		before := string(utf16.Decode(units[:fd.Start]))
		if l, c := strings.Count(before, "\n")+1, len([]rune(before[strings.LastIndex(before, "\n")+1:]))+1; l != line || c != col {
			t.Errorf("%s at %s: span starts at %d:%d", fd.Code, fd.Where, l, c)
		}
	}
}

func renderChecks(c Checks) string {
	var b strings.Builder
	fmt.Fprintf(&b, "summary: %s\nworst: %s\n", c.Summary, c.Worst)
	for _, f := range c.Findings {
		fmt.Fprintf(&b, "%s %s %s [%s] %s span %d-%d policy %q class %s\n  %s\n", f.Where, f.Type, f.Code, f.Path, f.Link, f.Start, f.End, f.Policy, f.Class, f.Message)
	}
	return b.String()
}

func TestChecksSummary(t *testing.T) {
	for _, tc := range []struct {
		sev  []diag.Severity
		want string
	}{
		{nil, "No findings"},
		{[]diag.Severity{diag.Error}, "1 error"},
		{[]diag.Severity{diag.Suggestion, diag.Warning, diag.Warning}, "2 warnings, 1 suggestion"},
		{[]diag.Severity{diag.SecurityWarning, diag.SecurityWarning, diag.Error, diag.Suggestion, diag.Suggestion}, "1 error, 2 security warnings, 2 suggestions"},
	} {
		var l diag.List
		for _, s := range tc.sev {
			l = append(l, diag.Diagnostic{Severity: s})
		}
		if got := ChecksSummary(l); got != tc.want {
			t.Errorf("ChecksSummary(%v) = %q, want %q", tc.sev, got, tc.want)
		}
	}
}
