package template

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/golden"
)

func addCond(section, op, key string, vals ...string) ConditionEdit {
	return ConditionEdit{Section: section, Operator: op, Key: key, Values: vals}
}
func delCond(section string, i int) ConditionEdit {
	return ConditionEdit{Remove: true, Section: section, Index: i}
}

// condEditCases are the golden cases of EditConditionSource:
// testdata/<in> edited gives testdata/condedit/<name>.out (or .err).
var condEditCases = []struct {
	name, in string
	edits    []ConditionEdit
	lost     []string // comments removed with their lines
}{
	{name: "new-section-block", in: "edit/commented.in.yml", edits: []ConditionEdit{addCond("read", "StringEquals", "aws:ResourceTag/team", "payments")}},
	{name: "new-template-block", in: "edit/commented.in.yml", edits: []ConditionEdit{addCond("", "IpAddress", "aws:SourceIp", "203.0.113.0/24", "198.51.100.0/24")}},
	{name: "new-operator", in: "condedit/conds.in.yml", edits: []ConditionEdit{addCond("", "StringLike", "s3:prefix", "home/*")}},
	{name: "new-key", in: "condedit/conds.in.yml", edits: []ConditionEdit{addCond("", "StringEquals", "aws:RequestedRegion", "us-east-1", "eu-west-1")}},
	{name: "replace-values", in: "condedit/conds.in.yml", edits: []ConditionEdit{addCond("write", "Bool", "aws:SecureTransport", "false")}},
	{name: "plain-values", in: "edit/commented.in.yml", edits: []ConditionEdit{addCond("", "NumericLessThan", "aws:MultiFactorAuthAge", "3600"), addCond("", "StringEquals", "s3:x-amz-acl", "007", "yes", "a,b", "#x")}},
	{name: "fill-null-block", in: "condedit/conds.in.yml", edits: []ConditionEdit{addCond("list", "ForAnyValue:StringEquals", "aws:TagKeys", "team")}},
	{name: "remove-key", in: "condedit/conds.in.yml", edits: []ConditionEdit{delCond("", 0)}, lost: []string{"# the team tag"}},
	{name: "remove-shortcut", in: "condedit/conds.in.yml", edits: []ConditionEdit{delCond("", 1)}},
	{name: "remove-last-of-block", in: "condedit/conds.in.yml", edits: []ConditionEdit{delCond("write", 0)}},
	{name: "add-then-remove", in: "edit/commented.in.yml", edits: []ConditionEdit{addCond("read", "StringEquals", "aws:ResourceTag/team", "payments"), delCond("read", 0)}},
	{name: "flow-mapping", in: "edit/json.in.yml", edits: []ConditionEdit{addCond("", "Bool", "aws:SecureTransport", "true")}},
	{name: "error-section-in-actions", in: "edit/json.in.yml", edits: []ConditionEdit{addCond("read", "Bool", "aws:SecureTransport", "true")}},
	{name: "error-operator", in: "edit/commented.in.yml", edits: []ConditionEdit{addCond("", "StringEqual", "aws:SourceIp", "x")}},
	{name: "error-key", in: "edit/commented.in.yml", edits: []ConditionEdit{addCond("", "StringEquals", "team", "x")}},
	{name: "error-no-values", in: "edit/commented.in.yml", edits: []ConditionEdit{addCond("", "StringEquals", "aws:SourceVpc")}},
	{name: "error-remove-missing", in: "edit/commented.in.yml", edits: []ConditionEdit{delCond("read", 0)}},
	{name: "error-first-format", in: "edit/first-format.in.yml", edits: []ConditionEdit{addCond("", "Bool", "aws:SecureTransport", "true")}},
}

// TestEditConditionSource runs the golden cases; every comment not
// removed with its lines survives, and the text parses to what
// ApplyCondition gives.
func TestEditConditionSource(t *testing.T) {
	for _, tc := range condEditCases {
		t.Run(tc.name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", tc.in))
			if err != nil {
				t.Fatal(err)
			}
			out := src
			for _, e := range tc.edits {
				if out, err = EditConditionSource(out, "t.yml", e); err != nil {
					break
				}
			}
			base := filepath.Join("testdata/condedit", tc.name)
			if strings.HasPrefix(tc.name, "error-") {
				if err == nil {
					t.Fatalf("no error; got\n%s", out)
				}
				golden.Check(t, base+".err", []byte(err.Error()+"\n"), "")
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
			checkCondLikeApply(t, src, out, tc.edits)
		})
	}
}

