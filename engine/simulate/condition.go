package simulate

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/leastpriv/policysentry/engine/condition"
)

// cond is one operator/key pair of a Condition element with its values.
type cond struct {
	op       condition.Operator
	key      string // as written
	keyLower string
	values   []cvalue
}

// cvalue is one policy value, pre-parsed for its operator's type.
type cvalue struct {
	text  string
	lower string
	tmpl  *template // policy variables (String, ARN and Bool operators)
	num   float64
	date  time.Time
	pfx   netip.Prefix
	bin   []byte
}

// condError is a problem in a Condition element at a path below it.
type condError struct {
	path string
	err  error
}

func (e *condError) Error() string { return e.err.Error() }
func (e *condError) Unwrap() error { return e.err }

// compileConditions reads a Condition element, keeping the written order
// of operators and keys. vars tells whether policy variables are
// substituted (Version 2012-10-17).
func compileConditions(raw json.RawMessage, vars bool) ([]*cond, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	ops, err := orderedObject(raw)
	if err != nil {
		return nil, &condError{err: fmt.Errorf("expected an object of condition operators")}
	}
	var out []*cond
	for _, o := range ops {
		op, err := condition.ParseOperator(o.key)
		if err != nil {
			return nil, &condError{path: "." + o.key, err: err}
		}
		keys, err := orderedObject(o.val)
		if err != nil {
			return nil, &condError{path: "." + o.key, err: fmt.Errorf("expected an object of condition keys and values")}
		}
		for _, k := range keys {
			c := &cond{op: op, key: k.key, keyLower: strings.ToLower(k.key)}
			path := "." + o.key + "." + k.key
			texts, err := contextValues(k.val)
			if err != nil {
				return nil, &condError{path: path, err: err}
			}
			for _, t := range texts {
				v, err := compileValue(op.Base.Type, t, vars)
				if err != nil {
					return nil, &condError{path: path, err: err}
				}
				c.values = append(c.values, v)
			}
			out = append(out, c)
		}
	}
	return out, nil
}

func compileValue(t condition.Type, text string, vars bool) (cvalue, error) {
	v := cvalue{text: text, lower: strings.ToLower(text)}
	switch t {
	case condition.String, condition.ARN, condition.Bool:
		if vars {
			v.tmpl = parseTemplate(text)
		}
		if t == condition.Bool && v.tmpl == nil && v.lower != "true" && v.lower != "false" {
			return v, fmt.Errorf("%q is not true or false", text)
		}
	case condition.Numeric:
		n, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return v, fmt.Errorf("%q is not a number", text)
		}
		v.num = n
	case condition.Date:
		d, err := condition.ParseDate(text)
		if err != nil {
			return v, err
		}
		v.date = d
	case condition.IPAddress:
		p, err := condition.ParseIPRange(text)
		if err != nil {
			return v, err
		}
		v.pfx = unmapPrefix(p)
	case condition.Binary:
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return v, fmt.Errorf("%q is not base64", text)
		}
		v.bin = b
	case condition.Null:
		if v.lower != "true" && v.lower != "false" {
			return v, fmt.Errorf("%q is not true or false", text)
		}
	}
	return v, nil
}

func unmapPrefix(p netip.Prefix) netip.Prefix {
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p
}

// eval evaluates the condition against the request's keys. It returns
// whether it holds, the request's values and whether the key is present.
func (c *cond) eval(keys map[string][]string) (bool, []string, bool) {
	vals, present := keys[c.keyLower]
	b := c.op.Base
	if b.Type == condition.Null {
		absent := !present || len(vals) == 0
		for _, v := range c.values {
			if (v.lower == "true") == absent {
				return true, vals, present
			}
		}
		return false, vals, present
	}
	if !present || len(vals) == 0 {
		// AWS: a key absent from the request makes the condition false,
		// true for negated operators; IfExists makes it true; ForAllValues
		// is true for an absent or empty key, ForAnyValue false.
		switch {
		case c.op.IfExists:
			return true, vals, present
		case c.op.Set == condition.ForAllValues:
			return true, vals, present
		case c.op.Set == condition.ForAnyValue:
			return false, vals, present
		}
		return b.Negated, vals, present
	}
	switch c.op.Set {
	case condition.ForAllValues:
		for _, v := range vals {
			if c.matchAny(v, keys) == b.Negated {
				return false, vals, true
			}
		}
		return true, vals, true
	case condition.ForAnyValue:
		for _, v := range vals {
			if c.matchAny(v, keys) != b.Negated {
				return true, vals, true
			}
		}
		return false, vals, true
	}
	// No qualifier: any request value matching any policy value; a negated
	// operator holds when none matches (AWS: values of a negated operator
	// are combined with NOR).
	for _, v := range vals {
		if c.matchAny(v, keys) {
			return !b.Negated, vals, true
		}
	}
	return b.Negated, vals, true
}

