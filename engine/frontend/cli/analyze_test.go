package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"go.yaml.in/yaml/v3"
)

const (
	adminPolicy = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}`
	readPolicy  = `{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": "arn:aws:s3:::b"}]}`
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAnalyzeAdministratorAccess checks the text report of an
// AdministratorAccess policy: every privilege-escalation method, ranked
// critical on Resource *, and exit code 0 without --fail-on.
func TestAnalyzeAdministratorAccess(t *testing.T) {
	p := writeFile(t, t.TempDir(), "AdministratorAccess.json", adminPolicy)
	code, out, errOut := run(t, "", "analyze", "--policy", p)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	lists, _ := audit.BuiltinLists()
	for _, m := range lists[0].Methods {
		if !strings.Contains(out, "[CRITICAL] Privilege escalation: "+m.Name+"\n") {
			t.Errorf("text report lacks method %s", m.Name)
		}
	}
	db, _ := dataset.Default()
	src, _ := os.ReadFile(p)
	rep, err := audit.AnalyzeSource(db, src, p, audit.Options{InfrastructureModification: true})
	if err != nil {
		t.Fatal(err)
	}
	count := map[audit.Severity]int{}
	for _, f := range rep.Policies[0].Findings {
		count[f.Severity]++
	}
	summary := fmt.Sprintf("  findings: %d critical, %d high", count[audit.SeverityCritical], count[audit.SeverityHigh])
	for _, want := range []string{"== " + p + "\n" + summary, "every resource", "Infrastructure modification"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q", want)
		}
	}
}

// TestAnalyzeFailOn checks --fail-on: exit 3 at or above the threshold,
// 0 below it, 2 for an unknown severity.
func TestAnalyzeFailOn(t *testing.T) {
	dir := t.TempDir()
	admin := writeFile(t, dir, "admin.json", adminPolicy)
	read := writeFile(t, dir, "read.json", readPolicy)
	for _, tc := range []struct {
		file, level string
		want        int
	}{
		{admin, "critical", 3}, {admin, "low", 3}, {read, "low", 0}, {read, "critical", 0}, {admin, "severe", ExitUsage},
	} {
		code, _, errOut := run(t, "", "analyze", "--policy", tc.file, "--fail-on", tc.level)
		if code != tc.want {
			t.Errorf("%s --fail-on %s: exit %d, want %d\n%s", filepath.Base(tc.file), tc.level, code, tc.want, errOut)
		}
	}
}

// TestAnalyzeFormats checks that JSON and YAML carry the same report.
func TestAnalyzeFormats(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "admin.json", adminPolicy)
	writeFile(t, dir, "read.json", readPolicy)
	code, js, errOut := run(t, "", "analyze", "--policy", dir, "--fmt", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var fromJSON, fromYAML audit.Report
	if err := json.Unmarshal([]byte(js), &fromJSON); err != nil {
		t.Fatal(err)
	}
	_, ys, _ := run(t, "", "analyze", "--policy", dir, "--fmt", "yaml")
	if err := yaml.Unmarshal([]byte(ys), &fromYAML); err != nil {
		t.Fatal(err)
	}
	if len(fromJSON.Policies) != 2 || filepath.Base(fromJSON.Policies[0].Name) != "admin.json" {
		t.Fatalf("folder: policies %d, first %q", len(fromJSON.Policies), fromJSON.Policies[0].Name)
	}
	a, _ := json.Marshal(fromJSON)
	b, _ := json.Marshal(fromYAML)
	if string(a) != string(b) {
		t.Errorf("the YAML report differs from the JSON one")
	}
	read := fromJSON.Policies[1]
	if len(read.Findings) != 0 || read.Allowed[2].Level != "list" || read.Allowed[2].Actions[0] != "s3:ListBucket" {
		t.Errorf("read.json report %+v", read)
	}
	// Deterministic output.
	if _, again, _ := run(t, "", "analyze", "--policy", dir, "--fmt", "json"); again != js {
		t.Error("two runs gave different JSON")
	}
}

