package validate

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/diff"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/golden"
)

var (
	dbOnce sync.Once
	testDB *iamdb.DB
	dbErr  error
)

func loadDB(t testing.TB) *iamdb.DB {
	t.Helper()
	dbOnce.Do(func() { testDB, dbErr = dataset.Default() })
	if dbErr != nil {
		t.Fatal(dbErr)
	}
	return testDB
}

// render is the golden form of findings: one a line.
func render(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		fmt.Fprintf(&b, "%d:%d-%d:%d %s %s %s: %s", d.Start.Line, d.Start.Column, d.End.Line, d.End.Column, d.Severity, d.Code, d.Path, d.Message)
		if len(d.Suggestions) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(d.Suggestions, " | "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// caseFile is one golden case: testdata/cases/<policy type>/<name>.json.
// A name CODE.json (or CODE.variant.json) must trigger CODE and
// CODE.ok.json (or CODE.ok.variant.json) must not; a name may end with
// @Resource-Type (AWS::S3::Bucket written AWS-S3-Bucket). The custom
// checks run when asked: a part "public" sets CheckPublic, a part
// "guard-NAME" adds the built-in guardrail NAME, and a file
// <name>.guardrails.yml beside the case is its must-not-grant file.
type caseFile struct {
	path, name, code string
	nearMiss         bool
	opts             Options
	builtins         []string
}

// options resolves the case's guardrails against db.
func (c caseFile) options(t *testing.T, db *iamdb.DB) Options {
	t.Helper()
	opts := c.opts
	src, err := os.ReadFile(strings.TrimSuffix(c.path, ".json") + ".guardrails.yml")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if opts.Guardrails, err = diff.ResolveGuardrails(db, src, "guardrails.yml", c.builtins); err != nil {
		t.Fatal(err)
	}
	return opts
}

func cases(t *testing.T) []caseFile {
	files, err := filepath.Glob("testdata/cases/*/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	var out []caseFile
	for _, f := range files {
		pt, err := ParsePolicyType(filepath.Base(filepath.Dir(f)))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		c := caseFile{path: f, name: name, opts: Options{PolicyType: pt}}
		base := name
		if i := strings.IndexByte(base, '@'); i > 0 {
			c.opts.ResourceType = strings.ReplaceAll(base[i+1:], "-", "::")
			base = base[:i]
		}
		parts := strings.Split(base, ".") // CODE[.ok][.variant]
		base = parts[0]
		for _, p := range parts[1:] {
			c.nearMiss = c.nearMiss || p == "ok"
			c.opts.CheckPublic = c.opts.CheckPublic || p == "public"
			if g, ok := strings.CutPrefix(p, "guard-"); ok {
				c.builtins = append(c.builtins, g)
			}
		}
		if Lookup(base) != nil {
			c.code = base
		}
		out = append(out, c)
	}
	return out
}

// TestCases validates every case, compares with its golden file and
// checks that trigger cases report their code and near-misses do not.
func TestCases(t *testing.T) {
	db := loadDB(t)
	for _, c := range cases(t) {
		t.Run(filepath.Base(filepath.Dir(c.path))+"/"+c.name, func(t *testing.T) {
			if err := c.opts.CheckOptions(); err != nil {
				t.Fatal(err)
			}
			src, err := os.ReadFile(c.path)
			if err != nil {
				t.Fatal(err)
			}
			l := Validate(db, src, c.path, c.options(t, db))
			got := render(l)
			golden.Check(t, strings.TrimSuffix(c.path, ".json")+".golden", []byte(got), "")
			has := false
			for _, d := range l {
				has = has || d.Code == c.code
				if Lookup(d.Code) == nil {
					t.Errorf("finding code %s is not in the table", d.Code)
				}
				if !d.Start.IsValid() || !d.End.IsValid() || d.End.Offset < d.Start.Offset {
					t.Errorf("bad span %v-%v for %s", d.Start, d.End, d.Code)
				}
			}
			switch {
			case c.code == "":
			case c.nearMiss && has:
				t.Errorf("near-miss case reports %s:\n%s", c.code, got)
			case !c.nearMiss && !has:
				t.Errorf("case does not report %s:\n%s", c.code, got)
			}
		})
	}
}

// TestEveryCheckHasCases: each check in the table has a case that
// triggers it and a near-miss that must not.
func TestEveryCheckHasCases(t *testing.T) {
	trig, near := map[string]bool{}, map[string]bool{}
	for _, c := range cases(t) {
		if c.nearMiss {
			near[c.code] = true
		} else {
			trig[c.code] = true
		}
	}
	var missing []string
	for _, ch := range Checks() {
		if !trig[ch.Code] {
			missing = append(missing, ch.Code+" (trigger)")
		}
		if !near[ch.Code] {
			missing = append(missing, ch.Code+" (near-miss)")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d cases missing in testdata/cases:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

func TestTable(t *testing.T) {
	seen := map[string]bool{}
	for _, ch := range Checks() {
		if seen[ch.Code] {
			t.Errorf("%s twice", ch.Code)
		}
		seen[ch.Code] = true
		if ch.Title == "" || ch.Description == "" || !strings.HasPrefix(ch.Link, "https://") {
			t.Errorf("%s: incomplete %+v", ch.Code, ch)
		}
		if ch.Origin != aa && ch.Origin != parl && ch.Origin != ours {
			t.Errorf("%s: origin %q", ch.Code, ch.Origin)
		}
	}
}

func TestParsePolicyType(t *testing.T) {
	for in, want := range map[string]PolicyType{"identity": Identity, "RESOURCE_POLICY": Resource, "scp": SCP,
		"SERVICE_CONTROL_POLICY": SCP, "rcp": RCP, "trust": Trust, "ROLE_TRUST_POLICY": Trust, "": Identity} {
		got, err := ParsePolicyType(in)
		if err != nil || got != want {
			t.Errorf("ParsePolicyType(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParsePolicyType("group"); err == nil {
		t.Error("ParsePolicyType(group): no error")
	}
	if err := (Options{PolicyType: Identity, ResourceType: "AWS::S3::Bucket"}).CheckOptions(); err == nil {
		t.Error("a resource type with an identity policy must be an error")
	}
	if err := (Options{PolicyType: Resource, ResourceType: "AWS::S3::Buckets"}).CheckOptions(); err == nil {
		t.Error("an unknown resource type must be an error")
	}
}

func TestURLEncoded(t *testing.T) {
	db := loadDB(t)
	enc := "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObjekt%22%2C%22Resource%22%3A%22*%22%7D%5D%7D"
	l := Validate(db, []byte(enc), "enc.json", Options{})
	if len(l) != 1 || l[0].Code != "INVALID_ACTION" {
		t.Fatalf("URL-encoded policy: %v", render(l))
	}
}

func TestIntersects(t *testing.T) {
	tests := []struct {
		pol, fmtRes string
		strict      bool
		want        bool
	}{
		{"my-bucket", "${BucketName}", true, true},
		{"my-bucket/*", "${BucketName}", true, false},
		{"my-bucket/*", "${BucketName}/${ObjectName}", true, true},
		{"my-bucket", "${BucketName}/${ObjectName}", true, false},
		{"my-bucket*", "${BucketName}/${ObjectName}", true, true},
		{"role/path/name", "role/${RoleNameWithPath}", true, true},
		{"table/orders", "table/${TableName}", true, true},
		{"table/orders/index/*", "table/${TableName}", true, false},
		{"table/orders/index/*", "table/${TableName}/index/${IndexName}", true, true},
		{"user/bob", "role/${RoleNameWithPath}", false, false},
		{"*", "anything/${X}", true, true},
		{"fun?tion:x", "function:${FunctionName}", true, true},
	}
	for _, tc := range tests {
		if got := intersects(policyPattern(tc.pol), pattern(tc.fmtRes, tc.strict)); got != tc.want {
			t.Errorf("intersects(%q, %q) = %v, want %v", tc.pol, tc.fmtRes, got, tc.want)
		}
	}
}
