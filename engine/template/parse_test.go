package template

import (
	"errors"
	"github.com/leastpriv/policysentry/engine/diag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// errLine is one error line: file:line:col: message.
var errLine = regexp.MustCompile(`^[^:]+\.yml:(\d+):(\d+): \S.*$`)

// TestParseErrors parses every bad template in testdata/errors and
// compares the error text with <name>.err (-update rewrites). Every error
// line must carry a line and column, except for the empty file, which has
// no position to give.
func TestParseErrors(t *testing.T) {
	files, _ := filepath.Glob("testdata/errors/*.yml")
	if len(files) < 20 {
		t.Fatalf("only %d bad templates", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			tmpl, err := Parse(src, filepath.Base(f))
			if err == nil {
				t.Fatalf("no error; parsed %+v", tmpl)
			}
			var l diag.List
			if !errors.As(err, &l) {
				t.Fatalf("error of type %T", err)
			}
			got := err.Error() + "\n"
			if name != "empty" {
				for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
					if !errLine.MatchString(line) {
						t.Errorf("error line without file:line:col: %q", line)
					}
				}
			}
			golden.Check(t, strings.TrimSuffix(f, ".yml")+".err", []byte(got), "")
		})
	}
}

// TestParseErrorPositions checks, independently of the golden files, that
// errors point at the offending token.
func TestParseErrorPositions(t *testing.T) {
	for _, tc := range []struct {
		name, src    string
		line, col    int
		mentions     []string
		errorsWanted int
	}{
		{"unknown key", "mode: crud\nread: []\nwirte: []\n", 3, 1, []string{`"wirte"`, `did you mean "write"`}, 1},
		{"unknown nested key", "mode: crud\nsts:\n  assume_role: []\n", 3, 3, []string{`"assume_role"`, `"assume-role"`}, 1},
		{"string instead of list", "mode: crud\nread: arn:aws:s3:::b\n", 2, 7, []string{"read", "expected a list"}, 1},
		{"not an ARN", "mode: crud\nread:\n- ''\n-   s3:::b\n", 4, 5, []string{`"s3:::b" is not an ARN`}, 1},
		{"unknown mode", "name: x\nmode: crudd\n", 2, 7, []string{`unknown mode "crudd"`}, 1},
		{"several errors, in order", "mode: crud\nread: x\nwrite:\n- nope\n", 2, 7, []string{"read", "write"}, 2},
		// yaml.v3 reports these on the line before (3:1): the position is
		// the [ that is never closed.
		{"unclosed flow sequence", "mode: crud\nname: x\nread:\n  - [unclosed\n", 4, 5, []string{"invalid YAML", "add ]"}, 1},
		{"unclosed flow sequence on the first line", "read: [a, b\nmode: crud\n", 1, 7, []string{"[ here is not closed"}, 1},
		{"unclosed flow mapping", "mode: crud\nsts: {assume-role: [x]\n", 2, 6, []string{"add }"}, 1},
		{"bracket in a quoted string", "mode: crud\nread:\n  - ['[x', \"y\"\n", 3, 5, []string{"add ]"}, 1},
		{"key at the wrong indentation", "mode: crud\nread:\n  - arn:aws:s3:::b\n write: [\n", 4, 2, []string{"did not find expected key"}, 1},
		{"sequence then key", "- a\nb: c\n", 2, 1, []string{"expected '-' indicator"}, 1},
		{"colon not allowed", "mode: crud\nname: a: b\n", 2, 8, []string{"mapping values are not allowed"}, 1},
		{"tab indentation", "mode: crud\nread:\n\t- x\n", 3, 1, []string{"indent with spaces"}, 1},
		{"unclosed quote", "mode: crud\nread:\n  - a\n  - \"unclosed\n", 4, 5, []string{"not closed"}, 1},
		{"unknown alias", "mode: crud\nname: \"é *nope\"\nread: *nope\n", 3, 7, []string{"unknown anchor"}, 1},
		{"column in characters", "mode: crud\nread:\n- 'é': [a\n", 3, 8, []string{"add ]"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.src), "t.yml")
			if err == nil {
				t.Fatal("no error")
			}
			var list diag.List
			if !errors.As(err, &list) {
				t.Fatalf("error of type %T", err)
			}
			if len(list) != tc.errorsWanted {
				t.Errorf("%d errors, want %d: %v", len(list), tc.errorsWanted, err)
			}
			if p := list[0].Start; p.Line != tc.line || p.Column != tc.col {
				t.Errorf("first error at %d:%d, want %d:%d: %v", p.Line, p.Column, tc.line, tc.col, err)
			}
			for _, d := range list {
				if d.Code == "" || d.Severity != diag.Error {
					t.Errorf("diagnostic without a code: %+v", d)
				}
			}
			if strings.Contains(tc.name, "unknown key") && (len(list[0].Suggestions) != 1 || list[0].Code != CodeUnknownKey) {
				t.Errorf("no did-you-mean replacement: %+v", list[0])
			}
			for _, m := range tc.mentions {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error does not mention %s: %v", m, err)
				}
			}
		})
	}
}

