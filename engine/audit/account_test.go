package audit

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// accountSummary is the golden form of an account report.
type accountSummary struct {
	Principals map[string]principalSummary `json:"principals"`
	Policies   map[string]policySummary    `json:"policies"`
}

type principalSummary struct {
	Worst      Severity `json:"worst,omitempty"`
	Counts     [4]int   `json:"counts"`
	Suppressed int      `json:"suppressed,omitempty"`
	Own        []string `json:"own,omitempty"`
	Paths      []string `json:"paths,omitempty"`
	Notes      int      `json:"notes,omitempty"`
}

type policySummary struct {
	AttachedTo []string `json:"attached_to,omitempty"`
	AtRisk     []string `json:"at_risk,omitempty"`
	Notes      int      `json:"notes,omitempty"`
}

func summarizeAccount(rep *Report) accountSummary {
	s := accountSummary{Principals: map[string]principalSummary{}, Policies: map[string]policySummary{}}
	for _, p := range rep.Principals {
		ps := principalSummary{Worst: p.Worst, Counts: p.Counts, Suppressed: len(p.Suppressed), Notes: len(p.Notes)}
		for _, f := range p.Findings {
			ps.Own = append(ps.Own, strings.TrimSpace(fmt.Sprintf("%s %s %s %s", f.Severity, f.List, f.Path, f.Detail)))
		}
		for _, f := range rep.PrincipalFindings(p) {
			if f.Path != "" && f.List == "privilege-escalation" {
				ps.Paths = append(ps.Paths, f.Path)
			}
		}
		sort.Strings(ps.Paths)
		s.Principals[p.Name] = ps
	}
	for _, p := range rep.Policies {
		s.Policies[p.Name] = policySummary{AttachedTo: p.AttachedTo, AtRisk: p.AtRisk, Notes: len(p.Notes)}
	}
	return s
}

