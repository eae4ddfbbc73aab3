package webapp

import (
	"fmt"
	"unicode/utf8"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/policy"
)

// Loc is a statement a result points to, in the text of one of the
// screen's boxes, ready for a link that selects it.
type Loc struct {
	// Box is the text box holding the statement ("old", "new",
	// "identity", "resource", "boundary", "scp", "session").
	Box string `json:"box"`
	// Label is the statement's Sid or "Statement[i]"; Policy names the
	// document when the box holds several ("identity[1]").
	Label  string `json:"label"`
	Policy string `json:"policy,omitempty"`
	// Line and Column are where the statement starts (Column in Unicode
	// characters, as in engine/diag).
	Line   int `json:"line"`
	Column int `json:"column"`
	// Start and End delimit the statement in the box's text in UTF-16
	// code units (what a textarea's setSelectionRange takes): its braces
	// when the statement is found in the text, else the whole line.
	// EndLine is the statement's last line.
	Start   int `json:"start"`
	End     int `json:"end"`
	EndLine int `json:"endLine"`
}

// Text is the link's text: "new 3:5 Statement[0]".
func (l Loc) Text() string {
	name := l.Box
	if l.Policy != "" && l.Policy != l.Box {
		name = l.Policy
	}
	return fmt.Sprintf("%s %d:%d %s", name, l.Line, l.Column, l.Label)
}

// locator finds statements in one box's text: the text is parsed once
// into a JSON tree, and each statement is the object that starts at its
// line and column.
type locator struct {
	box   string
	src   []byte
	lines *diag.Lines
	// starts maps the byte offset where an object starts to where it ends.
	starts map[int]int
}

func newLocator(box, text string) *locator {
	l := &locator{box: box, src: []byte(text), lines: diag.NewLines(box, []byte(text)), starts: map[int]int{}}
	if root, err := policy.ParseNode(l.src); err == nil {
		l.index(root, 0)
	}
	return l
}

// index records the objects of the tree (statements are objects).
func (l *locator) index(n *policy.Node, depth int) {
	if n == nil || depth > 64 {
		return
	}
	switch n.Kind {
	case policy.Object:
		l.starts[n.Start] = n.End
		for _, m := range n.Members {
			l.index(m.Value, depth+1)
		}
	case policy.Array:
		for _, e := range n.Elems {
			l.index(e, depth+1)
		}
	}
}

// at locates the statement starting at line:column; policy names its
// document and label the statement.
func (l *locator) at(pol, label string, line, column int) Loc {
	loc := Loc{Box: l.box, Label: label, Line: line, Column: column, EndLine: line}
	if pol != l.box {
		loc.Policy = pol
	}
	if line < 1 || line > l.lines.LineCount() {
		return loc
	}
	start, end := l.lines.LineStart(line), l.lines.LineEnd(line)
	if off, ok := l.lines.ValidAt(line, column); ok {
		if e, ok := l.starts[off]; ok {
			start, end = off, e
			loc.EndLine = l.lines.Position(max(e-1, off)).Line
		}
	}
	loc.Start, loc.End = utf16Len(l.src[:start]), utf16Len(l.src[:end])
	return loc
}

// utf16Len counts the UTF-16 code units of UTF-8 text (invalid bytes
// count one each, as a browser decodes them to U+FFFD).
func utf16Len(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
