package audit

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/audit/paths"
	"github.com/leastpriv/policysentry/engine/internal/golden"
	"github.com/leastpriv/policysentry/engine/policy"
)

// pathIDs returns the escalation path ids a document's report has.
func pathIDs(t *testing.T, doc string) []string {
	t.Helper()
	d, err := policy.Parse([]byte(doc), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Analyze(defaultDB(t), []*policy.Document{d}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range rep.Policies[0].Findings {
		if f.Path != "" {
			ids = append(ids, f.Path+":"+string(f.Severity))
		}
	}
	sort.Strings(ids)
	return ids
}

func allowDoc(actions []string, resource string) string {
	b, _ := json.Marshal(actions)
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":%s,"Resource":%q}]}`, b, resource)
}

// TestEscalationPaths checks every path of the catalogue: a minimal policy
// with its actions on "*" has it (critical; testdata/paths.golden.json
// lists every path that minimal policy has, the path's own and the paths
// its actions complete on their own), and each near miss does not: one
// action left out, or the actions granted on a resource of another type.
func TestEscalationPaths(t *testing.T) {
	ps, err := paths.All()
	if err != nil {
		t.Fatal(err)
	}
	minimal := map[string][]string{}
	for _, p := range ps {
		got := pathIDs(t, allowDoc(p.Actions, "*"))
		minimal[p.ID] = got
		if !contains(got, p.ID+":critical") {
			t.Errorf("%s: minimal policy gives %v, want %s critical", p.ID, got, p.ID)
		}
		for i := range p.Actions {
			rest := append(append([]string(nil), p.Actions[:i]...), p.Actions[i+1:]...)
			if len(rest) == 0 {
				continue
			}
			for _, id := range pathIDs(t, allowDoc(rest, "*")) {
				if strings.HasPrefix(id, p.ID+":") {
					t.Errorf("%s fires without %s", p.ID, p.Actions[i])
				}
			}
		}
		// On a resource none of the actions has: grants nothing.
		for _, id := range pathIDs(t, allowDoc(p.Actions, "arn:aws:sns:us-east-1:123456789012:no-such-type/x")) {
			if strings.HasPrefix(id, p.ID+":") {
				t.Errorf("%s fires on a resource of another type", p.ID)
			}
		}
	}
	got, _ := json.MarshalIndent(minimal, "", "  ")
	golden.Check(t, filepath.Join("testdata", "paths.golden.json"), append(got, '\n'), "")
}

// TestEscalationSeverity ranks PassRole paths from the effective
// resource: every role (as "*" or as an ARN pattern covering every role)
// is critical, one role is lower, a role pattern of another type nothing.
func TestEscalationSeverity(t *testing.T) {
	doc := func(passRoleResource string) string {
		return `{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"` + passRoleResource + `"},
			{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"}]}`
	}
	for _, tc := range []struct{ resource, want string }{
		{"*", "ec2-001:critical"},
		{"arn:aws:iam::*:role/*", "ec2-001:critical"},
		{"arn:aws:iam::123456789012:role/*", "ec2-001:critical"},
		{"arn:aws:iam::123456789012:role/app", "ec2-001:medium"},
		{"arn:aws:iam::123456789012:user/*", ""},
	} {
		got := pathIDs(t, doc(tc.resource))
		if tc.want == "" && len(got) != 0 || tc.want != "" && !contains(got, tc.want) {
			t.Errorf("PassRole on %s: %v, want %q", tc.resource, got, tc.want)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestREADMEListsEveryPath keeps README.md's path table in step with
// paths.yml.
func TestREADMEListsEveryPath(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := paths.All()
	for _, p := range ps {
		if !strings.Contains(string(b), "| `"+p.ID+"` |") {
			t.Errorf("README.md does not list path %s", p.ID)
		}
	}
}