func analyzeAccountFile(t *testing.T, file string, opts Options) *Report {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := AnalyzeAccount(defaultDB(t), src, filepath.Base(file), opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestAccountGolden analyzes testdata/accounts/account.json per principal,
// without and with the exclusions file, against golden summaries.
func TestAccountGolden(t *testing.T) {
	x, err := os.ReadFile("testdata/accounts/account.exclusions.yml")
	if err != nil {
		t.Fatal(err)
	}
	excl, err := ParseExclusions(x, "account.exclusions.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts Options
	}{{"account", Options{InfrastructureModification: true}}, {"account.excluded", Options{InfrastructureModification: true, Exclusions: excl}}} {
		t.Run(tc.name, func(t *testing.T) {
			rep := analyzeAccountFile(t, "testdata/accounts/account.json", tc.opts)
			got, _ := json.MarshalIndent(summarizeAccount(rep), "", "  ")
			golden.Check(t, filepath.Join("testdata", "accounts", tc.name+".golden.json"), append(got, '\n'), "")
		})
	}
}

// TestAccountSemantics checks the per-principal rules one by one.
func TestAccountSemantics(t *testing.T) {
	rep := analyzeAccountFile(t, "testdata/accounts/account.json", Options{InfrastructureModification: true})
	by := map[string]*PrincipalReport{}
	for _, p := range rep.Principals {
		by[p.Name] = p
	}
	paths := func(p *PrincipalReport) map[string]bool {
		m := map[string]bool{}
		for _, f := range rep.PrincipalFindings(p) {
			m[f.Path] = true
		}
		return m
	}
	// PassRole in an inline policy, RunInstances in a managed one.
	if f := by["user/alice"].Findings; len(f) != 1 || f[0].Path != "ec2-001" || f[0].Severity != SeverityCritical || len(f[0].Statements) != 2 {
		t.Errorf("alice: own findings %+v, want the ec2-001 combination across her two policies", f)
	}
	// Allow * in one policy, Deny * in another: nothing.
	if p := by["user/bob"]; p.Worst != "" || len(rep.PrincipalFindings(p)) != 0 {
		t.Errorf("bob (Allow * and Deny *): %d findings", len(rep.PrincipalFindings(p)))
	}
	// Groups' policies apply to their users.
	if p := by["user/carol"]; !paths(p)["iam-001"] || p.Worst != SeverityCritical {
		t.Errorf("carol (admins group) lacks iam-001: %v", paths(p))
	}
	// A boundary allowing only S3 reads leaves only those.
	if p := by["user/dave"]; paths(p)["iam-001"] || p.Boundary == nil {
		t.Errorf("dave's boundary not applied: %v", paths(p))
	} else {
		for _, f := range rep.PrincipalFindings(p) {
			for _, a := range rep.Expand(f.Actions, AnyLevel) {
				if !strings.HasPrefix(a, "s3:") {
					t.Errorf("dave: finding on %s survives an s3-only boundary", a)
				}
			}
		}
	}
	if p := by["user/erin"]; len(p.Notes) != 1 || !paths(p)["iam-001"] {
		t.Errorf("erin: a boundary not in the input must be noted and not applied: notes %v", p.Notes)
	}
	// A conditional Deny is not subtracted.
	if p := by["user/frank"]; !paths(p)["iam-001"] {
		t.Errorf("frank: conditional Deny subtracted")
	}
	for _, p := range rep.Policies {
		if p.Name == "policy/AllowAll (v1)" {
			if !contains(p.AtRisk, "user/carol") || contains(p.AtRisk, "user/bob") || !contains(p.AttachedTo, "user/bob") {
				t.Errorf("AllowAll: attached to %v, at risk %v", p.AttachedTo, p.AtRisk)
			}
		}
	}
	// Principals are ranked worst first.
	for i := 1; i < len(rep.Principals); i++ {
		if severityRank[rep.Principals[i].Worst] > severityRank[rep.Principals[i-1].Worst] {
			t.Errorf("principal %s ranked after a less severe one", rep.Principals[i].Name)
		}
	}
}

// TestAccountErrors checks that a bad authorization-details file is an
// error saying where.
func TestAccountErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`{"UserDetailList": [{"UserName": "a", "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": {"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}}}]}]}`, "$.UserDetailList[0].UserPolicyList[0].PolicyDocument"},
		{`{"UserDetailList": [{"UserName": 3}]}`, "a.json:1:"},
		{`{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::1:role/r", "AssumeRolePolicyDocument": "%7B%22Statement%22%3A"}]}`, "role/r trust policy"},
	} {
		_, err := AnalyzeAccount(defaultDB(t), []byte(tc.src), "a.json", Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to name %q", tc.src, err, tc.want)
		}
	}
}

// TestExclusionsFile checks the exclusions parser's errors.
func TestExclusionsFile(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"policies: [a]\nrole: [b]\n", "x.yml:2:1: unknown key \"role\""},
		{"users:\n  - {name: a}\n", "x.yml:2:5: users: expected a string"},
		{"- a\n", "x.yml:1:1: expected a mapping"},
		{"known-accounts: {a: 1}\n", "x.yml:1:17: known-accounts: expected a list"},
	} {
		_, err := ParseExclusions([]byte(tc.src), "x.yml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.src, err, tc.want)
		}
	}
	x, err := ParseExclusions([]byte("Roles: [Admin*]\nusers: bob\ninclude-actions: [s3:GetObject]\nexclude-actions: [s3:*]\n"), "x.yml")
	if err != nil {
		t.Fatal(err)
	}
	if !x.ExcludesPrincipal("role", "administrators") || x.ExcludesPrincipal("role", "ops") || !x.ExcludesPrincipal("user", "BOB") {
		t.Errorf("globs: %+v", x)
	}
	if !x.excludesAction("s3:PutObject") || x.excludesAction("s3:getobject") {
		t.Error("include-actions must win over exclude-actions")
	}
}
