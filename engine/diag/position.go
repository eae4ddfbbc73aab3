// Package diag is the one way the engine points into user input: a
// Position (file, byte offset, line and column), a Diagnostic (severity,
// code, message, JSON or template path, start and end positions,
// suggestions) and a List of them, plus Lines, the line table that turns
// byte offsets into positions.
//
// Units: Line and Column are 1-based. Column counts Unicode characters
// (code points), not bytes and not UTF-16 units, everywhere: template
// errors, policy parse errors, writer warnings, validation and audit
// findings. SARIF output declares this unit as "unicodeCodePoints".
package diag

import "fmt"

// StdinName is how input read from standard input is named in messages.
const StdinName = "<stdin>"

// Position is a place in a user's input.
type Position struct {
	// File names the input ("" or "-" for standard input).
	File string `json:"file,omitempty"`
	// Offset is the 0-based byte offset into the input.
	Offset int `json:"offset"`
	// Line is 1-based; 0 means the position is unknown.
	Line int `json:"line"`
	// Column is 1-based and counts Unicode characters.
	Column int `json:"column"`
}

// IsValid reports whether the position names a line.
func (p Position) IsValid() bool { return p.Line > 0 }

// FileName is the file's name as messages print it: StdinName for
// standard input.
func (p Position) FileName() string { return DisplayName(p.File) }

// DisplayName is how messages name a file: StdinName for "" and "-".
func DisplayName(file string) string {
	if file == "" || file == "-" {
		return StdinName
	}
	return file
}

// String formats the position as "file:line:column", "file" when the
// line is unknown.
func (p Position) String() string {
	name := p.FileName()
	if !p.IsValid() {
		return name
	}
	return fmt.Sprintf("%s:%d:%d", name, p.Line, p.Column)
}
