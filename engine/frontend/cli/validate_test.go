package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/golden"
)

const badPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObjekt", "iam:PassRole"], "Resource": "*"}
  ]
}
`

// TestValidateText checks the text output, the exit codes of --fail-on
// and the file:line:column of each finding.
func TestValidateText(t *testing.T) {
	p := writeFile(t, t.TempDir(), "bad.json", badPolicy)
	code, out, errOut := run(t, "", "validate", "--policy", p)
	if code != 0 {
		t.Fatalf("exit %d without --fail-on: %s", code, errOut)
	}
	for _, want := range []string{
		p + `:4:51: ERROR INVALID_ACTION: the action "s3:GetObjekt" does not exist in service s3 [$.Statement[0].Action[0]] (did you mean s3:GetObject`,
		p + `:4:67: SECURITY_WARNING PASS_ROLE_WITH_STAR_IN_RESOURCE: `,
		"1 policy validated, 3 findings: 1 ERROR, 1 SECURITY_WARNING, 1 WARNING\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, tc := range []struct {
		failOn string
		code   int
	}{{"error", 3}, {"security-warning", 3}, {"suggestion", 3}} {
		if c, _, _ := run(t, "", "validate", "--policy", p, "--fail-on", tc.failOn); c != tc.code {
			t.Errorf("--fail-on %s: exit %d, want %d", tc.failOn, c, tc.code)
		}
	}
	good := writeFile(t, t.TempDir(), "good.json", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}`)
	if c, out, _ := run(t, "", "validate", "--policy", good, "--fail-on", "suggestion"); c != 0 || !strings.Contains(out, "no findings") {
		t.Errorf("a clean policy: exit %d\n%s", c, out)
	}
	if c, _, e := run(t, "", "validate", "--policy", p, "--fail-on", "bad"); c != 2 || !strings.Contains(e, "--fail-on") {
		t.Errorf("--fail-on bad: exit %d %s", c, e)
	}
	if c, _, e := run(t, "", "validate", "--policy", p, "--policy-type", "identity", "--resource-type", "AWS::S3::Bucket"); c != 2 || !strings.Contains(e, "resource policies only") {
		t.Errorf("--resource-type with identity: exit %d %s", c, e)
	}
}

// TestValidateJSON checks the JSON keys and the stdin input.
func TestValidateJSON(t *testing.T) {
	code, out, errOut := run(t, badPolicy, "validate", "--policy", "-", "--fmt", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d findings, want 3: %s", len(got), out)
	}
	for _, k := range []string{"findingType", "issueCode", "message", "path", "line", "column", "file"} {
		if _, ok := got[0][k]; !ok {
			t.Errorf("finding lacks %q: %v", k, got[0])
		}
	}
	if got[0]["issueCode"] != "INVALID_ACTION" || got[0]["line"].(float64) != 4 || got[0]["file"] != "<stdin>" {
		t.Errorf("first finding %v", got[0])
	}
}

// TestValidateAuthDetails: every policy of a dump is named, the role's
// trust policy is validated as a trust policy, a URL-encoded document is
// decoded, and Resource with NotResource is an ERROR.
func TestValidateAuthDetails(t *testing.T) {
	_, out, _ := run(t, "", "validate", "--policy", "testdata/validate/authdetails.json")
	golden.Check(t, "testdata/validate/authdetails.golden", []byte(out), "")
	for _, want := range []string{"policy user/alice inline policy inline (identity):", "policy role/ci trust policy (trust):",
		"MISSING_GITHUB_REPO_CONDITION_KEY", "PASS_ROLE_WITH_STAR_IN_RESOURCE", "UNSUPPORTED_ELEMENT_COMBINATION"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// TestValidateIgnore checks ignore rules by code, path and file glob, and
// that an unknown code is an error naming the line.
func TestValidateIgnore(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "bad.json", badPolicy)
	for _, tc := range []struct {
		rules string
		left  []string
	}{
		{"ignore:\n  - code: INVALID_ACTION\n", []string{"PASS_ROLE_WITH_STAR_IN_RESOURCE", "RESOURCE_STAR"}},
		{"ignore:\n  - code: INVALID_ACTION\n    path: 'Action\\[1\\]'\n", []string{"INVALID_ACTION", "PASS_ROLE_WITH_STAR_IN_RESOURCE", "RESOURCE_STAR"}},
		{"ignore:\n  - file: '*.json'\n    code: RESOURCE_STAR\n  - code: PASS_ROLE_WITH_STAR_IN_RESOURCE\n", []string{"INVALID_ACTION"}},
		{"ignore:\n  - file: 'other/**'\n", []string{"INVALID_ACTION", "PASS_ROLE_WITH_STAR_IN_RESOURCE", "RESOURCE_STAR"}},
	} {
		ig := writeFile(t, dir, "ignore.yml", tc.rules)
		_, out, e := run(t, "", "validate", "--policy", p, "--ignore", ig, "--fmt", "json")
		var got []struct{ IssueCode string }
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%s: %v %s", tc.rules, err, e)
		}
		var codes []string
		for _, g := range got {
			codes = append(codes, g.IssueCode)
		}
		if strings.Join(codes, " ") != strings.Join(tc.left, " ") {
			t.Errorf("rules %q leave %v, want %v", tc.rules, codes, tc.left)
		}
	}
	ig := writeFile(t, dir, "typo.yml", "ignore:\n  - code: RESOURCE_STAR\n  - code: INVALID_ACTON\n")
	c, _, e := run(t, "", "validate", "--policy", p, "--ignore", ig)
	if c != 1 || !strings.Contains(e, "typo.yml:3: unknown issue code \"INVALID_ACTON\"; did you mean INVALID_ACTION?") {
		t.Errorf("unknown code: exit %d %q", c, e)
	}
}

