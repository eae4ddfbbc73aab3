package query

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/golden"
	"github.com/leastpriv/policysentry/engine/sources/policysentry"
)

// miniDB loads the hand-made dataset in testdata (Policy Sentry's format).
func miniDB(t testing.TB) *iamdb.DB {
	t.Helper()
	f, err := os.Open("testdata/mini-iam-definition.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	db, err := policysentry.Parse(f, iamdb.Manifest{Package: "mini"})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

type queryCase struct {
	name string
	fmt  string
	run  func(db *iamdb.DB) (*Result, error)
}

func actionTable(o ActionTableOptions) func(*iamdb.DB) (*Result, error) {
	return func(db *iamdb.DB) (*Result, error) { return ActionTable(db, o) }
}

var goldenCases = []queryCase{
	{"action-all", "json", actionTable(ActionTableOptions{Service: "demo"})},
	{"action-all", "yaml", actionTable(ActionTableOptions{Service: "demo"})},
	{"action-name", "json", actionTable(ActionTableOptions{Service: "demo", Name: "createwidget", HasName: true})},
	{"action-name", "yaml", actionTable(ActionTableOptions{Service: "demo", Name: "createwidget", HasName: true})},
	{"action-name-prefix", "json", actionTable(ActionTableOptions{Service: "demo", Name: "Get*", HasName: true})},
	{"action-level-read", "json", actionTable(ActionTableOptions{Service: "demo", AccessLevel: "read"})},
	{"action-level-pm", "json", actionTable(ActionTableOptions{Service: "demo", AccessLevel: "permissions-management"})},
	{"action-level-rt", "json", actionTable(ActionTableOptions{Service: "demo", AccessLevel: "write", ResourceType: "GADGET"})},
	{"action-level-rt-star", "json", actionTable(ActionTableOptions{Service: "demo", AccessLevel: "read", ResourceType: "*"})},
	{"action-rt", "json", actionTable(ActionTableOptions{Service: "demo", ResourceType: "widget"})},
	{"action-rt-star", "json", actionTable(ActionTableOptions{Service: "demo", ResourceType: "*"})},
	{"action-condition", "json", actionTable(ActionTableOptions{Service: "demo", Condition: "aws:RequestTag/${TagKey}"})},
	{"action-name-and-level", "json", actionTable(ActionTableOptions{Service: "demo", Name: "GetWidget", HasName: true, AccessLevel: "read"})},
	{"action-all-services-level", "json", actionTable(ActionTableOptions{Service: "all", AccessLevel: "list"})},
	{"action-all-services-rt-star", "json", actionTable(ActionTableOptions{Service: "all", ResourceType: "*"})},
	{"arn-raw", "json", func(db *iamdb.DB) (*Result, error) { return ARNTable(db, "demo", "", false, false) }},
	{"arn-list", "json", func(db *iamdb.DB) (*Result, error) { return ARNTable(db, "demo", "", false, true) }},
	{"arn-name", "yaml", func(db *iamdb.DB) (*Result, error) { return ARNTable(db, "demo", "Widget", true, false) }},
	{"condition-all", "json", func(db *iamdb.DB) (*Result, error) { return ConditionTable(db, "demo", "", false) }},
	{"condition-name", "json", func(db *iamdb.DB) (*Result, error) { return ConditionTable(db, "demo", "demo:widgetcolor", true) }},
	{"condition-pattern", "json", func(db *iamdb.DB) (*Result, error) {
		return ConditionTable(db, "demo", "aws:ResourceTag/team", true)
	}},
	{"service", "json", func(db *iamdb.DB) (*Result, error) { return ServiceTable(db), nil }},
	{"service", "yaml", func(db *iamdb.DB) (*Result, error) { return ServiceTable(db), nil }},
	{"service", "csv", func(db *iamdb.DB) (*Result, error) { return ServiceTable(db), nil }},
}

// TestGolden compares each query's printed output with its golden file in
// testdata/golden. Run `go test ./engine/query -update` after a deliberate
// change and review the diff.
func TestGolden(t *testing.T) {
	db := miniDB(t)
	for _, c := range goldenCases {
		file := filepath.Join("testdata", "golden", c.name+"."+c.fmt)
		t.Run(c.name+"."+c.fmt, func(t *testing.T) {
			res, err := c.run(db)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := res.Write(&got, c.fmt); err != nil {
				t.Fatal(err)
			}
			// The same query twice must print the same bytes.
			res2, _ := c.run(db)
			var again bytes.Buffer
			_ = res2.Write(&again, c.fmt)
			if !bytes.Equal(got.Bytes(), again.Bytes()) {
				t.Fatal("output differs between two runs of the same query")
			}
			golden.Check(t, file, got.Bytes(), "")
		})
	}
}

// TestSemantics checks facts of the hand-made data directly, so that a
// wrong golden file cannot hide a wrong answer.
func TestSemantics(t *testing.T) {
	db := miniDB(t)
	list := func(o ActionTableOptions) []string {
		t.Helper()
		r, err := ActionTable(db, o)
		if err != nil {
			t.Fatal(err)
		}
		return asStrings(r.Value)
	}
	check := func(what string, got []string, want ...string) {
		t.Helper()
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: %v, want %v", what, got, want)
		}
	}
	check("permissions management", list(ActionTableOptions{Service: "demo", AccessLevel: "permissions-management"}), "demo:PutWidgetPolicy")
	check("tagging", list(ActionTableOptions{Service: "demo", AccessLevel: "tagging"}), "demo:TagWidget")
	check("wildcard-only", list(ActionTableOptions{Service: "demo", ResourceType: "*"}), "demo:ListWidgets", "demo:describeall")
	check("gadget (case-insensitive)", list(ActionTableOptions{Service: "demo", ResourceType: "GADGET"}), "demo:CreateWidget", "demo:GetGadget")
	check("condition", list(ActionTableOptions{Service: "iam", Condition: "iam:PassedToService"}), "iam:PassRole")

	r, err := ActionTable(db, ActionTableOptions{Service: "demo", Name: "CREATEWIDGET", HasName: true})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	_ = r.Write(&out, "json")
	for _, want := range []string{`"demo:CreateWidget"`, `"iam:PassRole"`, `"demo:GetGadget"`, `"arn:${Partition}:demo:${Region}:${Account}:gadget/${GadgetId}"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("action data of demo:CreateWidget lacks %s:\n%s", want, out.String())
		}
	}
}

// TestNotFound checks the did-you-mean errors for names that do not exist.
func TestNotFound(t *testing.T) {
	db := miniDB(t)
	cases := []struct {
		name    string
		run     func() (*Result, error)
		kind    string
		suggest string
	}{
		{"service", func() (*Result, error) { return ActionTable(db, ActionTableOptions{Service: "dmeo"}) }, "service", "demo"},
		{"service case", func() (*Result, error) { return ARNTable(db, "DEMO", "", false, false) }, "service", "demo"},
		{"action", func() (*Result, error) {
			return ActionTable(db, ActionTableOptions{Service: "demo", Name: "GetWidgets", HasName: true})
		}, "action", "GetWidget"},
		{"action prefix", func() (*Result, error) {
			return ActionTable(db, ActionTableOptions{Service: "demo", Name: "Nothing*", HasName: true})
		}, "action", ""},
		{"resource type", func() (*Result, error) {
			return ActionTable(db, ActionTableOptions{Service: "demo", ResourceType: "widgit"})
		}, "resource type", "widget"},
		{"resource type with level", func() (*Result, error) {
			return ActionTable(db, ActionTableOptions{Service: "demo", AccessLevel: "read", ResourceType: "gadgett"})
		}, "resource type", "gadget"},
		{"condition", func() (*Result, error) {
			return ActionTable(db, ActionTableOptions{Service: "demo", Condition: "demo:WidgetColour"})
		}, "condition key", "demo:WidgetColor"},
		{"arn name", func() (*Result, error) { return ARNTable(db, "demo", "gadgets", true, false) }, "resource type", "gadget"},
		{"condition name", func() (*Result, error) { return ConditionTable(db, "iam", "iam:PassedToServce", true) }, "condition key", "iam:PassedToService"},
		{"condition service", func() (*Result, error) { return ConditionTable(db, "iamm", "", false) }, "service", "iam"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := c.run()
			var nf *NotFoundError
			if !errors.As(err, &nf) {
				t.Fatalf("got result %v, error %v; want a *NotFoundError", res, err)
			}
			if nf.Kind != c.kind {
				t.Errorf("kind %q, want %q", nf.Kind, c.kind)
			}
			if c.suggest == "" {
				if len(nf.Suggestions) != 0 {
					t.Errorf("suggestions %v, want none", nf.Suggestions)
				}
			} else if len(nf.Suggestions) == 0 || nf.Suggestions[0] != c.suggest {
				t.Errorf("suggestions %v, want %s first", nf.Suggestions, c.suggest)
			}
			if msg := err.Error(); !strings.Contains(msg, "run `policy-sentry query") || (c.suggest != "" && !strings.Contains(msg, "did you mean "+c.suggest)) {
				t.Errorf("message %q lacks the suggestion or the hint", msg)
			}
		})
	}
}

