package simulate

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/golden"
	"github.com/leastpriv/policysentry/engine/policy"
	"go.yaml.in/yaml/v3"
)

// goldenCase is one row of testdata/cases.yaml.
type goldenCase struct {
	Name string `yaml:"name"`
	// Doc is the AWS documentation sentence the case tests.
	Doc      string       `yaml:"doc"`
	Policies casePolicies `yaml:"policies"`
	Request  caseRequest  `yaml:"request"`
	Want     Decision     `yaml:"want"`
	// Differs is the near miss's differences, when checked.
	Differs []string `yaml:"differs"`
}

type casePolicies struct {
	Identity []string   `yaml:"identity"`
	Resource string     `yaml:"resource"`
	Boundary string     `yaml:"boundary"`
	Session  []string   `yaml:"session"`
	SCPs     [][]string `yaml:"scps"`
	RCPs     [][]string `yaml:"rcps"`
	Required bool       `yaml:"resource_policy_required"`
}

type caseRequest struct {
	Principal       string         `yaml:"principal"`
	Action          string         `yaml:"action"`
	Resource        string         `yaml:"resource"`
	ResourceAccount string         `yaml:"resource_account"`
	Context         map[string]any `yaml:"context"`
}

// casePolicy compiles a policy written in a case: a full document, or
// statements (an object or array starting with {"Effect"...} or [)
// wrapped in a 2012-10-17 document.
func casePolicy(t *testing.T, text, name string) *Policy {
	t.Helper()
	s := strings.TrimSpace(text)
	if strings.HasPrefix(s, "[") || (strings.HasPrefix(s, "{") && !strings.Contains(s, `"Statement"`)) {
		s = `{"Version":"2012-10-17","Statement":` + s + `}`
	}
	doc, err := policy.Parse([]byte(s), name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	p, err := Compile(doc)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return p
}

func (c *goldenCase) set(t *testing.T) *Set {
	s := &Set{ResourcePolicyRequired: c.Policies.Required}
	for i, p := range c.Policies.Identity {
		s.Identity = append(s.Identity, casePolicy(t, p, "identity"+itoa(i)))
	}
	if c.Policies.Resource != "" {
		s.Resource = casePolicy(t, c.Policies.Resource, "resource")
	}
	if c.Policies.Boundary != "" {
		s.Boundary = casePolicy(t, c.Policies.Boundary, "boundary")
	}
	for i, p := range c.Policies.Session {
		s.Session = append(s.Session, casePolicy(t, p, "session"+itoa(i)))
	}
	for i, l := range c.Policies.SCPs {
		var lv []*Policy
		for j, p := range l {
			lv = append(lv, casePolicy(t, p, "scp"+itoa(i+1)+"."+itoa(j)))
		}
		s.SCPs = append(s.SCPs, lv)
	}
	for i, l := range c.Policies.RCPs {
		var lv []*Policy
		for j, p := range l {
			lv = append(lv, casePolicy(t, p, "rcp"+itoa(i+1)+"."+itoa(j)))
		}
		s.RCPs = append(s.RCPs, lv)
	}
	return s
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func (c *goldenCase) request(t *testing.T) *Request {
	r := &Request{PrincipalARN: c.Request.Principal, Action: c.Request.Action, Resource: c.Request.Resource, ResourceAccount: c.Request.ResourceAccount}
	if c.Request.Context != nil {
		b, _ := json.Marshal(c.Request.Context)
		if err := json.Unmarshal(b, &r.Context); err != nil {
			t.Fatalf("%s: context: %v", c.Name, err)
		}
	}
	return r
}

func loadCases(t *testing.T) []goldenCase {
	src, err := os.ReadFile("testdata/cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	if err := yaml.Unmarshal(src, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestGoldenRequests runs the table of requests, one or more per rule of
// AWS's evaluation logic, each citing the documentation sentence it
// tests, checks each decision, and keeps every full answer (reasons,
// deciding statements, condition values, near misses) in a golden file.
func TestGoldenRequests(t *testing.T) {
	cases := loadCases(t)
	if len(cases) < 50 {
		t.Fatalf("only %d cases", len(cases))
	}
	var all bytes.Buffer
	seen := map[string]bool{}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if seen[c.Name] {
				t.Fatalf("duplicate case name")
			}
			seen[c.Name] = true
			if strings.TrimSpace(c.Doc) == "" {
				t.Fatalf("the case cites no AWS documentation sentence (doc:)")
			}
			res := c.set(t).Evaluate(c.request(t))
			if res.Decision != c.Want {
				var b bytes.Buffer
				WriteText(&b, []*Result{res})
				t.Errorf("decision %s, want %s\n%s", res.Decision, c.Want, b.String())
			}
			if c.Differs != nil {
				if res.NearMiss == nil {
					t.Errorf("no near miss, want differs %v", c.Differs)
				} else if strings.Join(res.NearMiss.Differs, "|") != strings.Join(c.Differs, "|") {
					t.Errorf("near miss differs %v, want %v", res.NearMiss.Differs, c.Differs)
				}
			}
			all.WriteString("== " + c.Name + "\n")
			WriteText(&all, []*Result{res})
		})
	}
	golden.Check(t, "testdata/cases.golden.txt", all.Bytes(), "go test ./engine/simulate -run TestGoldenRequests -update")
}
