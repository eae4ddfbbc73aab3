package yamlerr

import (
	"errors"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/diag"
	"go.yaml.in/yaml/v3"
)

// TestError checks that each kind of YAML syntax error is placed at the
// problem, whatever line yaml.v3 prints.
func TestError(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line, col int
		mentions  string
	}{
		{"unclosed [ (yaml.v3: line 3)", "mode: crud\nname: x\nread:\n  - [unclosed\n", 4, 5, "add ]"},
		{"unclosed [ at the end", "mode: crud\nread: [\n", 2, 7, "add ]"},
		{"unclosed { at the end", "iam: {\n", 1, 6, "add }"},
		{"unclosed [ on line 1, problem on line 2", "read: [a, b\nmode: crud\n", 1, 7, "[ here"},
		{"nested: the innermost", "a: [b, [c, d]\n", 1, 4, "add ]"},
		{"[ in a comment and a quoted string", "# [\na: ['[x', \"]\"\n", 2, 4, "add ]"},
		{"key indented wrongly", "a:\n  - b\n c: d\n", 3, 2, "did not find expected key"},
		{"colon not allowed", "a: b: c\n", 1, 5, "mapping values"},
		{"tab indentation", "a:\n\t- b\n", 2, 1, "indent with spaces"},
		{"unclosed quote", "a:\n  - \"x\n", 2, 5, "not closed"},
		{"unknown alias", "a: '*b'\nc: *b\n", 2, 4, "unknown anchor"},
		{"invalid UTF-8", "a: b\nc: \xff\n", 2, 4, "UTF-8"},
		{"columns in characters", "é: [\"ü\"\n", 1, 4, "add ]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n yaml.Node
			yerr := yaml.Unmarshal([]byte(tc.src), &n)
			if yerr == nil {
				t.Fatal("the YAML parses")
			}
			err := Error(diag.NewLines("f.yml", []byte(tc.src)), yerr)
			var l diag.List
			if !errors.As(err, &l) || len(l) != 1 {
				t.Fatalf("error %T %v", err, err)
			}
			d := l[0]
			if d.Start.Line != tc.line || d.Start.Column != tc.col || d.Start.File != "f.yml" || d.Severity != diag.Error || d.Code != Code {
				t.Errorf("at %d:%d, want %d:%d: %v (yaml.v3: %v)", d.Start.Line, d.Start.Column, tc.line, tc.col, err, yerr)
			}
			if !strings.HasPrefix(d.Message, "invalid YAML: ") || !strings.Contains(d.Message, tc.mentions) {
				t.Errorf("message %q lacks %q", d.Message, tc.mentions)
			}
		})
	}
}

// FuzzError checks Error on any text yaml.v3 rejects: no panic, one
// diagnostic inside the text.
func FuzzError(f *testing.F) {
	for _, s := range []string{"a: [b\n", "a: {b\n", "a: b: c\n", "a:\n\t- b\n", "- \"x\n", "c: *b\n", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var n yaml.Node
		yerr := yaml.Unmarshal([]byte(src), &n)
		if yerr == nil {
			return
		}
		var l diag.List
		if err := Error(diag.NewLines("f", []byte(src)), yerr); !errors.As(err, &l) || len(l) != 1 {
			t.Fatalf("error %v", err)
		}
		if p := l[0].Start; p.Offset < 0 || p.Offset > len(src) || (p.IsValid() && p.Column < 1) {
			t.Fatalf("position %+v outside the %d-byte text", p, len(src))
		}
	})
}
