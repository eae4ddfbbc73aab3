package diag

import (
	"errors"
	"testing"
)

func TestLinesPosition(t *testing.T) {
	src := []byte("ab\r\néz\n\nx")
	l := NewLines("f.json", src)
	tests := []struct {
		off       int
		line, col int
	}{
		{0, 1, 1}, {1, 1, 2}, {2, 1, 3}, {3, 1, 4}, // "\r" belongs to line 1
		{4, 2, 1}, {6, 2, 2}, // é is two bytes, one column
		{7, 2, 3}, {8, 3, 1}, {9, 4, 1}, {10, 4, 2},
		{-5, 1, 1}, {99, 4, 2},
	}
	for _, tc := range tests {
		p := l.Position(tc.off)
		if p.Line != tc.line || p.Column != tc.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tc.off, p.Line, p.Column, tc.line, tc.col)
		}
	}
	if got := l.Offset(2, 2); got != 6 {
		t.Errorf("Offset(2,2) = %d, want 6", got)
	}
	if got := l.Offset(2, 99); got != 7 {
		t.Errorf("Offset(2,99) = %d, want 7 (end of line)", got)
	}
	if got := l.At(4, 1).Offset; got != 9 {
		t.Errorf("At(4,1).Offset = %d, want 9", got)
	}
}

func TestDiagnosticError(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{Message: "m", Start: Position{File: "a.yml", Line: 3, Column: 4}}, "a.yml:3:4: m"},
		{Diagnostic{Message: "m", Path: "$.Statement[0]", Start: Position{File: "-", Line: 1, Column: 1}}, "<stdin>:1:1: $.Statement[0]: m"},
		{Diagnostic{Message: "empty", Start: Position{File: "p.json"}}, "p.json: empty"},
	}
	for _, tc := range tests {
		if got := tc.d.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestListSortAndMax(t *testing.T) {
	l := List{
		{Severity: Warning, Code: "B", Start: Position{File: "a", Line: 2, Column: 1}},
		{Severity: Error, Code: "A", Start: Position{File: "a", Line: 2, Column: 1}},
		{Severity: Suggestion, Start: Position{File: "a", Line: 1, Column: 9}},
	}
	l.Sort()
	if l[0].Line() != 1 || l[1].Severity != Error || l[2].Code != "B" {
		t.Errorf("sorted wrongly: %+v", l)
	}
	if m, ok := l.Max(); !ok || m != Error {
		t.Errorf("Max = %v %v", m, ok)
	}
	if n := len(l.AtLeast(Warning)); n != 2 {
		t.Errorf("AtLeast(Warning) has %d, want 2", n)
	}
	var err error = l
	var target List
	if !errors.As(err, &target) || len(target) != 3 {
		t.Errorf("errors.As failed")
	}
	if (List{}).Err() != nil {
		t.Errorf("empty list is not nil error")
	}
}

func TestParseSeverity(t *testing.T) {
	for _, s := range []Severity{Error, SecurityWarning, Warning, Suggestion} {
		for _, spelled := range []string{s.String(), s.Label()} {
			got, err := ParseSeverity(spelled)
			if err != nil || got != s {
				t.Errorf("ParseSeverity(%q) = %v, %v", spelled, got, err)
			}
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error("ParseSeverity(fatal) accepted")
	}
}

func TestLinesLineBounds(t *testing.T) {
	l := NewLines("f", []byte("ab\r\nc\n\néz"))
	tests := []struct{ line, start, end int }{
		{0, 0, 0}, {1, 0, 2}, {2, 4, 5}, {3, 6, 6}, {4, 7, 10}, {5, 10, 10},
	}
	for _, tc := range tests {
		if s, e := l.LineStart(tc.line), l.LineEnd(tc.line); s != tc.start || e != tc.end {
			t.Errorf("line %d: [%d, %d), want [%d, %d)", tc.line, s, e, tc.start, tc.end)
		}
	}
	for _, tc := range []struct {
		line, col, off int
		ok             bool
	}{
		{1, 1, 0, true}, {1, 3, 2, true}, {1, 4, 0, false}, {4, 2, 9, true}, {4, 3, 10, true}, {4, 4, 0, false}, {0, 1, 0, false}, {5, 1, 0, false},
	} {
		off, ok := l.ValidAt(tc.line, tc.col)
		if ok != tc.ok || (ok && off != tc.off) {
			t.Errorf("ValidAt(%d, %d) = %d, %v; want %d, %v", tc.line, tc.col, off, ok, tc.off, tc.ok)
		}
	}
}

func TestDiagnosticShort(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Warningf(Position{File: "a.yml", Line: 3, Column: 4}, "m %d", 1), "3:4: m 1"},
		{Diagnostic{Message: "m", Path: "$.Statement"}, "$.Statement: m"},
		{NewLines("p", []byte("x\ny")).Errorf(2, "bad"), "2:1: bad"},
	}
	for _, tc := range tests {
		if got := tc.d.Short(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}