// TestConditionEditLikeApply is the property test: on every template of
// the corpus, adding a clause to each block it may have (new block, new
// operator, new key, replaced values) and removing each clause gives
// text that parses to what ApplyCondition gives, keeping every comment
// when adding.
func TestConditionEditLikeApply(t *testing.T) {
	var total, spliced int
	for name, src := range editCorpus(t) {
		tm, err := Parse(src, name)
		if err != nil || IsFirstFormat(src) {
			continue
		}
		sections := []string{""}
		if tm.Mode == ModeCRUD {
			sections = append(sections, ConditionSections...)
		}
		var edits []ConditionEdit
		for _, sec := range sections {
			edits = append(edits,
				addCond(sec, "StringEquals", "aws:ResourceTag/team", "payments"),
				addCond(sec, "StringEquals", "aws:SourceVpc", "vpc-1", "vpc-2"),
				addCond(sec, "ForAnyValue:StringLike", "aws:TagKeys", "team-*"),
				addCond(sec, "Bool", "aws:SecureTransport", "true"))
		}
		for _, b := range tm.Conditions {
			for i := range b.Clauses {
				edits = append(edits, delCond(b.Section, i))
			}
		}
		for _, e := range edits {
			out, s, err := editConditionSource(src, name, e)
			if err != nil {
				t.Errorf("%s: %s: %v", name, e, err)
				continue
			}
			total++
			if s {
				spliced++
			}
			if !e.Remove {
				for _, c := range commentRE.FindAllString(string(src), -1) {
					if c = strings.TrimSpace(c); !strings.Contains(string(out), c) && !strings.Contains(c, `"`) {
						t.Errorf("%s: %s: comment %q lost:\n%s", name, e, c, out)
					}
				}
			}
			checkCondLikeApply(t, src, out, []ConditionEdit{e})
			if t.Failed() {
				t.Fatalf("%s: %s\n%s", name, e, out)
			}
		}
	}
	t.Logf("%d condition edits, %d spliced (%.1f%%)", total, spliced, 100*float64(spliced)/float64(total))
	if total < 300 {
		t.Errorf("only %d edits", total)
	}
}

// checkCondLikeApply checks that the edited text parses to the template
// ApplyCondition, Marshal and Parse give (blocks compared by section).
func checkCondLikeApply(t *testing.T, src, out []byte, edits []ConditionEdit) {
	t.Helper()
	old, err := Parse(src, "in.yml")
	if err != nil {
		return
	}
	for _, e := range edits {
		if err := old.ApplyCondition(e); err != nil {
			t.Fatalf("ApplyCondition(%s): %v", e, err)
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
	g, w := normalised(got), normalised(want)
	for _, c := range []*Template{&g, &w} {
		sort.SliceStable(c.Conditions, func(i, j int) bool { return c.Conditions[i].Section < c.Conditions[j].Section })
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("the edited text reads\n%+v\nthe struct edit gives\n%+v\n%s", g, w, out)
	}
}

func TestApplyConditionErrors(t *testing.T) {
	tm := &Template{Mode: ModeActions}
	for _, e := range []ConditionEdit{
		addCond("read", "Bool", "aws:SecureTransport", "true"),
		addCond("", "Bool", "aws:SecureTransport"),
		addCond("", "Bool", "aws:SecureTransport", ""),
		addCond("bogus", "Bool", "aws:SecureTransport", "true"),
		delCond("", 0),
	} {
		if err := tm.ApplyCondition(e); err == nil {
			t.Errorf("%s: no error", e)
		}
	}
	_, err := EditConditionSource([]byte("roles_with_actions:\n- name: r\n"), "t", addCond("", "Bool", "aws:SecureTransport", "true"))
	if !errors.Is(err, ErrFirstFormat) {
		t.Errorf("first format: %v", err)
	}
}

// TestShortcuts checks that each shortcut offered writes what the
// template's shortcut writes: the same clause once parsed.
func TestShortcuts(t *testing.T) {
	values := map[string]string{"passed-to-service": "ec2.amazonaws.com", "org-id": "o-abcdefghij", "resource-org-id": "o-abcdefghij",
		"principal-org-id": "o-abcdefghij", "vpc-endpoint": "vpce-1a2b3c4d", "source-vpc": "vpc-1a2b3c4d", "source-ip": "203.0.113.0/24",
		"requested-region": "eu-west-1", "mfa": "true", "mfa-max-age": "3600", "secure-transport": "true"}
	got := Shortcuts()
	if len(got) != len(values) {
		t.Fatalf("%d shortcuts, want %d", len(got), len(values))
	}
	for _, s := range got {
		v := values[s.Name]
		tm, err := Parse([]byte("mode: crud\ncondition:\n  "+s.Name+": "+v+"\n"), "t.yml")
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		c := tm.Conditions[0].Clauses[0]
		if c.Operator != s.Operator || c.Key != s.Key || s.OnlyTrue != (v == "true") {
			t.Errorf("%s: offered %+v, the template writes %s %s", s.Name, s, c.Operator, c.Key)
		}
	}
}