// SARIF 2.1.0 shapes of the properties written, decoded strictly: an
// unknown or misspelt property fails the test.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool struct {
			Driver struct {
				Name           string      `json:"name"`
				Version        string      `json:"version"`
				InformationURI string      `json:"informationUri"`
				Rules          []sarifRule `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		ColumnKind string        `json:"columnKind"`
		Results    []sarifResult `json:"results"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifRule struct {
		ID                   string    `json:"id"`
		Name                 string    `json:"name"`
		ShortDescription     sarifText `json:"shortDescription"`
		FullDescription      sarifText `json:"fullDescription"`
		HelpURI              string    `json:"helpUri"`
		Help                 sarifText `json:"help"`
		DefaultConfiguration struct {
			Level string `json:"level"`
		} `json:"defaultConfiguration"`
		Properties *struct {
			Tags             []string `json:"tags"`
			SecuritySeverity string   `json:"security-severity"`
		} `json:"properties,omitempty"`
	}
	sarifResult struct {
		RuleID    string    `json:"ruleId"`
		RuleIndex int       `json:"ruleIndex"`
		Level     string    `json:"level"`
		Message   sarifText `json:"message"`
		Locations []struct {
			PhysicalLocation struct {
				ArtifactLocation struct {
					URI string `json:"uri"`
				} `json:"artifactLocation"`
				Region struct {
					StartLine   int `json:"startLine"`
					StartColumn int `json:"startColumn"`
					EndLine     int `json:"endLine"`
					EndColumn   int `json:"endColumn"`
				} `json:"region"`
			} `json:"physicalLocation"`
			LogicalLocations []struct {
				FullyQualifiedName string `json:"fullyQualifiedName"`
			} `json:"logicalLocations"`
		} `json:"locations"`
	}
)

// TestValidateSARIF decodes the SARIF output strictly and checks one rule
// per code of the table, each result's rule, file, lines and columns.
func TestValidateSARIF(t *testing.T) {
	p := writeFile(t, t.TempDir(), "bad.json", badPolicy)
	_, out, e := run(t, "", "validate", "--policy", p, "--fmt", "sarif")
	dec := json.NewDecoder(bytes.NewReader([]byte(out)))
	dec.DisallowUnknownFields()
	var log sarifLog
	if err := dec.Decode(&log); err != nil {
		t.Fatalf("SARIF does not decode strictly: %v\n%s%s", err, out, e)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].ColumnKind != "unicodeCodePoints" {
		t.Fatalf("log header %+v", log)
	}
	run0 := log.Runs[0]
	ids := map[string]int{}
	for i, r := range run0.Tool.Driver.Rules {
		if _, dup := ids[r.ID]; dup {
			t.Errorf("rule %s twice", r.ID)
		}
		ids[r.ID] = i
		if r.HelpURI == "" || r.Help.Text == "" || r.FullDescription.Text == "" {
			t.Errorf("rule %s lacks help: %+v", r.ID, r)
		}
	}
	if len(ids) < 100 {
		t.Errorf("%d rules: want one per check", len(ids))
	}
	if len(run0.Results) != 3 {
		t.Fatalf("%d results", len(run0.Results))
	}
	r := run0.Results[0]
	loc := r.Locations[0].PhysicalLocation
	if r.RuleID != "INVALID_ACTION" || ids[r.RuleID] != r.RuleIndex || r.Level != "error" ||
		filepath.Base(loc.ArtifactLocation.URI) != "bad.json" || loc.Region.StartLine != 4 || loc.Region.StartColumn != 51 ||
		loc.Region.EndLine != 4 || loc.Region.EndColumn != 65 || r.Locations[0].LogicalLocations[0].FullyQualifiedName != "$.Statement[0].Action[0]" {
		t.Errorf("first result %+v", r)
	}
}

