// Package policyfmt renders generated policies the way Policy Sentry
// prints them: JSON (Python's json.dumps with indent=4), YAML (PyYAML's
// dump) and Terraform (a JSON object with the policy as a string), and
// measures them against AWS's policy size limits.
package policyfmt

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// pyString writes s as Python's json.dumps does with ensure_ascii: ASCII
// kept, everything else as \uXXXX (surrogate pairs above the BMP).
func pyString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || (r >= 0x7f && r < 0x10000) || r == utf8.RuneError:
			writeU(b, r)
		case r >= 0x10000:
			r -= 0x10000
			writeU(b, 0xd800+(r>>10))
			writeU(b, 0xdc00+(r&0x3ff))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

func writeU(b *strings.Builder, r rune) {
	h := strconv.FormatInt(int64(r), 16)
	b.WriteString(`\u`)
	b.WriteString(strings.Repeat("0", 4-len(h)))
	b.WriteString(h)
}

// Value is a JSON value to render in Python's style: string, []string,
// []Value, or an ordered object.
type Value any

// Object is a JSON object with ordered keys.
type Object []Field

// Field is one key of an Object.
type Field struct {
	Key   string
	Value Value
}

// PyJSON renders v like json.dumps(v, indent=indent); indent < 0 means
// json.dumps(v) on one line (", " and ": " separators).
func PyJSON(v Value, indent int) string {
	var b strings.Builder
	writeValue(&b, v, indent, 0)
	return b.String()
}

func newline(b *strings.Builder, indent, depth int) {
	if indent < 0 {
		return
	}
	b.WriteByte('\n')
	b.WriteString(strings.Repeat(" ", indent*depth))
}

func writeValue(b *strings.Builder, v Value, indent, depth int) {
	sep := ", "
	if indent >= 0 {
		sep = ","
	}
	switch x := v.(type) {
	case string:
		pyString(b, x)
	case []string:
		vals := make([]Value, len(x))
		for i, s := range x {
			vals[i] = s
		}
		writeValue(b, vals, indent, depth)
	case []Value:
		if len(x) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(sep)
			}
			newline(b, indent, depth+1)
			writeValue(b, e, indent, depth+1)
		}
		newline(b, indent, depth)
		b.WriteByte(']')
	case Object:
		if len(x) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteByte('{')
		for i, f := range x {
			if i > 0 {
				b.WriteString(sep)
			}
			newline(b, indent, depth+1)
			pyString(b, f.Key)
			b.WriteString(": ")
			writeValue(b, f.Value, indent, depth+1)
		}
		newline(b, indent, depth)
		b.WriteByte('}')
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case nil:
		b.WriteString("null")
	case int:
		b.WriteString(strconv.Itoa(x))
	default:
		b.WriteString("null")
	}
}