// TestAnalyzeFromAccessLevel checks that --from-access-level with JSON
// prints a plain sorted array of actions of that level only.
func TestAnalyzeFromAccessLevel(t *testing.T) {
	db, _ := dataset.Default()
	p := writeFile(t, t.TempDir(), "p.json", `{"Statement": [{"Effect": "Allow", "Action": ["iam:*", "s3:Put*"], "Resource": "*"}]}`)
	code, out, errOut := run(t, "", "analyze", "--policy", p, "--from-access-level", "permissions-management", "--fmt", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var acts []string
	if err := json.Unmarshal([]byte(out), &acts); err != nil {
		t.Fatalf("not a JSON array of strings: %v\n%s", err, out)
	}
	if len(acts) == 0 || !sort.StringsAreSorted(acts) {
		t.Fatalf("%d actions, sorted %v", len(acts), sort.StringsAreSorted(acts))
	}
	want := 0
	for _, a := range append(db.Expand("iam:*"), db.Expand("s3:Put*")...) {
		if a.AccessLevel == iamdb.PermissionsManagement {
			want++
		}
	}
	if len(acts) != want {
		t.Errorf("%d actions, the dataset has %d permissions-management actions in iam:* and s3:Put*", len(acts), want)
	}
	for _, name := range acts {
		a := db.Action(name)
		if a == nil || a.AccessLevel != iamdb.PermissionsManagement || a.FullName() != name {
			t.Errorf("%s is not a permissions-management action in the dataset's casing", name)
		}
	}
	code, text, _ := run(t, "", "analyze", "--policy", p, "-a", "permissions-management")
	if code != 0 || strings.Join(acts, "\n")+"\n" != text {
		t.Errorf("text output is not one action a line")
	}
	if code, _, _ := run(t, "", "analyze", "--policy", p, "-a", "admin"); code != ExitUsage {
		t.Errorf("unknown level: exit %d, want %d", code, ExitUsage)
	}
}

// TestAnalyzeFromAuditFile checks a custom audit file replaces the lists.
func TestAnalyzeFromAuditFile(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "p.json", adminPolicy)
	list := writeFile(t, dir, "audit.txt", "# my list\nkms:Decrypt\ns3:Get*Acl\n")
	code, out, errOut := run(t, "", "analyze", "--policy", p, "--from-audit-file", list, "--fmt", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var rep audit.Report
	json.Unmarshal([]byte(out), &rep)
	got := map[string]bool{}
	for _, f := range rep.Policies[0].Findings {
		if f.List != "custom" {
			t.Errorf("finding from list %s", f.List)
		}
		for _, a := range f.Actions {
			got[a] = true // single-action findings that agree are merged in JSON
		}
	}
	if !got["kms:Decrypt"] || !got["s3:GetObjectAcl"] || !got["s3:GetBucketAcl"] {
		t.Errorf("findings %v", got)
	}
	bad := writeFile(t, dir, "bad.txt", "kms:Decrypt\nnot an action\n")
	if code, _, errOut := run(t, "", "analyze", "--policy", p, "--from-audit-file", bad); code != ExitError || !strings.Contains(errOut, "bad.txt:2:") {
		t.Errorf("bad audit file: exit %d\n%s", code, errOut)
	}
}

// TestAnalyzeBadInput checks errors: a malformed file names line:column;
// in a folder the other files are still reported and the exit code is 1.
func TestAnalyzeBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.json", "{\"Statement\": [\n  {\"Effect\": \"Allow\" \"Action\": \"*\"}]}")
	code, _, errOut := run(t, "", "analyze", "--policy", bad)
	if code != ExitError || !strings.Contains(errOut, "bad.json:2:22: malformed JSON") {
		t.Errorf("malformed file: exit %d\n%s", code, errOut)
	}
	writeFile(t, dir, "good.json", readPolicy)
	code, out, errOut := run(t, "", "analyze", "--policy", dir, "--fmt", "json")
	var rep audit.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != ExitError || len(rep.Policies) != 2 {
		t.Fatalf("folder with a bad file: exit %d, %v\n%s", code, err, errOut)
	}
	var errors, fine int
	for _, p := range rep.Policies {
		if p.Error != "" {
			errors++
			if !strings.Contains(p.Error, "2:22") {
				t.Errorf("error without position: %s", p.Error)
			}
		} else {
			fine++
		}
	}
	if errors != 1 || fine != 1 {
		t.Errorf("%d errors, %d reports", errors, fine)
	}
	if code, _, _ := run(t, "", "analyze", "--policy", filepath.Join(dir, "missing.json")); code != ExitError {
		t.Errorf("missing file: exit %d", code)
	}
	if code, _, _ := run(t, "", "analyze"); code != ExitUsage {
		t.Errorf("no --policy: exit %d, want %d", code, ExitUsage)
	}
}