func TestValidateListChecks(t *testing.T) {
	_, out, _ := run(t, "", "validate", "--list-checks")
	if !strings.Contains(out, "PASS_ROLE_WITH_STAR_IN_RESOURCE") || strings.Count(out, "\n") < 100 {
		t.Errorf("--list-checks:\n%s", out)
	}
}

// TestAnalyzeChecksFirst: analyze reports a policy AWS would reject with
// its ERROR findings instead of auditing it, and decodes a bare
// URL-encoded document.
func TestAnalyzeChecksFirst(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "rn.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","NotResource":"arn:aws:iam::111122223333:role/x"}]}`)
	code, out, errOut := run(t, "", "analyze", "--policy", p)
	if code != 1 || !strings.Contains(errOut, p+":1:109: $.Statement[0].NotResource: AWS would reject this policy (UNSUPPORTED_ELEMENT_COMBINATION, so it is not audited)") ||
		strings.Contains(out, "Privilege escalation") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	// In a folder, the rejected policy is reported and the others audited.
	writeFile(t, dir, "admin.json", adminPolicy)
	code, out, errOut = run(t, "", "analyze", "--policy", dir)
	if !strings.Contains(out, "AWS would reject this policy, so it is not audited") || !strings.Contains(out, "Privilege escalation") {
		t.Errorf("folder: exit %d\n%s%s", code, out, errOut)
	}
	enc := writeFile(t, dir, "enc.json", "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3APassRole%22%2C%22Resource%22%3A%22*%22%7D%5D%7D")
	code, out, errOut = run(t, "", "analyze", "--policy", enc)
	if code != 0 || !strings.Contains(out, "iam:PassRole") {
		t.Errorf("URL-encoded: exit %d\n%s%s", code, out, errOut)
	}
}

// TestValidateCustomChecks: --guardrail, --must-not-grant and
// --check-public add MUST_NOT_GRANT and PUBLIC_ACCESS findings at the
// statement, and bad guardrail options are errors naming the option.
func TestValidateCustomChecks(t *testing.T) {
	dir := t.TempDir()
	pol := writeFile(t, dir, "admin.json", `{"Version": "2012-10-17", "Statement": [
  {"Sid": "Logs", "Effect": "Allow", "Action": "logs:GetLogEvents", "Resource": "arn:aws:logs:us-east-1:111122223333:log-group:app:*"},
  {"Sid": "Trail", "Effect": "Allow", "Action": "cloudtrail:StopLogging", "Resource": "arn:aws:cloudtrail:us-east-1:111122223333:trail/main"}
]}`)
	code, out, errOut := run(t, "", "validate", "--policy", pol, "--guardrail", "disable-logging", "--fail-on", "security-warning")
	if code != 3 || !strings.Contains(out, pol+`:3:3: SECURITY_WARNING MUST_NOT_GRANT: grants cloudtrail:StopLogging on arn:aws:cloudtrail:us-east-1:111122223333:trail/main, which guardrail "disable-logging" forbids`) {
		t.Errorf("--guardrail disable-logging: exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out, ":2:3: SECURITY_WARNING MUST_NOT_GRANT") {
		t.Errorf("the Logs statement is reported:\n%s", out)
	}
	rails := writeFile(t, dir, "rails.yml", "must-not-grant:\n  - name: no-logs\n    actions: [\"logs:*\"]\n")
	if _, out, _ := run(t, "", "validate", "--policy", pol, "--must-not-grant", rails); !strings.Contains(out, `:2:3: SECURITY_WARNING MUST_NOT_GRANT: grants logs:GetLogEvents`) {
		t.Errorf("--must-not-grant: \n%s", out)
	}
	bad := writeFile(t, dir, "bad.yml", "must-not-grant:\n  - name: x\n    action: [\"logs:*\"]\n")
	if c, _, e := run(t, "", "validate", "--policy", pol, "--must-not-grant", bad); c != 1 || !strings.Contains(e, "bad.yml:3:5: unknown key \"action\"") {
		t.Errorf("a bad guardrail file: exit %d %s", c, e)
	}
	if c, _, e := run(t, "", "validate", "--policy", pol, "--guardrail", "nope"); c != 2 || !strings.Contains(e, "--guardrail") {
		t.Errorf("--guardrail nope: exit %d %s", c, e)
	}
	bucket := writeFile(t, dir, "bucket.json", `{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
]}`)
	if _, out, _ := run(t, "", "validate", "--policy", bucket, "--policy-type", "resource", "--resource-type", "AWS::S3::Bucket", "--check-public"); !strings.Contains(out, "PUBLIC_ACCESS: open to \"*\" (s3:GetObject)") {
		t.Errorf("--check-public:\n%s", out)
	}
	if _, out, _ := run(t, "", "validate", "--policy", bucket, "--policy-type", "resource", "--resource-type", "AWS::S3::Bucket"); strings.Contains(out, "PUBLIC_ACCESS") {
		t.Errorf("PUBLIC_ACCESS without --check-public:\n%s", out)
	}
}
