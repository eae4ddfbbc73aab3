package policyfmt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/writer"
)

// The infrastructure-as-code renderers (terraform-hcl, cloudformation,
// cloudformation-json, cdk) work on the policy's JSON document as a tree,
// not on writer.Statement's fields: whatever elements the writer puts in a
// statement (Condition, NotAction, NotResource, Principal) reach every
// format without a change here.

// tree returns the policy's JSON document as ordered Values: Object for
// objects (keys in the writer's order), []Value for arrays, string,
// json.Number, bool and nil.
func tree(p *writer.Policy) Object {
	b, err := json.Marshal(p)
	if err != nil {
		// A writer.Policy is strings and lists of strings: it always
		// marshals. Render nothing rather than panic.
		return Object{}
	}
	r := &jsonReader{b: b}
	o, _ := r.value().(Object)
	if r.err != nil {
		return Object{}
	}
	return o
}

// parseTree reads one JSON document as ordered Values (tests read their
// cases with it).
func parseTree(b []byte) (Value, error) {
	r := &jsonReader{b: b}
	v := r.value()
	r.space()
	if r.err == nil && r.i != len(b) {
		r.fail("text after the value")
	}
	return v, r.err
}

// jsonReader reads JSON keeping object keys in order: value =
// object | array | string | number | true | false | null.
type jsonReader struct {
	b   []byte
	i   int
	err error
}

func (r *jsonReader) fail(msg string) {
	if r.err == nil {
		r.err = fmt.Errorf("offset %d: %s", r.i, msg)
	}
	r.i = len(r.b)
}

func (r *jsonReader) space() {
	for r.i < len(r.b) && (r.b[r.i] == ' ' || r.b[r.i] == '\t' || r.b[r.i] == '\n' || r.b[r.i] == '\r') {
		r.i++
	}
}

func (r *jsonReader) value() Value {
	r.space()
	if r.i >= len(r.b) {
		r.fail("unexpected end")
		return nil
	}
	switch c := r.b[r.i]; {
	case c == '{':
		r.i++
		o := Object{}
		r.space()
		if r.i < len(r.b) && r.b[r.i] == '}' {
			r.i++
			return o
		}
		for r.err == nil {
			r.space()
			k := r.str()
			r.space()
			if r.i >= len(r.b) || r.b[r.i] != ':' {
				r.fail("expected :")
				return nil
			}
			r.i++
			o = append(o, Field{Key: k, Value: r.value()})
			r.space()
			if r.i < len(r.b) && r.b[r.i] == ',' {
				r.i++
				continue
			}
			if r.i < len(r.b) && r.b[r.i] == '}' {
				r.i++
				return o
			}
			r.fail("expected , or }")
		}
		return nil
	case c == '[':
		r.i++
		a := []Value{}
		r.space()
		if r.i < len(r.b) && r.b[r.i] == ']' {
			r.i++
			return a
		}
		for r.err == nil {
			a = append(a, r.value())
			r.space()
			if r.i < len(r.b) && r.b[r.i] == ',' {
				r.i++
				continue
			}
			if r.i < len(r.b) && r.b[r.i] == ']' {
				r.i++
				return a
			}
			r.fail("expected , or ]")
		}
		return nil
	case c == '"':
		return r.str()
	case bytes.HasPrefix(r.b[r.i:], []byte("true")):
		r.i += 4
		return true
	case bytes.HasPrefix(r.b[r.i:], []byte("false")):
		r.i += 5
		return false
	case bytes.HasPrefix(r.b[r.i:], []byte("null")):
		r.i += 4
		return nil
	default:
		start := r.i
		for r.i < len(r.b) && strings.IndexByte("+-0123456789.eE", r.b[r.i]) >= 0 {
			r.i++
		}
		n := json.Number(r.b[start:r.i])
		if _, err := n.Float64(); err != nil {
			r.fail("bad value")
			return nil
		}
		return n
	}
}

