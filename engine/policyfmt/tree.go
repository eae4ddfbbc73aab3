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
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	v, err := decodeValue(d)
	if err != nil {
		return Object{}
	}
	o, _ := v.(Object)
	return o
}

// decodeValue reads one JSON value from d keeping object keys in order.
func decodeValue(d *json.Decoder) (Value, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := Object{}
			for d.More() {
				k, err := d.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(d)
				if err != nil {
					return nil, err
				}
				o = append(o, Field{Key: fmt.Sprint(k), Value: v})
			}
			_, err := d.Token()
			return o, err
		case '[':
			a := []Value{}
			for d.More() {
				v, err := decodeValue(d)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := d.Token()
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return t, nil
	}
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
