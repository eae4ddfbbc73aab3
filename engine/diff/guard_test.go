package diff

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/golden"
)

func TestGuardrailsGolden(t *testing.T) {
	src, err := os.ReadFile("testdata/guard/rails.yml")
	if err != nil {
		t.Fatal(err)
	}
	rails, err := ParseGuardrails(db(t), src, "rails.yml")
	if err != nil {
		t.Fatal(err)
	}
	iam, err := Builtin(db(t), "iam-write")
	if err != nil {
		t.Fatal(err)
	}
	rails = append(rails, iam)
	hits, err := CheckNotGranted(db(t), loadDocs(t, "testdata/guard/policy.json"), rails)
	if err != nil {
		t.Fatal(err)
	}
	out := FormatHits(hits)
	golden.Check(t, "testdata/guard/want.txt", []byte(out), "")
	// Invariants the golden file must keep: the Deny of iam:CreateUser is
	// subtracted; DevData is not a prod hit; the conditional ProdData hit
	// says so.
	for _, h := range hits {
		if slices.Contains(h.Actions, "iam:CreateUser") {
			t.Errorf("iam:CreateUser is denied unconditionally but reported: %+v", h)
		}
		if h.Statement.Label == "DevData" && h.Guardrail == "prod-deletes" {
			t.Errorf("dev-data reported as prod: %+v", h)
		}
		if h.Statement.Label == "ProdData" && !h.Conditional {
			t.Errorf("ProdData hit not marked conditional")
		}
	}
	if !strings.Contains(out, "ProdData") || !strings.Contains(out, "cloudtrail:StopLogging") {
		t.Errorf("expected hits missing:\n%s", out)
	}
}

func TestParseGuardrailsErrors(t *testing.T) {
	tests := []struct{ file, want string }{
		{"bad-key.yml", "bad-key.yml:3:5: unknown key \"action\""},
		{"bad-builtin.yml", "bad-builtin.yml:1:11: unknown built-in guardrail \"iam-writes\""},
	}
	for _, tc := range tests {
		src, _ := os.ReadFile("testdata/guard/" + tc.file)
		_, err := ParseGuardrails(db(t), src, tc.file)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.file, err, tc.want)
		}
	}
	src, _ := os.ReadFile("testdata/guard/aa-shape.json")
	rails, err := ParseGuardrails(db(t), src, "aa-shape.json")
	if err != nil || len(rails) != 1 || rails[0].Actions[0] != "iam:PassRole" {
		t.Errorf("Access Analyzer's shape: %v %+v", err, rails)
	}
}

// TestBuiltinActionsExist fails when a built-in guardrail names an action
// the dataset does not have.
func TestBuiltinActionsExist(t *testing.T) {
	for _, n := range BuiltinNames() {
		g, err := Builtin(db(t), n)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Actions) == 0 {
			t.Errorf("%s: no actions", n)
		}
		if w := BuiltinWhy(n); w == "" || w != g.Why {
			t.Errorf("BuiltinWhy(%s) = %q, want Builtin's %q", n, w, g.Why)
		}
		for _, a := range g.Actions {
			if db(t).Action(a) == nil {
				t.Errorf("%s: %s is not in the dataset", n, a)
			}
		}
	}
}
