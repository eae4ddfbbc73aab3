package policy

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Kind is the kind of a JSON value in a Node tree.
type Kind int

// JSON value kinds.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// String names the kind as messages do ("a string", "an array", ...).
func (k Kind) String() string {
	if k < 0 || k > Object {
		return "a value"
	}
	return [...]string{"null", "a boolean", "a number", "a string", "an array", "an object"}[k]
}

// Node is a JSON value with the byte offsets where it starts and ends in
// its source. ParseNode is lenient in what the JSON grammar leaves open:
// an object keeps every member in source order, duplicate keys included,
// so that a validator can report them instead of losing one.
type Node struct {
	Kind Kind
	// Str is a string's decoded value or a number's text.
	Str string
	// Bool is a boolean's value.
	Bool bool
	// Elems are an array's elements.
	Elems []*Node
	// Members are an object's members in source order.
	Members []Member
	// Start and End are the byte offsets of the value ([Start, End)).
	Start, End int
}

// Member is one "key": value pair of an object.
type Member struct {
	Key string
	// KeyStart and KeyEnd are the byte offsets of the quoted key.
	KeyStart, KeyEnd int
	Value            *Node
}

// Get returns the value of the first member named key, or nil.
func (n *Node) Get(key string) *Node {
	if n == nil {
		return nil
	}
	for i := range n.Members {
		if n.Members[i].Key == key {
			return n.Members[i].Value
		}
	}
	return nil
}

// ParseNode decodes one JSON value (surrounded by optional whitespace)
// into a Node tree. Malformed JSON is a *SyntaxError at the byte offset
// of the problem. Nesting deeper than 200 levels is an error.
func ParseNode(src []byte) (*Node, error) {
	s := &scanner{src: src}
	s.skip()
	n, err := s.value(0)
	if err != nil {
		return nil, err
	}
	s.skip()
	if s.pos < len(s.src) {
		return nil, &SyntaxError{Offset: int64(s.pos), Msg: fmt.Sprintf("unexpected %s after the top-level value", s.describe())}
	}
	return n, nil
}

type scanner struct {
	src []byte
	pos int
}

