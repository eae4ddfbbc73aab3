package grant_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/grant"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/golden"
)

func defaultDB(t testing.TB) *iamdb.DB {
	t.Helper()
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// describe is what a template writes: its diagnostics, or the policy
// type, the validator's findings and the JSON and YAML renderings.
func describe(res *grant.Result, err error) []byte {
	var b bytes.Buffer
	if err != nil {
		fmt.Fprintf(&b, "errors:\n")
		for _, d := range err.(diag.List) {
			fmt.Fprintf(&b, "%s %s %s\n", d.Severity, d.Code, d.Error())
		}
		return b.Bytes()
	}
	fmt.Fprintf(&b, "policy type: %s %s\n", res.Options.PolicyType, res.Options.ResourceType)
	for _, d := range res.Findings {
		fmt.Fprintf(&b, "%s %s %s\n", d.Severity, d.Code, d.Error())
	}
	fmt.Fprintf(&b, "--- json\n%s--- yaml\n%s", grant.JSON(res.Policy), grant.YAML(res.Policy))
	return b.Bytes()
}

func write(db *iamdb.DB, src []byte, name string) (*grant.Result, error) {
	t, err := grant.Parse(src, name)
	if err != nil {
		return nil, err
	}
	return grant.Write(db, t)
}

// TestCases writes every template of testdata/cases and compares the
// result with its golden file (go test -update rewrites them). Templates
// named err-* must fail; the others must write a policy that validates
// with no ERROR and no SECURITY_WARNING.
func TestCases(t *testing.T) {
	db := defaultDB(t)
	files, _ := filepath.Glob("testdata/cases/*.yml")
	if len(files) == 0 {
		t.Fatal("no templates in testdata/cases")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res, err := write(db, src, filepath.Base(f))
			if strings.HasPrefix(name, "err-") {
				if err == nil {
					t.Fatalf("expected errors")
				}
				for _, d := range err.(diag.List) {
					if d.Start.Line == 0 {
						t.Errorf("error without a position: %v", d)
					}
				}
			} else {
				if err != nil {
					t.Fatalf("unexpected errors: %v", err)
				}
				if bad := res.Findings.AtLeast(diag.SecurityWarning); len(bad) > 0 {
					t.Errorf("findings at SECURITY_WARNING or worse: %v", bad)
				}
			}
			golden.Check(t, strings.TrimSuffix(f, ".yml")+".golden", describe(res, err), "go test ./engine/grant -run TestCases -update")
		})
	}
}

// TestSkeletons: the skeletons create-template writes are templates that
// write a policy with no ERROR and no SECURITY_WARNING.
func TestSkeletons(t *testing.T) {
	db := defaultDB(t)
	for _, m := range grant.Modes {
		res, err := write(db, grant.Skeleton(m), string(m)+".yml")
		if err != nil {
			t.Fatalf("%s skeleton: %v", m, err)
		}
		if bad := res.Findings.AtLeast(diag.SecurityWarning); len(bad) > 0 {
			t.Errorf("%s skeleton: %v", m, bad)
		}
		if got := grant.ModeOf(grant.Skeleton(m)); got != m {
			t.Errorf("ModeOf(%s skeleton) = %q", m, got)
		}
	}
}

// TestModeOf tells grant templates from others.
func TestModeOf(t *testing.T) {
	for src, want := range map[string]grant.Mode{
		"mode: resource\n":     grant.ModeResource,
		"mode: trust\n":        grant.ModeTrust,
		"mode: crud\n":         "",
		"mode: [trust]\n":      "",
		"{\"mode\":\"trust\"}": grant.ModeTrust,
		"- not: a map\n":       "",
		":::\n":                "",
	} {
		if got := grant.ModeOf([]byte(src)); got != want {
			t.Errorf("ModeOf(%q) = %q, want %q", src, got, want)
		}
	}
}