// TestParseAccepts checks templates Policy Sentry accepts: empty sections,
// ” entries, null sections, both formats, JSON.
func TestParseAccepts(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		check     func(*Template) bool
	}{
		{"skeleton crud", string(Skeleton(ModeCRUD)), func(t *Template) bool { return t.Mode == ModeCRUD && len(t.Read) == 1 && t.Read[0].Value == "" }},
		{"skeleton actions", string(Skeleton(ModeActions)), func(t *Template) bool { return t.Mode == ModeActions && len(t.Actions) == 1 }},
		{"null sections", "mode: crud\nread:\nwrite: ~\nwildcard-only:\nsts:\n", func(t *Template) bool { return t.Read == nil && t.Write == nil }},
		{"JSON", `{"mode": "actions", "actions": ["s3:GetObject"]}`, func(t *Template) bool { return len(t.Actions) == 1 && t.Actions[0].Value == "s3:GetObject" }},
		{"entries trimmed, positions kept", "mode: crud\nread:\n-   arn:aws:s3:::b  \n", func(t *Template) bool {
			return t.Read[0].Value == "arn:aws:s3:::b" && t.Read[0].Pos.Line == 3 && t.Read[0].Pos.Column == 5
		}},
		{"ARN with placeholders and wildcards", "mode: crud\nread:\n- arn:${Partition}:s3:::b-*/?\n", func(t *Template) bool { return len(t.Read) == 1 }},
		{"first format, tag and actions", "roles_with_crud_levels:\n- name: r\n  tag: [arn:aws:sns:us-east-1:1:t]\n  read: ['']\n", func(t *Template) bool {
			return t.Mode == ModeCRUD && t.Name == "r" && len(t.Tagging) == 1
		}},
		{"first format, actions", "roles_with_actions:\n- name: r\n  actions: [kms:CreateGrant]\n", func(t *Template) bool {
			return t.Mode == ModeActions && len(t.Actions) == 1
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := Parse([]byte(tc.src), "t.yml")
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(tmpl) {
				t.Errorf("unexpected template: %+v", tmpl)
			}
		})
	}
}

// TestSkeletonConditionBlock uncomments the skeletons' condition block:
// it must parse to the conditions it shows.
func TestSkeletonConditionBlock(t *testing.T) {
	for _, mode := range []Mode{ModeCRUD, ModeActions} {
		var lines []string
		for _, l := range strings.Split(string(Skeleton(mode)), "\n") {
			if strings.HasPrefix(l, "#condition:") || strings.HasPrefix(l, "#  ") {
				l = l[1:]
			}
			lines = append(lines, l)
		}
		tm, err := Parse([]byte(strings.Join(lines, "\n")), "skeleton.yml")
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if len(tm.Conditions) != 1 || len(tm.Conditions[0].Clauses) != 3 {
			t.Errorf("%s: conditions %+v", mode, tm.Conditions)
		}
	}
}