func TestBadAccessLevel(t *testing.T) {
	_, err := ActionTable(miniDB(t), ActionTableOptions{Service: "demo", AccessLevel: "admin"})
	if err == nil || !strings.Contains(err.Error(), "permissions-management") {
		t.Errorf("error %v, want one listing the valid access levels", err)
	}
}

// realDB is the embedded production dataset.
func realDB(b *testing.B) *iamdb.DB {
	db, err := dataset.Default()
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkActionTableLevel is `query action-table --service s3
// --access-level permissions-management` on the real dataset.
func BenchmarkActionTableLevel(b *testing.B) {
	db := realDB(b)
	for b.Loop() {
		if _, err := ActionTable(db, ActionTableOptions{Service: "s3", AccessLevel: "permissions-management"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkActionTableName is `query action-table --service ec2 --name
// RunInstances`, printed as JSON.
func BenchmarkActionTableName(b *testing.B) {
	db := realDB(b)
	for b.Loop() {
		r, err := ActionTable(db, ActionTableOptions{Service: "ec2", Name: "RunInstances", HasName: true})
		if err != nil {
			b.Fatal(err)
		}
		_ = r.Write(&bytes.Buffer{}, "json")
	}
}

// BenchmarkActionTableAllWildcard is `query action-table --service all
// --resource-type '*'`, the widest scan.
func BenchmarkActionTableAllWildcard(b *testing.B) {
	db := realDB(b)
	for b.Loop() {
		if _, err := ActionTable(db, ActionTableOptions{Service: "all", ResourceType: "*"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNotFound measures an unknown action with its suggestions.
func BenchmarkNotFound(b *testing.B) {
	db := realDB(b)
	for b.Loop() {
		if _, err := ActionTable(db, ActionTableOptions{Service: "ec2", Name: "RunInstanse", HasName: true}); err == nil {
			b.Fatal("no error")
		}
	}
}

// BenchmarkServiceTable prints the service table as JSON.
func BenchmarkServiceTable(b *testing.B) {
	db := realDB(b)
	for b.Loop() {
		_ = ServiceTable(db).Write(&bytes.Buffer{}, "json")
	}
}