func (s *scanner) skip() {
	for s.pos < len(s.src) {
		switch s.src[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) describe() string {
	if s.pos >= len(s.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(s.src[s.pos:])
	return fmt.Sprintf("character %q", r)
}

func (s *scanner) fail(format string, a ...any) error {
	return &SyntaxError{Offset: int64(s.pos), Msg: fmt.Sprintf(format, a...)}
}

func (s *scanner) value(depth int) (*Node, error) {
	if depth > maxDepth {
		return nil, s.fail("nesting too deep (more than %d levels)", maxDepth)
	}
	if s.pos >= len(s.src) {
		return nil, s.fail("unexpected end of JSON input: expected a value")
	}
	start := s.pos
	switch c := s.src[s.pos]; {
	case c == '{':
		return s.object(depth)
	case c == '[':
		return s.array(depth)
	case c == '"':
		str, err := s.str()
		if err != nil {
			return nil, err
		}
		return &Node{Kind: String, Str: str, Start: start, End: s.pos}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case c == 't':
		return s.literal("true", &Node{Kind: Bool, Bool: true})
	case c == 'f':
		return s.literal("false", &Node{Kind: Bool})
	case c == 'n':
		return s.literal("null", &Node{Kind: Null})
	}
	return nil, s.fail("invalid %s looking for the beginning of a value", s.describe())
}

func (s *scanner) literal(word string, n *Node) (*Node, error) {
	if len(s.src)-s.pos < len(word) || string(s.src[s.pos:s.pos+len(word)]) != word {
		return nil, s.fail("invalid %s looking for the beginning of a value (expected %s)", s.describe(), word)
	}
	n.Start = s.pos
	s.pos += len(word)
	n.End = s.pos
	return n, nil
}

func (s *scanner) number() (*Node, error) {
	start := s.pos
	if s.src[s.pos] == '-' {
		s.pos++
	}
	digits := func() int {
		n := 0
		for s.pos < len(s.src) && s.src[s.pos] >= '0' && s.src[s.pos] <= '9' {
			s.pos++
			n++
		}
		return n
	}
	intStart := s.pos
	if digits() == 0 {
		return nil, s.fail("invalid number: expected a digit")
	}
	if s.src[intStart] == '0' && s.pos-intStart > 1 {
		return nil, &SyntaxError{Offset: int64(intStart), Msg: "invalid number: leading zero"}
	}
	if s.pos < len(s.src) && s.src[s.pos] == '.' {
		s.pos++
		if digits() == 0 {
			return nil, s.fail("invalid number: expected a digit after the decimal point")
		}
	}
	if s.pos < len(s.src) && (s.src[s.pos] == 'e' || s.src[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.src) && (s.src[s.pos] == '+' || s.src[s.pos] == '-') {
			s.pos++
		}
		if digits() == 0 {
			return nil, s.fail("invalid number: expected a digit in the exponent")
		}
	}
	return &Node{Kind: Number, Str: string(s.src[start:s.pos]), Start: start, End: s.pos}, nil
}

// str reads a quoted string at s.pos and returns its decoded value.
func (s *scanner) str() (string, error) {
	start := s.pos
	s.pos++
	escaped := false
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case c == '"':
			s.pos++
			if !escaped {
				return string(s.src[start+1 : s.pos-1]), nil
			}
			var out string
			if err := json.Unmarshal(s.src[start:s.pos], &out); err != nil {
				return "", &SyntaxError{Offset: int64(start), Msg: "invalid escape in string: " + err.Error()}
			}
			return out, nil
		case c == '\\':
			escaped = true
			s.pos++
			if s.pos >= len(s.src) {
				break
			}
			switch s.src[s.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos++
			case 'u':
				s.pos++
				for i := 0; i < 4; i++ {
					if s.pos >= len(s.src) || !isHex(s.src[s.pos]) {
						return "", s.fail("invalid \\u escape in string: expected four hex digits")
					}
					s.pos++
				}
			default:
				return "", s.fail("invalid escape %s in string", s.describe())
			}
		case c < 0x20:
			return "", s.fail("invalid control character U+%04X in string: write it escaped", c)
		default:
			s.pos++
		}
	}
	return "", &SyntaxError{Offset: int64(start), Msg: "unterminated string: expected a closing quote"}
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func (s *scanner) array(depth int) (*Node, error) {
	n := &Node{Kind: Array, Start: s.pos}
	s.pos++
	s.skip()
	if s.pos < len(s.src) && s.src[s.pos] == ']' {
		s.pos++
		n.End = s.pos
		return n, nil
	}
	for {
		s.skip()
		e, err := s.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.Elems = append(n.Elems, e)
		s.skip()
		if s.pos >= len(s.src) {
			return nil, s.fail("unexpected end of JSON input: expected , or ] in array")
		}
		switch s.src[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			n.End = s.pos
			return n, nil
		default:
			return nil, s.fail("invalid %s after array element: expected , or ]", s.describe())
		}
	}
}

func (s *scanner) object(depth int) (*Node, error) {
	n := &Node{Kind: Object, Start: s.pos}
	s.pos++
	s.skip()
	if s.pos < len(s.src) && s.src[s.pos] == '}' {
		s.pos++
		n.End = s.pos
		return n, nil
	}
	for {
		s.skip()
		if s.pos >= len(s.src) || s.src[s.pos] != '"' {
			return nil, s.fail("invalid %s looking for the beginning of an object key: expected a quoted key", s.describe())
		}
		ks := s.pos
		key, err := s.str()
		if err != nil {
			return nil, err
		}
		ke := s.pos
		s.skip()
		if s.pos >= len(s.src) || s.src[s.pos] != ':' {
			return nil, s.fail("invalid %s after object key: expected :", s.describe())
		}
		s.pos++
		s.skip()
		v, err := s.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.Members = append(n.Members, Member{Key: key, KeyStart: ks, KeyEnd: ke, Value: v})
		s.skip()
		if s.pos >= len(s.src) {
			return nil, s.fail("unexpected end of JSON input: expected , or } in object")
		}
		switch s.src[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			n.End = s.pos
			return n, nil
		default:
			return nil, s.fail("invalid %s after object member: expected , or }", s.describe())
		}
	}
}
