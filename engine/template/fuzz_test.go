package template

import (
	"errors"
	"fmt"
	"github.com/leastpriv/policysentry/engine/diag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics and that every error it
// returns carries a position or says what is wrong.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.yml")
	for _, s := range seeds {
		b, _ := os.ReadFile(s)
		f.Add(b)
	}
	f.Add([]byte("mode: crud\nread:\n- arn:aws:s3:::b\n"))
	f.Add([]byte("mode: actions\nactions: [s3:GetObject]\n"))
	f.Add([]byte("roles_with_crud_levels:\n- name: x\n  tag: ['']\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		tmpl, err := Parse(src, "fuzz.yml")
		if err == nil {
			if tmpl.Mode != ModeCRUD && tmpl.Mode != ModeActions {
				t.Fatalf("no error but mode %q", tmpl.Mode)
			}
			return
		}
		var l diag.List
		if !errors.As(err, &l) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		for _, d := range l {
			if d.Start.Offset < 0 || d.Start.Offset > len(src) || (d.Start.IsValid() && d.Start.Column < 1) {
				t.Fatalf("position %+v outside the %d-byte source: %v", d.Start, len(src), err)
			}
		}
		if err.Error() == "" {
			t.Fatal("empty error message")
		}
	})
}

// FuzzEdit checks EditSource on any text and any edit: it never panics,
// an error leaves nothing half done, and a result reads back as the
// source with the edit made (the same YAML tree as editing the parsed
// tree), keeping every comment when it is spliced.
func FuzzEdit(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/edit/*.in.yml")
	for i, s := range seeds {
		b, _ := os.ReadFile(s)
		f.Add(b, uint8(i%3), uint8(i%len(ListKeys)), uint8(i%3), "arn:aws:s3:::b")
	}
	f.Add([]byte("mode: crud\nread:\n- arn:aws:s3:::b # c\n"), uint8(2), uint8(0), uint8(0), "")
	f.Add([]byte("mode: actions\nactions: [s3:GetObject]\n"), uint8(1), uint8(len(ListKeys)-1), uint8(0), "a, b")
	f.Fuzz(func(t *testing.T, src []byte, op, key, index uint8, value string) {
		e := ListEdit{Op: EditOp(op % 3), Key: ListKeys[int(key)%len(ListKeys)], Index: int(index % 8), Value: value}
		out, spliced, err := editSource(src, "fuzz.yml", e)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		want, err := parseDoc(diag.NewLines("fuzz.yml", src))
		if err != nil {
			t.Fatalf("edited a source that does not parse: %v", err)
		}
		if err := editTree(want.Content[0], diag.NewLines("fuzz.yml", src), e); err != nil {
			t.Fatal(err)
		}
		got, err := parseDoc(diag.NewLines("fuzz.yml", out))
		if err != nil {
			t.Fatalf("the edited text does not parse: %v\n%s", err, out)
		}
		if !sameTree(got, want) {
			t.Fatalf("the edited text reads differently\n%s", out)
		}
		if spliced && e.Op == EditAppend {
			for _, c := range commentRE.FindAllString(string(src), -1) {
				if !strings.Contains(string(out), strings.TrimSpace(c)) {
					t.Fatalf("comment %q lost\n%s", c, out)
				}
			}
		}
	})
}

// FuzzConditionBlock parses templates whose condition: block is the
// fuzzed text: Parse must never panic, errors must be a diag.List with
// positions inside the source, and a template that parses must marshal
// and parse back to the same conditions.
func FuzzConditionBlock(f *testing.F) {
	for _, s := range []string{
		"  StringEquals:\n    aws:ResourceTag/team: payments\n",
		"  source-ip: [203.0.113.0/24, 198.51.100.7]\n  mfa: true\n",
		"  request-tags: {team: payments, env: [dev, prod]}\n  resource-tags: {team: x}\n",
		"  ForAnyValue:StringLike:\n    aws:TagKeys: [team*]\n  mfa-max-age: 3600\n",
		"  passed-to-service: ec2.amazonaws.com\n  org-id: o-abc\n  NullIfExists: {a:b: true}\n",
		"  StringEqual: {aws:x: [], 'bad key': 1}\n  IpAddress: 10.0.0.1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, block []byte) {
		src := append([]byte("mode: crud\nread:\n- arn:aws:s3:::b/*\ncondition:\n"), block...)
		tmpl, err := Parse(src, "fuzz.yml")
		if err != nil {
			var l diag.List
			if !errors.As(err, &l) || len(l) == 0 {
				t.Fatalf("error of type %T: %v", err, err)
			}
			for _, d := range l {
				if d.Start.Offset < 0 || d.Start.Offset > len(src) {
					t.Fatalf("position %+v outside the source: %v", d.Start, err)
				}
			}
			return
		}
		out, err := tmpl.Marshal()
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := Parse(out, "fuzz.yml")
		if err != nil {
			t.Fatalf("marshalled template does not parse: %v\n%s", err, out)
		}
		a, b := stripped(tmpl), stripped(again)
		if len(a.Conditions) != len(b.Conditions) {
			t.Fatalf("conditions changed in the round trip\n%s", out)
		}
		for i := range a.Conditions {
			if fmt.Sprint(a.Conditions[i]) != fmt.Sprint(b.Conditions[i]) {
				t.Fatalf("conditions changed in the round trip:\n%v\n%v\n%s", a.Conditions[i], b.Conditions[i], out)
			}
		}
	})
}

// FuzzConditionEdit makes a condition edit on fuzzed text: it never
// panics, an error has a message, and an edit of a template that parses
// gives text that parses to what ApplyCondition gives.
func FuzzConditionEdit(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/condedit/*.in.yml")
	more, _ := filepath.Glob("testdata/edit/*.in.yml")
	for i, s := range append(seeds, more...) {
		b, _ := os.ReadFile(s)
		f.Add(b, i%2 == 0, uint8(i), uint8(i%3), "StringEquals", "aws:ResourceTag/team", "payments")
	}
	f.Add([]byte("mode: crud\ncondition:\n  mfa: true\n"), true, uint8(0), uint8(0), "", "", "")
	f.Fuzz(func(t *testing.T, src []byte, remove bool, section, index uint8, op, key, value string) {
		sec := ""
		if n := int(section) % (len(ConditionSections) + 1); n > 0 {
			sec = ConditionSections[n-1]
		}
		e := ConditionEdit{Remove: remove, Section: sec, Operator: op, Key: key, Values: []string{value}, Index: int(index % 4)}
		out, err := EditConditionSource(src, "fuzz.yml", e)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		checkCondLikeApply(t, src, out, []ConditionEdit{e})
	})
}