const smallAccount = `{"UserDetailList": [
  {"UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice", "GroupList": [],
   "UserPolicyList": [{"PolicyName": "pass", "PolicyDocument": {"Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role/*"}}}],
   "AttachedManagedPolicies": [{"PolicyName": "Launch", "PolicyArn": "arn:aws:iam::111122223333:policy/Launch"}]},
  {"UserName": "bob", "Arn": "arn:aws:iam::111122223333:user/bob",
   "UserPolicyList": [{"PolicyName": "all", "PolicyDocument": {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}},
                      {"PolicyName": "none", "PolicyDocument": {"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}}]}],
 "RoleDetailList": [{"RoleName": "public", "Arn": "arn:aws:iam::111122223333:role/public",
   "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}}}],
 "Policies": [{"PolicyName": "Launch", "Arn": "arn:aws:iam::111122223333:policy/Launch", "DefaultVersionId": "v1",
   "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Statement": {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}}}]}]}`

// TestAnalyzeAccount checks authorization details per principal in every
// format, and --exclusions-file.
func TestAnalyzeAccount(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "account.json", smallAccount)
	code, out, errOut := run(t, "", "analyze", "--policy", p)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"== account: 3 principals, 2 with findings", "== user/alice: 1 critical", "PassExistingRoleToNewEC2Instance",
		"== role/public: 1 critical", "(Principal *)"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q\n%s", want, out)
		}
	}
	if strings.Contains(out, "== user/bob:") {
		t.Error("bob (Allow * and Deny *) has findings")
	}
	_, js, _ := run(t, "", "analyze", "--policy", p, "--fmt", "json")
	var rep struct {
		Format     string `json:"format"`
		Principals []struct {
			Name  string `json:"name"`
			Worst string `json:"worst"`
		} `json:"principals"`
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil || rep.Format != audit.ReportFormat || len(rep.Principals) != 3 || rep.Principals[2].Name != "user/bob" || rep.Principals[2].Worst != "" {
		t.Errorf("JSON report: %v %+v", err, rep)
	}
	_, csv, _ := run(t, "", "analyze", "--policy", p, "--fmt", "csv")
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if lines[0] != strings.Join(audit.CSVHeader, ",") || !strings.Contains(csv, "user/alice,,") || !strings.Contains(csv, "role/public,,trust policy: Statement[0],trust,trust-anyone,critical") {
		t.Errorf("CSV report:\n%s", csv)
	}
	excl := writeFile(t, dir, "exclusions.yml", "roles: [PUB*]\nexclude-actions: [iam:passrole]\n")
	_, out, _ = run(t, "", "analyze", "--policy", p, "--exclusions-file", excl)
	if strings.Contains(out, "role/public") || strings.Contains(out, "PassExistingRoleToNewEC2Instance") {
		t.Errorf("exclusions not applied:\n%s", out)
	}
	bad := writeFile(t, dir, "bad.yml", "roles: [a]\nprincipals: [b]\n")
	if code, _, errOut := run(t, "", "analyze", "--policy", p, "--exclusions-file", bad); code != ExitError || !strings.Contains(errOut, "bad.yml:2:1: unknown key \"principals\"") {
		t.Errorf("bad exclusions file: exit %d\n%s", code, errOut)
	}
}