// matchAny reports whether request value rv matches any policy value
// under the positive form of the operator.
func (c *cond) matchAny(rv string, keys map[string][]string) bool {
	for i := range c.values {
		if c.match(&c.values[i], rv, keys) {
			return true
		}
	}
	return false
}

func (c *cond) match(pv *cvalue, rv string, keys map[string][]string) bool {
	b := c.op.Base
	switch b.Type {
	case condition.String:
		if pv.tmpl != nil {
			if pat, resolved, ok := pv.tmpl.expandSimple(keys); ok {
				switch {
				case !resolved:
					return false
				case b.Like:
					return glob(pat, rv)
				case b.IgnoreCase:
					return strings.EqualFold(pat, rv)
				}
				return pat == rv
			}
			for _, m := range pv.tmpl.expand(keys) {
				switch {
				case b.Like:
					if globRunes(m.r, m.lit, []rune(rv)) {
						return true
					}
				case b.IgnoreCase:
					if strings.EqualFold(m.String(), rv) {
						return true
					}
				default:
					if m.String() == rv {
						return true
					}
				}
			}
			return false
		}
		switch {
		case b.Like:
			return glob(pv.text, rv)
		case b.IgnoreCase:
			return strings.EqualFold(pv.text, rv)
		}
		return pv.text == rv
	case condition.ARN:
		if pv.tmpl != nil {
			if pat, resolved, ok := pv.tmpl.expandSimple(keys); ok {
				return resolved && arnGlob(pat, rv)
			}
			for _, m := range pv.tmpl.expand(keys) {
				if arnGlobMasked(m, rv) {
					return true
				}
			}
			return false
		}
		return arnGlob(pv.text, rv)
	case condition.Bool:
		if pv.tmpl != nil {
			for _, m := range pv.tmpl.expand(keys) {
				if strings.EqualFold(m.String(), rv) {
					return true
				}
			}
			return false
		}
		return strings.EqualFold(pv.text, rv)
	case condition.Numeric:
		n, err := strconv.ParseFloat(strings.TrimSpace(rv), 64)
		return err == nil && compare(b.Compare, cmpFloat(n, pv.num))
	case condition.Date:
		d, err := condition.ParseDate(strings.TrimSpace(rv))
		return err == nil && compare(b.Compare, d.Compare(pv.date))
	case condition.IPAddress:
		a, err := netip.ParseAddr(strings.TrimSpace(rv))
		if err != nil {
			p, perr := netip.ParsePrefix(strings.TrimSpace(rv))
			if perr != nil {
				return false
			}
			a = p.Addr()
		}
		return pv.pfx.Contains(a.Unmap())
	case condition.Binary:
		rb, err := base64.StdEncoding.DecodeString(rv)
		if err != nil {
			return rv == pv.text
		}
		return bytes.Equal(rb, pv.bin)
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compare applies an operator's comparison ("eq", "lt", "le", "gt", "ge")
// to the result of comparing the request value with the policy value.
func compare(op string, c int) bool {
	switch op {
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	}
	return c == 0
}

// resolved is the policy values as the request sees them (variables
// substituted), for explanations.
func (c *cond) resolved(keys map[string][]string) []string {
	out := make([]string, 0, len(c.values))
	for _, v := range c.values {
		if v.tmpl == nil {
			out = append(out, v.text)
			continue
		}
		alts := v.tmpl.expand(keys)
		if len(alts) == 0 {
			out = append(out, v.text+" (unresolved)")
		}
		for _, m := range alts {
			out = append(out, m.String())
		}
	}
	return out
}

type kv struct {
	key string
	val json.RawMessage
}

// orderedObject reads a JSON object's members in written order.
func orderedObject(raw json.RawMessage) ([]kv, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("expected an object")
	}
	var out []kv
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, kv{k, v})
	}
	return out, nil
}
