package writer

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/template"
)

// Options control policy writing.
type Options struct {
	// Minimize enables safe wildcard minimization (--minimize).
	Minimize bool
	// MinLength is the minimum prefix length of minimized actions (--minimize N).
	MinLength int
}

// Warning is something the user should know that did not stop writing:
// an ARN that matches no resource type, an unknown service, ...
type Warning struct {
	// Pos is the position of the offending template entry (zero if none).
	Pos template.Pos
	// Message is one line.
	Message string
}

// String formats the warning as "line:col: message".
func (w Warning) String() string {
	if w.Pos.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", w.Pos.Line, w.Pos.Column, w.Message)
	}
	return w.Message
}

// Result is a written policy with its warnings.
type Result struct {
	// Policy is the written policy.
	Policy *Policy
	// Warnings are in template order.
	Warnings []Warning
}

// InputError is an error in the template's content (not its syntax): an
// unknown action, a malformed action name. Problems lists every one.
type InputError struct {
	// File names the template ("" for stdin).
	File string
	// Problems lists every problem, in template order.
	Problems []Problem
}

// Problem is one input problem with its position.
type Problem struct {
	// Pos is the offending entry's position.
	Pos template.Pos
	// Msg says what is wrong, on one line.
	Msg string
}

// Error lists the problems one a line, as "file:line:col: message".
func (e *InputError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		name := e.File
		if name == "" {
			name = "<stdin>"
		}
		if p.Pos.Line > 0 {
			fmt.Fprintf(&b, "%s:%d:%d: %s", name, p.Pos.Line, p.Pos.Column, p.Msg)
		} else {
			fmt.Fprintf(&b, "%s: %s", name, p.Msg)
		}
	}
	return b.String()
}
