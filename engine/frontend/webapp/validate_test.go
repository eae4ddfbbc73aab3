package webapp

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// TestValidatePolicy validates each testdata/validate/NAME[@TYPE[@RESOURCE
// TYPE]].json as the Validate screen does and compares the view with
// NAME....golden; every finding's span must select, in the text as a
// browser holds it (UTF-16), the text at its line and column.
func TestValidatePolicy(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("testdata/validate/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			parts := strings.SplitN(name, "@", 3)
			parts = append(parts, "", "")
			v := ValidatePolicy(db, ValidateState{Text: string(src), PolicyType: parts[1], ResourceType: parts[2]})
			golden.Check(t, strings.TrimSuffix(f, ".json")+".golden", []byte(renderView(v)), "")
			checkValidateSpans(t, string(src), v)
		})
	}
}

// TestValidateGuardrails runs every case of testdata/validate-guard: a
// YAML file with the Validate screen's state (text, type, resourceType,
// guardrails, mustNotGrant, noPublic) against the view in its .golden file
// (-update rewrites them).
func TestValidateGuardrails(t *testing.T) {
	eachCase(t, "validate-guard", func(t *testing.T, db *iamdb.DB, base string, src []byte) {
		var c struct {
			Text         string `yaml:"text"`
			PolicyType   string `yaml:"type"`
			ResourceType string `yaml:"resourceType"`
			Guardrails   string `yaml:"guardrails"`
			MustNotGrant string `yaml:"mustNotGrant"`
			NoPublic     bool   `yaml:"noPublic"`
		}
		decodeCase(t, src, &c)
		v := ValidatePolicy(db, ValidateState(c))
		golden.Check(t, base+".golden", []byte(renderView(v)), "")
		checkValidateSpans(t, c.Text, v)
	})
}

// checkValidateSpans checks that every finding's span selects, in the text as a
// browser holds it (UTF-16), the text at its line and column.
func checkValidateSpans(t *testing.T, src string, v ValidateView) {
	t.Helper()
	units := utf16.Encode([]rune(src))
	for _, fd := range v.Findings {
		if fd.Where == "" {
			if fd.Start != -1 || fd.End != -1 {
				t.Errorf("%s without a position has span %d-%d", fd.Code, fd.Start, fd.End)
			}
			continue
		}
		if fd.Start < 0 || fd.End < fd.Start || fd.End > len(units) {
			t.Fatalf("%s: span %d-%d outside the text (%d units)", fd.Code, fd.Start, fd.End, len(units))
		}
		var line, col int
		fmt.Sscanf(fd.Where, "%d:%d", &line, &col)
		before := string(utf16.Decode(units[:fd.Start]))
		if line != fd.Line {
			t.Errorf("%s at %s: Line %d", fd.Code, fd.Where, fd.Line)
		}
		if l, c := strings.Count(before, "\n")+1, len([]rune(before[strings.LastIndex(before, "\n")+1:]))+1; l != line || c != col {
			t.Errorf("%s at %s: span starts at %d:%d", fd.Code, fd.Where, l, c)
		}
	}
}

func renderView(v ValidateView) string {
	var b strings.Builder
	if v.Err != "" {
		fmt.Fprintf(&b, "error: %s\n", v.Err)
	}
	for _, e := range v.GuardErrors {
		fmt.Fprintf(&b, "must-not-grant: %s\n", e)
	}
	if v.Summary != "" {
		fmt.Fprintf(&b, "summary: %s\n", v.Summary)
	}
	for _, f := range v.Findings {
		fmt.Fprintf(&b, "%s %s %s [%s] %s span %d-%d policy %q class %s\n  %s\n", f.Where, f.Type, f.Code, f.Path, f.Link, f.Start, f.End, f.Policy, f.Class, f.Message)
	}
	return b.String()
}

func TestValidateOptions(t *testing.T) {
	if got, want := ValidatePolicyTypes(), []string{"identity", "resource", "scp", "rcp", "trust"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ValidatePolicyTypes = %v, want %v", got, want)
	}
	rts := ValidateResourceTypes()
	found := false
	for _, r := range rts {
		found = found || r == "AWS::S3::Bucket"
	}
	if !found {
		t.Errorf("ValidateResourceTypes lacks AWS::S3::Bucket: %v", rts)
	}
}
