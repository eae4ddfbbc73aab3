// Package yamlerr turns yaml.v3's syntax errors into diagnostics at the
// problem, for every reader of YAML input (templates, overrides).
package yamlerr

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/leastpriv/policysentry/engine/diag"
	"go.yaml.in/yaml/v3"
)

// Code is the Code of the diagnostics Error gives.
const Code = "YAML_SYNTAX_ERROR"

// Error turns a yaml.v3 syntax error into a diag.List of one diagnostic
// at the problem, its message starting "invalid YAML: ". yaml.v3 gives only a line, and not always the right one: for
// parser errors (an unclosed [ or {, a key at the wrong indentation) it
// prints the 0-based line of the construct being parsed, for scanner
// errors the 1-based line, and for problems on the first line no line at
// all. The line is corrected here and the column found in the text: the
// unclosed bracket, the colon not allowed, the tab, or else the line's
// first character.
func Error(l *diag.Lines, err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if v, err := strconv.Atoi(n); err == nil {
				line, msg = v, after
			}
		}
	}
	d := diag.Diagnostic{Severity: diag.Error, Code: Code, Message: "invalid YAML: " + msg}
	d.Start = diag.Position{File: l.File()}
	if off, hint, ok := locateYAML(l, msg, line); ok {
		d.Start = l.Position(off)
		d.Message += hint
	}
	return diag.List{d}
}

// parserProblems are the problems yaml.v3's parser (not its scanner)
// reports; for these the line it prints is 0-based.
var parserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"did not find expected key",
	"did not find expected node content",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// locateYAML returns the byte offset of the problem msg describes, with a
// hint to add to the message; line is the line yaml.v3 printed (0 when
// none).
func locateYAML(l *diag.Lines, msg string, line int) (off int, hint string, ok bool) {
	src := l.Source()
	if name, found := strings.CutPrefix(msg, "unknown anchor '"); found {
		name, _, _ = strings.Cut(name, "'")
		if i := findAlias(src, name); i >= 0 {
			return i, "", true
		}
		return 0, "", false
	}
	if strings.Contains(msg, "UTF-8") || strings.Contains(msg, "control characters") || strings.Contains(msg, "Unicode character") {
		if i := firstBadChar(src); i >= 0 {
			return i, "", true
		}
		return 0, "", false
	}
	parser := false
	for _, p := range parserProblems {
		if msg == p {
			parser = true
		}
	}
	switch {
	case line == 0:
		line = 1
	case parser:
		line++
	}
	if line > l.LineCount() {
		line = l.LineCount()
	}
	start, end := l.LineStart(line), l.LineEnd(line)
	text := src[start:end]
	switch msg {
	case "did not find expected ',' or ']'", "did not find expected ',' or '}'":
		open := byte('[')
		if strings.HasSuffix(msg, "'}'") {
			open = '{'
		}
		if i := unclosed(src[:end], open); i >= 0 {
			close := map[byte]string{'[': "]", '{': "}"}[open]
			return i, "; the " + string(open) + " here is not closed: add " + close + " after its last item", true
		}
	case "did not find expected node content":
		// At the end of a flow collection that is never closed.
		if i := unclosedAny(src[:end]); i >= 0 && len(bytes.TrimSpace(src[end:])) == 0 {
			close := map[byte]string{'[': "]", '{': "}"}[src[i]]
			return i, "; the " + string(src[i]) + " here is not closed: add " + close + " after its last item", true
		}
	case "mapping values are not allowed in this context":
		if i := lastColon(text); i >= 0 {
			return start + i, "", true
		}
	}
	if strings.Contains(msg, "tab character") || msg == "found character that cannot start any token" {
		indent := len(text) - len(bytes.TrimLeft(text, " \t"))
		if i := bytes.IndexByte(text[:indent], '\t'); i >= 0 {
			return start + i, "; indent with spaces, not tabs", true
		}
	}
	if msg == "found unexpected end of stream" {
		if i := quoteStart(text); i >= 0 {
			return start + i, "; the quoted string that starts here is not closed", true
		}
	}
	i := 0
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	if i == len(text) {
		i = 0
	}
	return start + i, "", true
}

// unclosedAny returns the offset of the innermost [ or { left unclosed in
// src, or -1.
func unclosedAny(src []byte) int {
	return max(unclosed(src, '['), unclosed(src, '{'))
}

// unclosed returns the offset of the innermost open bracket left unclosed
// in src, skipping quoted strings and comments, or -1.
func unclosed(src []byte, open byte) int {
	var stack []int
	var stackOf []byte
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '#':
			if i == 0 || src[i-1] == ' ' || src[i-1] == '\t' || src[i-1] == '\n' {
				for i < len(src) && src[i] != '\n' {
					i++
				}
			}
		case '"', '\'':
			if scalarStart(src, i) {
				i = skipQuoted(src, i)
			}
		case '[', '{':
			stack = append(stack, i)
			stackOf = append(stackOf, c)
		case ']', '}':
			if n := len(stack); n > 0 {
				stack, stackOf = stack[:n-1], stackOf[:n-1]
			}
		}
	}
	for k := len(stack) - 1; k >= 0; k-- {
		if stackOf[k] == open {
			return stack[k]
		}
	}
	return -1
}

// scalarStart reports whether the quote at i starts a quoted scalar: it
// follows the line's start, blanks or a flow or block indicator.
func scalarStart(src []byte, i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch src[j] {
		case ' ', '\t':
			continue
		case '\n', '[', '{', ',', ':', '-', '?':
			return true
		}
		return false
	}
	return true
}

// skipQuoted returns the offset of the quote closing the string opened at
// i (the end of src when there is none).
func skipQuoted(src []byte, i int) int {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch {
		case q == '"' && src[j] == '\\':
			j++
		case src[j] == q && q == '\'' && j+1 < len(src) && src[j+1] == '\'':
			j++
		case src[j] == q:
			return j
		}
	}
	return len(src)
}

// quoteStart returns where the first quoted string of a line starts, or -1.
func quoteStart(text []byte) int {
	for i, c := range text {
		if (c == '"' || c == '\'') && scalarStart(text, i) {
			return i
		}
	}
	return -1
}

// lastColon returns the offset of the last mapping colon (followed by a
// blank or the line's end) outside quotes, or -1.
func lastColon(text []byte) int {
	last := -1
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case (c == '"' || c == '\'') && scalarStart(text, i):
			i = skipQuoted(text, i)
		case c == '#' && i > 0 && (text[i-1] == ' ' || text[i-1] == '\t'):
			return last
		case c == ':' && (i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\t'):
			last = i
		}
	}
	return last
}

// findAlias returns the offset of the alias *name, or -1.
func findAlias(src []byte, name string) int {
	pat := []byte("*" + name)
	for from := 0; ; {
		i := bytes.Index(src[from:], pat)
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(pat)
		before := i == 0 || bytes.IndexByte([]byte(" \t\n[{,:-"), src[i-1]) >= 0
		if before && (end == len(src) || bytes.IndexByte([]byte(" \t\r\n,]}"), src[end]) >= 0) {
			return i
		}
		from = i + 1
	}
}

// firstBadChar returns the offset of the first byte that is not UTF-8 or
// is a control character YAML does not allow, or -1.
func firstBadChar(src []byte) int {
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7F || (r >= 0x80 && r < 0xA0 && r != 0x85) || r == 0xFFFE || r == 0xFFFF {
			return i
		}
		i += n
	}
	return -1
}
