package audit

import (
	"encoding/json"
	"os"
	"testing"
)

// TestResourceCoverage decides, for each case of testdata/coverage, how
// much of an action's resources a Resource or NotResource list reaches.
func TestResourceCoverage(t *testing.T) {
	var cases []struct {
		Action      string   `json:"action"`
		Resource    []string `json:"resource"`
		NotResource []string `json:"not_resource"`
		Want        string   `json:"want"`
		Why         string   `json:"why"`
	}
	b, err := os.ReadFile("testdata/coverage/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	db := defaultDB(t)
	e := newEnv(db)
	for _, c := range cases {
		a := db.Action(c.Action)
		if a == nil {
			t.Fatalf("no action %s", c.Action)
		}
		pats, not := c.Resource, false
		if len(c.NotResource) > 0 {
			pats, not = c.NotResource, true
		}
		if got := e.resourceCoverage(a, pats, not).String(); got != c.Want {
			t.Errorf("%s on %v (not %v): %s, want %s %s", c.Action, pats, not, got, c.Want, c.Why)
		}
	}
}

// FuzzPatternCoverage checks, for any pattern and any resource type of a
// few services, that the decision is consistent: covering implies
// reaching, "*" covers all, and nothing panics.
func FuzzPatternCoverage(f *testing.F) {
	for _, s := range []string{"*", "arn:aws:iam::*:role/*", "arn:aws:s3:::b/*", "arn:${aws:x}:*", "arn:*:ec2:?:*:instance/*", "${", "arn:::::"} {
		f.Add(s)
	}
	db := defaultDB(f)
	svc := []string{"iam", "s3", "ec2", "kms", "lambda"}
	var shared coverer // reused across inputs, as an analysis reuses it
	f.Fuzz(func(t *testing.T, p string) {
		for _, prefix := range svc {
			for _, r := range db.Service(prefix).Resources {
				c := patternCoverage(p, r)
				if got := shared.coverage(shared.pattern(p), r); got != c {
					t.Fatalf("%q on %s: %s with reused buffers, %s fresh", p, r.ARN, got, c)
				}
				pt := patternTokens(p)
				if c == CoverAll && !intersects(pt, formatTokens(r.ARN, nil)) && !matchesStar(p) {
					t.Fatalf("%q covers %s but does not reach it", p, r.ARN)
				}
			}
		}
	})
}
