package policyfmt

import (
	"encoding/json"
	"fmt"
	"strings"
)

// literal is the syntax of one language's object and array literals,
// which the JSON, TypeScript (CDK) and HCL (jsonencode) renderings write
// the same way but for these details.
type literal struct {
	// key writes an object key (quoted, or bare where the language allows).
	key func(string) string
	// str writes a string value.
	str func(string) string
	// assign stands between a key and its value (": ", " = ").
	assign string
	// fieldSep and elemSep end an object field and an array element that
	// is not the last; fieldLast and elemLast end the last one.
	fieldSep, fieldLast, elemSep, elemLast string
}

var (
	jsonLiteral = literal{key: jsonString, str: jsonString, assign: ": ", fieldSep: ",", elemSep: ","}
	tsLiteral   = literal{key: tsKey, str: tsString, assign: ": ", fieldSep: ",", fieldLast: ",", elemSep: ",", elemLast: ","}
	hclLiteral  = literal{key: hclKey, str: hclString, assign: " = ", elemSep: ",", elemLast: ","}
)

// write writes v indented by two spaces a level, keys in order: objects,
// arrays, strings, numbers, booleans and null.
func (l literal) write(b *strings.Builder, v Value, depth int) {
	pad := strings.Repeat("  ", depth)
	switch x := v.(type) {
	case Object:
		if len(x) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, f := range x {
			b.WriteString(pad + "  " + l.key(f.Key) + l.assign)
			l.write(b, f.Value, depth+1)
			b.WriteString(end(i, len(x), l.fieldSep, l.fieldLast) + "\n")
		}
		b.WriteString(pad + "}")
	case []Value:
		if len(x) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, e := range x {
			b.WriteString(pad + "  ")
			l.write(b, e, depth+1)
			b.WriteString(end(i, len(x), l.elemSep, l.elemLast) + "\n")
		}
		b.WriteString(pad + "]")
	case string:
		b.WriteString(l.str(x))
	case json.Number:
		b.WriteString(x.String())
	case bool:
		fmt.Fprint(b, x)
	default:
		b.WriteString("null")
	}
}

func end(i, n int, sep, last string) string {
	if i < n-1 {
		return sep
	}
	return last
}

// tsKey writes an object literal's key, unquoted where it is an identifier.
func tsKey(s string) string {
	if tsIdent(s) {
		return s
	}
	return tsString(s)
}

// hclKey writes an object key, unquoted where it is an identifier that
// is not a keyword.
func hclKey(s string) string {
	if hclIdent(s) {
		return s
	}
	return hclString(s)
}
