package template

import (
	"fmt"
	"strings"
)

// Error is a problem in a template at a position.
type Error struct {
	// File names the template ("" for stdin).
	File string
	// Pos is where the problem is (zero when the file is empty).
	Pos Pos
	// Msg says what is wrong and what was expected.
	Msg string
}

// Error formats the error as "file:line:col: message" ("<stdin>" when
// the template came from standard input).
func (e *Error) Error() string {
	name := e.File
	if name == "" {
		name = "<stdin>"
	}
	if e.Pos.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", name, e.Pos.Line, e.Pos.Column, e.Msg)
	}
	return fmt.Sprintf("%s: %s", name, e.Msg)
}

// ErrorList is every problem found in one template, in file order.
type ErrorList []*Error

// Error lists the errors one a line, in file order.
func (l ErrorList) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}
