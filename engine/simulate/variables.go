package simulate

import (
	"strings"
)

// template is a Resource entry or condition value that holds policy
// variables: literal text (whose '*' and '?' stay wildcards), escapes
// (${*}, ${?}, ${$}: a literal character) and variables with an optional
// default (${aws:username} and ${aws:username, 'nobody'}).
type template struct {
	parts []tpart
}

type tpart struct {
	// text is literal policy text, or the escaped character.
	text    string
	escaped bool
	// key is the lower-cased context key of a variable ("" for text).
	key    string
	def    string
	hasDef bool
}

// maxAlternatives caps the patterns one template expands to when its
// variables name multivalued keys.
const maxAlternatives = 64

// parseTemplate reads the policy variables in s. It returns nil when s
// holds none (then s is used as written). Text that only looks like a
// variable ("${" without "}") is literal.
func parseTemplate(s string) *template {
	if !strings.Contains(s, "${") {
		return nil
	}
	t := &template{}
	rest := s
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			break
		}
		if i > 0 {
			t.parts = append(t.parts, tpart{text: rest[:i]})
		}
		body := rest[i+2 : i+j]
		rest = rest[i+j+1:]
		switch body {
		case "*", "?", "$":
			t.parts = append(t.parts, tpart{text: body, escaped: true})
			continue
		}
		p := tpart{}
		name := body
		if k, d, ok := strings.Cut(body, ","); ok {
			name = k
			d = strings.TrimSpace(d)
			if len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'' {
				p.def, p.hasDef = d[1:len(d)-1], true
			} else {
				// Not AWS's default syntax: the variable cannot resolve.
				p.def, p.hasDef = "", false
			}
		}
		p.key = strings.ToLower(strings.TrimSpace(name))
		t.parts = append(t.parts, p)
	}
	if rest != "" {
		t.parts = append(t.parts, tpart{text: rest})
	}
	return t
}

// expand substitutes the request's context into the template: one masked
// pattern per combination of the values of multivalued keys (at most
// maxAlternatives). Substituted values and escapes are literal. A
// variable whose key is absent and that has no default makes the
// template resolve to nothing (AWS: the entry does not match).
func (t *template) expand(keys map[string][]string) []masked {
	alts := []masked{{}}
	for _, p := range t.parts {
		var vals []string
		lit := true
		switch {
		case p.key == "":
			vals, lit = []string{p.text}, p.escaped
		default:
			v, ok := keys[p.key]
			switch {
			case ok && len(v) > 0:
				vals = v
			case p.hasDef:
				vals = []string{p.def}
			default:
				return nil
			}
		}
		next := make([]masked, 0, len(alts)*len(vals))
		for _, a := range alts {
			for _, v := range vals {
				if len(next) == maxAlternatives {
					break
				}
				r := append(append([]rune(nil), a.r...), []rune(v)...)
				l := append([]bool(nil), a.lit...)
				for range []rune(v) {
					l = append(l, lit)
				}
				next = append(next, masked{r: r, lit: l})
			}
		}
		alts = next
	}
	return alts
}

// expandSimple is the fast path of expand: when every variable resolves
// to one value and no literal '*' or '?' comes from an escape or a value,
// the template is one ordinary pattern string. ok is false when the fast
// path does not apply (then use expand); resolved is false when a
// variable cannot resolve.
func (t *template) expandSimple(keys map[string][]string) (s string, resolved, ok bool) {
	var b strings.Builder
	b.Grow(96)
	for _, p := range t.parts {
		var v string
		switch {
		case p.key == "":
			v = p.text
			if p.escaped && (v == "*" || v == "?") {
				return "", false, false
			}
		default:
			vals, present := keys[p.key]
			switch {
			case present && len(vals) == 1:
				v = vals[0]
			case present && len(vals) > 1:
				return "", false, false
			case p.hasDef:
				v = p.def
			default:
				return "", false, true
			}
			if strings.ContainsAny(v, "*?") {
				return "", false, false
			}
		}
		b.WriteString(v)
	}
	return b.String(), true, true
}
