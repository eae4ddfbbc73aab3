package diag

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
)

// TestWriteSARIF checks the log against SARIF 2.1.0's rules that GitHub
// code scanning enforces: version, a named driver, every result's ruleId
// and ruleIndex naming the same rule, levels from SARIF's set, and 1-based
// regions; and that decoding into strict structs finds no unknown field.
func TestWriteSARIF(t *testing.T) {
	l := List{
		{Severity: SecurityWarning, Code: "PASS_ROLE_WITH_STAR_IN_RESOURCE", Message: "iam:PassRole on *", Path: "$.Statement[0].Resource",
			Start: Position{File: "p.json", Line: 8, Column: 20}, End: Position{File: "p.json", Line: 8, Column: 23}},
		{Severity: Error, Code: "INVALID_ACTION", Message: "unknown action s3:GetObjekt", Suggestions: []string{"s3:GetObject"},
			Start: Position{File: "p.json", Line: 5, Column: 17}},
		{Severity: Suggestion, Message: "no line", Start: Position{File: "-"}},
	}
	rules := []Rule{{ID: "PASS_ROLE_WITH_STAR_IN_RESOURCE", Title: "PassRole with star in resource", Description: "d", HelpURI: "https://example.com", Severity: SecurityWarning}}
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, SARIFTool{Name: "policy-sentry", Version: "test"}, rules, l); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
	dec.DisallowUnknownFields()
	var log sarifLog
	if err := dec.Decode(&log); err != nil {
		t.Fatalf("strict decode: %v\n%s", err, buf.String())
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name == "" {
		t.Fatalf("bad header: %+v", log)
	}
	run := log.Runs[0]
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind %q", run.ColumnKind)
	}
	if len(run.Results) != 3 || len(run.Tool.Driver.Rules) != 3 {
		t.Fatalf("%d results, %d rules", len(run.Results), len(run.Tool.Driver.Rules))
	}
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s points at rule %d (%s)", r.RuleID, r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID)
		}
		if !slices.Contains([]string{"none", "note", "warning", "error"}, r.Level) {
			t.Errorf("level %q", r.Level)
		}
		reg := r.Locations[0].PhysicalLocation.Region
		if reg == nil || reg.StartLine < 1 || reg.StartColumn < 1 {
			t.Errorf("region %+v", reg)
		}
	}
	if got := run.Results[0].Locations[0].PhysicalLocation.Region; got.EndColumn != 23 {
		t.Errorf("end column %d", got.EndColumn)
	}
	if run.Results[1].Message.Text != "unknown action s3:GetObjekt (did you mean s3:GetObject?)" {
		t.Errorf("message %q", run.Results[1].Message.Text)
	}
	if run.Results[2].Locations[0].PhysicalLocation.ArtifactLocation.URI != "stdin" {
		t.Errorf("stdin uri")
	}
	if run.Tool.Driver.Rules[0].Properties == nil || run.Tool.Driver.Rules[0].Properties.SecuritySeverity == "" {
		t.Errorf("security rule without security-severity")
	}
}

// TestWriteSARIFSuggestionsOnce checks a message that already says "did
// you mean" (the writer's and the template reader's do) does not get the
// suggestions a second time.
func TestWriteSARIFSuggestionsOnce(t *testing.T) {
	l := List{{Severity: Error, Message: `unknown action "s3:GetObjekt"; did you mean s3:GetObject?`, Suggestions: []string{"s3:GetObject"},
		Start: Position{File: "t.yml", Line: 3, Column: 3}}}
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, SARIFTool{Name: "policy-sentry", Version: "test"}, nil, l); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(buf.Bytes(), []byte("did you mean")); n != 1 {
		t.Errorf("%d times \"did you mean\":\n%s", n, buf.Bytes())
	}
}
