package diag

import (
	"fmt"
	"sort"
	"unicode/utf8"
)

// Lines is the line table of one input: it converts byte offsets to
// positions with a binary search, so converting every statement of a large
// policy costs O(log n) each. A line ends at "\n"; a "\r" before it belongs
// to the line. The zero value is not usable: call NewLines.
type Lines struct {
	file   string
	src    []byte
	starts []int // offsets where lines begin; starts[0] == 0
}

// NewLines builds the line table of src, named file.
func NewLines(file string, src []byte) *Lines {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &Lines{file: file, src: src, starts: starts}
}

// File is the input's name as given to NewLines.
func (l *Lines) File() string { return l.file }

// LineCount is the number of lines (a final line without "\n" counts).
func (l *Lines) LineCount() int { return len(l.starts) }

// Position returns the position of byte offset off, clamped to the input.
// The column counts Unicode characters from the line's start; an offset
// inside a multi-byte character counts that character as begun.
func (l *Lines) Position(off int) Position {
	if off < 0 {
		off = 0
	}
	if off > len(l.src) {
		off = len(l.src)
	}
	i := sort.Search(len(l.starts), func(k int) bool { return l.starts[k] > off }) - 1
	start := l.starts[i]
	return Position{File: l.file, Offset: off, Line: i + 1, Column: utf8.RuneCount(l.src[start:off]) + 1}
}

// Offset returns the byte offset of a 1-based line and character column,
// clamped to the line's end (the "\n" excluded) and to the input.
func (l *Lines) Offset(line, column int) int {
	if line < 1 {
		return 0
	}
	if line > len(l.starts) {
		return len(l.src)
	}
	off := l.starts[line-1]
	end := len(l.src)
	if line < len(l.starts) {
		end = l.starts[line] - 1
	}
	for c := 1; c < column && off < end; c++ {
		_, n := utf8.DecodeRune(l.src[off:end])
		off += n
	}
	return off
}

// At returns the position of a 1-based line and character column (for
// parsers, such as YAML's, that report line and column but no offset).
func (l *Lines) At(line, column int) Position {
	return l.Position(l.Offset(line, column))
}

// Span returns the start and end positions of the bytes [start, end).
func (l *Lines) Span(start, end int) (Position, Position) {
	return l.Position(start), l.Position(end)
}

// Source is the input the table was built from.
func (l *Lines) Source() []byte { return l.src }

// LineStart is the byte offset where a 1-based line begins; the input's
// length for lines past the end, 0 for lines before the first.
func (l *Lines) LineStart(line int) int {
	if line < 1 {
		return 0
	}
	if line > len(l.starts) {
		return len(l.src)
	}
	return l.starts[line-1]
}

// LineEnd is the byte offset where a 1-based line's text ends: at its
// line break ("\n", or "\r\n" taken as one), or at the end of the input.
func (l *Lines) LineEnd(line int) int {
	if line < 1 {
		return 0
	}
	if line >= len(l.starts) {
		return len(l.src)
	}
	end := l.starts[line] - 1
	if end > l.starts[line-1] && l.src[end-1] == '\r' {
		end--
	}
	return end
}

// ValidAt reports the byte offset of a 1-based line and character column
// when it is inside the line's text (or just past its last character),
// and false otherwise; Offset clamps instead.
func (l *Lines) ValidAt(line, column int) (int, bool) {
	if line < 1 || line > len(l.starts) || column < 1 {
		return 0, false
	}
	off, end := l.starts[line-1], l.LineEnd(line)
	for c := 1; c < column; c++ {
		if off >= end {
			return 0, false
		}
		_, n := utf8.DecodeRune(l.src[off:end])
		off += n
	}
	return off, true
}

// Errorf is an Error diagnostic at byte offset off.
func (l *Lines) Errorf(off int, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: Error, Message: fmt.Sprintf(format, args...), Start: l.Position(off)}
}
