package template

import (
	"errors"
	"github.com/leastpriv/policysentry/engine/diag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/golden"
	"github.com/leastpriv/policysentry/engine/internal/testshared"
)

func set(key string, i int, v string) ListEdit {
	return ListEdit{Op: EditSet, Key: key, Index: i, Value: v}
}
func add(key, v string) ListEdit     { return ListEdit{Op: EditAppend, Key: key, Value: v} }
func del(key string, i int) ListEdit { return ListEdit{Op: EditRemove, Key: key, Index: i} }

// editCases are the golden cases of EditSource: testdata/edit/<in>.in.yml
// edited gives testdata/edit/<name>.out (or, for an error, <name>.err).
var editCases = []struct {
	name, in string
	edits    []ListEdit
	// lost lists the comments the edit removes with their row; every other
	// comment of the input must be in the output.
	lost []string
	// reencoded is set where the text cannot be spliced (the tree is
	// encoded again); everywhere else the untouched text stays byte for
	// byte.
	reencoded bool
}{
	{name: "set-first-row", in: "commented", edits: []ListEdit{set("read", 0, "arn:aws:s3:::artifacts/new/*")}},
	{name: "set-quoted-row", in: "commented", edits: []ListEdit{set("read", 1, "arn:aws:ssm:us-east-1:123456789012:parameter/other")}},
	{name: "set-needs-quotes", in: "commented", edits: []ListEdit{set("read", 0, "arn:aws:s3:::a # not a comment")}},
	{name: "set-while-typing", in: "commented", edits: []ListEdit{set("read", 0, ""), set("read", 0, "arn:"), set("read", 0, "arn:aws:s3:::typed")}},
	{name: "set-empty", in: "commented", edits: []ListEdit{set("read", 0, "")}},
	{name: "set-at-length-appends", in: "commented", edits: []ListEdit{set("read", 2, "arn:aws:s3:::third")}},
	{name: "append-row", in: "commented", edits: []ListEdit{add("read", "arn:aws:s3:::third")}},
	{name: "append-indented-list", in: "commented", edits: []ListEdit{add("write", "arn:aws:s3:::more-logs")}},
	{name: "append-nested", in: "commented", edits: []ListEdit{add("sts.assume-role", "arn:aws:iam::123456789012:role/admin")}},
	{name: "remove-row", in: "commented", edits: []ListEdit{del("read", 0)}, lost: []string{"# build outputs"}},
	{name: "remove-only-row", in: "commented", edits: []ListEdit{del("write", 0)}, lost: []string{"# access logs"}},
	{name: "remove-then-add", in: "commented", edits: []ListEdit{del("write", 0), add("write", "arn:aws:s3:::new-logs")}, lost: []string{"# access logs"}},
	{name: "create-section", in: "commented", edits: []ListEdit{add("list", "arn:aws:s3:::artifacts")}},
	{name: "create-section-first", in: "commented", edits: []ListEdit{add("tagging", "arn:aws:s3:::artifacts"), add("permissions-management", "arn:aws:s3:::artifacts")}},
	{name: "create-in-parent", in: "commented", edits: []ListEdit{add("sts.assume-role-with-saml", "arn:aws:iam::123456789012:role/saml")}},
	{name: "create-parent", in: "commented", edits: []ListEdit{add("wildcard-only.service-read", "s3"), set("wildcard-only.single-actions", 0, "ec2:DescribeInstances")}},
	{name: "create-exclude", in: "commented", edits: []ListEdit{add("exclude-actions", "kms:Delete*")}},
	{name: "skeleton-fill", in: "skeleton-crud", edits: []ListEdit{set("read", 0, "arn:aws:s3:::b/*"), set("sts.assume-role", 0, "arn:aws:iam::1:role/r"), add("wildcard-only.service-read", "s3")}},
	{name: "skeleton-remove", in: "skeleton-crud", edits: []ListEdit{del("read", 0), del("wildcard-only.service-list", 0)}},
	{name: "null-sections", in: "nulls", edits: []ListEdit{add("read", "arn:aws:s3:::a"), add("write", "arn:aws:s3:::b"), add("wildcard-only.single-actions", "ec2:DescribeInstances"), add("sts.assume-role", "arn:aws:iam::1:role/r")}},
	{name: "flow-set", in: "flow", edits: []ListEdit{set("actions", 1, "kms:Encrypt")}},
	{name: "flow-append", in: "flow", edits: []ListEdit{add("actions", "sqs:SendMessage, with comma")}},
	{name: "flow-remove", in: "flow", edits: []ListEdit{del("actions", 0)}},
	{name: "flow-remove-last", in: "flow", edits: []ListEdit{del("actions", 1)}},
	{name: "flow-remove-all", in: "flow", edits: []ListEdit{del("actions", 1), del("actions", 0)}},
	{name: "flow-empty-append", in: "flow-empty", edits: []ListEdit{add("read", "arn:aws:s3:::a"), add("write", "arn:aws:s3:::c")}},
	{name: "json-append", in: "json", edits: []ListEdit{add("actions", "kms:Decrypt")}},
	{name: "json-remove-all", in: "json", edits: []ListEdit{del("actions", 0), add("actions", "kms:Decrypt")}},
	{name: "json-set-name-needs-new-key", in: "json-crud", edits: []ListEdit{add("write", "arn:aws:s3:::w")}, reencoded: true},
	{name: "multiline-set", in: "multiline", edits: []ListEdit{set("read", 0, "arn:aws:s3:::unfolded")}, reencoded: true},
	{name: "multiline-append", in: "multiline", edits: []ListEdit{add("read", "arn:aws:s3:::third")}},
	{name: "multiline-other-list", in: "multiline", edits: []ListEdit{add("write", "arn:aws:s3:::w2"), del("read", 1)}, lost: []string{"# plain"}},
	{name: "no-final-newline", in: "no-final-newline", edits: []ListEdit{add("read", "arn:aws:s3:::b"), add("write", "arn:aws:s3:::c")}},
	{name: "unicode", in: "unicode", edits: []ListEdit{set("read", 0, "arn:aws:s3:::büc/*"), del("read", 1), add("list", "arn:aws:s3:::ü")}},
	// Errors: nothing is edited.
	{name: "error-invalid-yaml", in: "mid-typing", edits: []ListEdit{add("read", "arn:aws:s3:::b")}},
	{name: "error-not-a-list", in: "not-a-list", edits: []ListEdit{add("read", "arn:aws:s3:::b")}},
	{name: "error-parent-not-a-mapping", in: "not-a-list", edits: []ListEdit{add("wildcard-only.service-read", "s3")}},
	{name: "error-row-out-of-range", in: "commented", edits: []ListEdit{del("read", 2)}},
	{name: "error-remove-from-missing", in: "commented", edits: []ListEdit{del("list", 0)}},
	{name: "error-wrong-mode", in: "commented", edits: []ListEdit{add("actions", "s3:GetObject")}},
	{name: "error-unknown-list", in: "commented", edits: []ListEdit{add("reed", "arn:aws:s3:::b")}},
	{name: "error-first-format", in: "first-format", edits: []ListEdit{add("read", "arn:aws:s3:::b")}},
}