// str reads a string: as it is when it has no escape, else through
// encoding/json.
func (r *jsonReader) str() string {
	if r.i >= len(r.b) || r.b[r.i] != '"' {
		r.fail("expected a string")
		return ""
	}
	start := r.i
	escaped := false
	for r.i++; r.i < len(r.b) && r.b[r.i] != '"'; r.i++ {
		if r.b[r.i] == '\\' {
			escaped = true
			r.i++
		}
	}
	if r.i >= len(r.b) {
		r.fail("unclosed string")
		return ""
	}
	r.i++
	if !escaped {
		return string(r.b[start+1 : r.i-1])
	}
	var s string
	if err := json.Unmarshal(r.b[start:r.i], &s); err != nil {
		r.fail(err.Error())
	}
	return s
}

// get returns the value of key in o.
func (o Object) get(key string) (Value, bool) {
	for _, f := range o {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

// statements returns the statements of a policy tree (a lone statement
// object counts as a list of one).
func statements(doc Object) []Object {
	v, _ := doc.get("Statement")
	var out []Object
	switch x := v.(type) {
	case Object:
		out = append(out, x)
	case []Value:
		for _, s := range x {
			if o, ok := s.(Object); ok {
				out = append(out, o)
			}
		}
	}
	return out
}

// stringList reads an element that is a string or a list of strings.
func stringList(v Value) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case []Value:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// scalarText is a condition value as the string IAM compares: strings as
// they are, numbers and booleans in their JSON spelling.
func scalarText(v Value) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

// scalarList reads a condition's values: one scalar or a list of them.
func scalarList(v Value) ([]string, bool) {
	if a, ok := v.([]Value); ok {
		out := make([]string, 0, len(a))
		for _, e := range a {
			s, ok := scalarText(e)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	s, ok := scalarText(v)
	return []string{s}, ok
}

// walkStrings calls f for every string in v, keys included.
func walkStrings(v Value, f func(string)) {
	switch x := v.(type) {
	case string:
		f(x)
	case []Value:
		for _, e := range x {
			walkStrings(e, f)
		}
	case Object:
		for _, fl := range x {
			f(fl.Key)
			walkStrings(fl.Value, f)
		}
	}
}

// containsString reports whether any string of v contains sub.
func containsString(v Value, sub string) bool {
	found := false
	walkStrings(v, func(s string) { found = found || strings.Contains(s, sub) })
	return found
}

// Named is one policy of a set with its name: "policy" for a policy
// written whole, "policy-1", "policy-2", ... for the parts of a split.
type Named struct {
	Name   string
	Policy *writer.Policy
}

// namedDoc is a policy's JSON tree with its name: what the
// infrastructure-as-code renderers read.
type namedDoc struct {
	name string
	doc  Object
}

// docsOf turns named policies into named trees.
func docsOf(set []Named) []namedDoc {
	out := make([]namedDoc, len(set))
	for i, n := range set {
		out[i] = namedDoc{n.Name, tree(n.Policy)}
	}
	return out
}

// single names a policy written whole.
func single(p *writer.Policy) []Named { return []Named{{Name: "policy", Policy: p}} }

// identifier turns a policy name into an identifier: "policy-1" becomes
// "Policy1" (upper) or "policy1" (lower).
func identifier(name string, upper bool) string {
	var b strings.Builder
	next := upper
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			if next {
				r = []rune(strings.ToUpper(string(r)))[0]
			}
			b.WriteRune(r)
			next = false
		case r >= '0' && r <= '9':
			if b.Len() == 0 {
				b.WriteString("P")
			}
			b.WriteRune(r)
			next = false
		default:
			next = b.Len() > 0
		}
	}
	if b.Len() == 0 {
		return "Policy"
	}
	return b.String()
}

// plainASCII reports whether s is printable ASCII (space to '~') without
// any of the bytes in special: a string a quoting function can put
// between its quotes as it is.
func plainASCII(s, special string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || strings.IndexByte(special, c) >= 0 {
			return false
		}
	}
	return true
}