var commentRE = regexp.MustCompile(`#[^\n]*`)

// TestEditSource runs the golden cases: the output (or error) must match
// the golden file, every comment not removed with its row must survive,
// and the output must parse to the template that Apply makes.
func TestEditSource(t *testing.T) {
	for _, tc := range editCases {
		t.Run(tc.name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata/edit", tc.in+".in.yml"))
			if err != nil {
				t.Fatal(err)
			}
			out, err := EditSource(src, tc.in+".yml", tc.edits...)
			base := filepath.Join("testdata/edit", tc.name)
			if strings.HasPrefix(tc.name, "error-") {
				if err == nil {
					t.Fatalf("no error; got\n%s", out)
				}
				golden.Check(t, base+".err", []byte(err.Error()+"\n"), "")
				if !errors.Is(err, ErrFirstFormat) && !strings.Contains(tc.name, "out-of-range") && !strings.Contains(tc.name, "missing") && !strings.Contains(tc.name, "unknown") {
					var l diag.List
					if !errors.As(err, &l) || l[0].Line() == 0 {
						t.Errorf("error without a position: %v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, base+".out", out, "")
			for _, c := range commentRE.FindAllString(string(src), -1) {
				c = strings.TrimSpace(c)
				if !strings.Contains(string(out), c) && !inList(tc.lost, c) && !strings.Contains(c, `"`) {
					t.Errorf("comment %q lost:\n%s", c, out)
				}
			}
			spliced := true
			cur := src
			for _, e := range tc.edits {
				var s bool
				cur, s, err = editSource(cur, "t", e)
				if err != nil {
					t.Fatal(err)
				}
				spliced = spliced && s
			}
			if spliced == tc.reencoded {
				t.Errorf("spliced %v, want %v", spliced, !tc.reencoded)
			}
			checkLikeApply(t, src, out, tc.edits)
		})
	}
}

// checkLikeApply checks that the edited text parses to the template that
// editing the parsed template (Apply, then Marshal and Parse, as the web
// app's form did) gives.
func checkLikeApply(t *testing.T, src, out []byte, edits []ListEdit) {
	t.Helper()
	old, err := Parse(src, "in.yml")
	if err != nil {
		return // a template that does not validate yet is still edited
	}
	for _, e := range edits {
		if err := old.Apply(e); err != nil {
			t.Fatalf("Apply(%s): %v", e, err)
		}
	}
	m, err := old.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want, err := Parse(m, "marshalled.yml")
	if err != nil {
		t.Fatalf("the struct edit does not parse: %v\n%s", err, m)
	}
	got, err := Parse(out, "edited.yml")
	if err != nil {
		t.Fatalf("the edited text does not parse: %v\n%s", err, out)
	}
	if g, w := normalised(got), normalised(want); !reflect.DeepEqual(g, w) {
		t.Errorf("the edited text reads\n%+v\nthe struct edit gives\n%+v\n%s", g, w, out)
	}
}

// normalised drops what Marshal does not keep: positions, the file name,
// empty lists (nil or not), the default effect.
func normalised(t *Template) Template {
	c := *t
	c.File = ""
	if c.Effect == "Allow" {
		c.Effect = ""
	}
	for _, key := range ListKeys {
		l := c.Entries(key)
		if len(*l) == 0 {
			*l = nil
			continue
		}
		n := make([]Entry, len(*l))
		for i, e := range *l {
			n[i] = Entry{Value: e.Value}
		}
		*l = n
	}
	c.Conditions = conditionsWithoutPos(c.Conditions)
	return c
}

// conditionsWithoutPos copies condition blocks without their positions
// and empty values, which Marshal does not keep.
func conditionsWithoutPos(blocks []ConditionBlock) []ConditionBlock {
	var out []ConditionBlock
	for _, b := range blocks {
		nb := ConditionBlock{Section: b.Section}
		for _, cl := range b.Clauses {
			cl.Pos = diag.Position{}
			var vs []Entry
			for _, v := range cl.Values {
				if v.Value != "" {
					vs = append(vs, Entry{Value: v.Value})
				}
			}
			cl.Values = vs
			nb.Clauses = append(nb.Clauses, cl)
		}
		out = append(out, nb)
	}
	return out
}

// editCorpus is every template the repository has: the writer's golden
// templates, the edit inputs, the skeletons and (when present) the shared
// parity templates.
func editCorpus(t *testing.T) map[string][]byte {
	files, _ := filepath.Glob("../writer/testdata/golden/*.yml")
	more, _ := filepath.Glob("testdata/edit/*.in.yml")
	files = append(files, more...)
	if dir, ok := testshared.Lookup(); ok {
		more, _ = filepath.Glob(filepath.Join(dir, "parity/*/*/input.yml"))
		files = append(files, more...)
	}
	corpus := map[string][]byte{
		"skeleton-crud":    Skeleton(ModeCRUD),
		"skeleton-actions": Skeleton(ModeActions),
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		corpus[f] = b
	}
	if len(corpus) < 30 {
		t.Fatalf("only %d templates", len(corpus))
	}
	return corpus
}

// sample returns a row value of the right kind for a list.
func sample(key string) string {
	switch kindOf(key) {
	case actionRows:
		return "s3:GetObject"
	case serviceRows:
		return "s3"
	}
	return "arn:aws:s3:::edited-bucket/*"
}

// TestEditLikeApply is the property test: on every template of the
// corpus, every edit of every list (set, set at the end, append, append an
// empty row, remove the first and the last row) gives text that parses to
// what the struct edit gives, keeps every comment not on a removed row,
// and keeps the untouched lines byte for byte when it splices.
func TestEditLikeApply(t *testing.T) {
	var total, spliced int
	for name, src := range editCorpus(t) {
		tm, err := Parse(src, name)
		if err != nil {
			continue
		}
		for _, key := range ListKeys {
			if (key == "actions") != (tm.Mode == ModeActions) {
				continue
			}
			n := len(*tm.Entries(key))
			edits := []ListEdit{add(key, sample(key)), add(key, ""), set(key, n, sample(key))}
			if n > 0 {
				edits = append(edits, set(key, 0, sample(key)), set(key, n-1, sample(key)+": #x"), del(key, 0), del(key, n-1))
			}
			for _, e := range edits {
				out, s, err := editSource(src, name, e)
				if errors.Is(err, ErrFirstFormat) {
					break
				}
				if err != nil {
					t.Errorf("%s: %s: %v", name, e, err)
					continue
				}
				total++
				if s {
					spliced++
					checkUntouched(t, name, e, src, out)
				}
				checkLikeApply(t, src, out, []ListEdit{e})
				if t.Failed() {
					t.Fatalf("%s: %s\n%s", name, e, out)
				}
			}
		}
	}
	t.Logf("%d edits, %d spliced byte for byte (%.1f%%)", total, spliced, 100*float64(spliced)/float64(total))
	if total < 500 {
		t.Errorf("only %d edits", total)
	}
}

// checkUntouched checks that a spliced edit kept the source's lines but
// the ones it changed: past the lines both texts start and end with, at
// most two source lines (a removed row and its key, which gets "[]") may
// remain.
func checkUntouched(t *testing.T, name string, e ListEdit, src, out []byte) {
	t.Helper()
	a, b := strings.Split(string(src), "\n"), strings.Split(string(out), "\n")
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	q := 0
	for q < len(a)-p && q < len(b)-p && a[len(a)-1-q] == b[len(b)-1-q] {
		q++
	}
	if changed := len(a) - p - q; changed > 2 {
		t.Errorf("%s: %s changed %d untouched lines:\n%s", name, e, changed, out)
	}
}

func TestIsFirstFormat(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{"roles_with_crud_levels:\n- name: r\n  read: [arn:aws:s3:::b]\n", true},
		{"# comment\nroles_with_actions:\n- name: r\n  actions: [s3:GetObject]\n", true},
		{"policy_with_crud_levels:\n- name: r\n", true},
		{"mode: crud\nread:\n- arn:aws:s3:::b\n", false},
		{"mode: crud\nread: [\n", false}, // not YAML yet
		{"- a\n- b\n", false},            // not a mapping
		{"", false},
	} {
		if got := IsFirstFormat([]byte(tc.src)); got != tc.want {
			t.Errorf("IsFirstFormat(%q) = %v, want %v", tc.src, got, tc.want)
		}
	}
}
