// Package policy parses IAM policy documents as AWS accepts them, keeping
// the position of every value so that errors point at line and column (or
// a JSON path) and findings at their statement.
package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// kind is a JSON value kind.
type kind int

const (
	kNull kind = iota
	kBool
	kNumber
	kString
	kArray
	kObject
)

func (k kind) String() string {
	return [...]string{"null", "a boolean", "a number", "a string", "an array", "an object"}[k]
}

// node is a JSON value with its byte offset in the source.
type node struct {
	kind   kind
	str    string // string, number text
	bool   bool
	arr    []*node
	keys   []string
	vals   []*node
	offset int64
}

func (n *node) get(key string) *node {
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// raw re-encodes the node as JSON (for Principal and Condition blocks).
func (n *node) raw() json.RawMessage {
	var b bytes.Buffer
	n.write(&b)
	return b.Bytes()
}

func (n *node) write(b *bytes.Buffer) {
	switch n.kind {
	case kNull:
		b.WriteString("null")
	case kBool:
		b.WriteString(strconv.FormatBool(n.bool))
	case kNumber:
		b.WriteString(n.str)
	case kString:
		s, _ := json.Marshal(n.str)
		b.Write(s)
	case kArray:
		b.WriteByte('[')
		for i, e := range n.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			e.write(b)
		}
		b.WriteByte(']')
	case kObject:
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			s, _ := json.Marshal(k)
			b.Write(s)
			b.WriteByte(':')
			n.vals[i].write(b)
		}
		b.WriteByte('}')
	}
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 200

// parseTree decodes JSON into nodes with offsets. Well-formed input is
// read by ParseNode's scanner (about three times faster than
// encoding/json's tokens); input it refuses, or whose strings are not
// valid UTF-8 (which encoding/json decodes with U+FFFD), is read by
// encoding/json, whose messages the errors keep. FuzzParseTreeFast checks
// that both give the same tree.
func parseTree(src []byte) (*node, error) {
	if root, err := ParseNode(src); err == nil {
		if n, ok := fromNode(root); ok {
			return n, nil
		}
	}
	return parseTreeJSON(src)
}

// fromNode converts a scanned tree; ok is false when a string or key is
// not valid UTF-8.
func fromNode(n *Node) (*node, bool) {
	out := &node{offset: int64(n.Start)}
	switch n.Kind {
	case Null:
		out.kind = kNull
	case Bool:
		out.kind, out.bool = kBool, n.Bool
	case Number:
		out.kind, out.str = kNumber, n.Str
	case String:
		if !utf8.ValidString(n.Str) {
			return nil, false
		}
		out.kind, out.str = kString, n.Str
	case Array:
		out.kind = kArray
		if len(n.Elems) > 0 {
			out.arr = make([]*node, len(n.Elems))
		}
		for i, e := range n.Elems {
			c, ok := fromNode(e)
			if !ok {
				return nil, false
			}
			out.arr[i] = c
		}
	case Object:
		out.kind = kObject
		if len(n.Members) > 0 {
			out.keys = make([]string, len(n.Members))
			out.vals = make([]*node, len(n.Members))
		}
		for i, m := range n.Members {
			if !utf8.ValidString(m.Key) {
				return nil, false
			}
			c, ok := fromNode(m.Value)
			if !ok {
				return nil, false
			}
			out.keys[i], out.vals[i] = m.Key, c
		}
	}
	return out, true
}

// parseTreeJSON decodes JSON into nodes with encoding/json's tokens.
func parseTreeJSON(src []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	n, err := readNode(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &SyntaxError{Offset: dec.InputOffset(), Msg: "unexpected data after the top-level value"}
	}
	return n, nil
}

// SyntaxError is malformed JSON at a byte offset.
type SyntaxError struct {
	Offset int64
	Msg    string
}

// Error returns the decoder's message.
func (e *SyntaxError) Error() string { return e.Msg }

func readNode(dec *json.Decoder, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, &SyntaxError{Offset: dec.InputOffset(), Msg: "nesting too deep"}
	}
	off := dec.InputOffset()
	t, err := dec.Token()
	if err != nil {
		return nil, tokenError(dec, err)
	}
	n := &node{offset: off}
	switch v := t.(type) {
	case json.Delim:
		switch v {
		case '[':
			n.kind = kArray
			for dec.More() {
				e, err := readNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.arr = append(n.arr, e)
			}
		case '{':
			n.kind = kObject
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, tokenError(dec, err)
				}
				k, _ := kt.(string)
				v, err := readNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k)
				n.vals = append(n.vals, v)
			}
		}
		if _, err := dec.Token(); err != nil {
			return nil, tokenError(dec, err)
		}
	case string:
		n.kind, n.str = kString, v
	case json.Number:
		n.kind, n.str = kNumber, string(v)
	case bool:
		n.kind, n.bool = kBool, v
	case nil:
		n.kind = kNull
	}
	return n, nil
}

func tokenError(dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &SyntaxError{Offset: se.Offset, Msg: se.Error()}
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return &SyntaxError{Offset: dec.InputOffset(), Msg: "unexpected end of JSON input"}
	}
	return &SyntaxError{Offset: dec.InputOffset(), Msg: fmt.Sprint(err)}
}

// skipSeparators moves off past whitespace, commas and colons, to the
// first byte of the value that follows; it never goes past the end.
func skipSeparators(src []byte, off int64) int64 {
	if off > int64(len(src)) {
		off = int64(len(src))
	}
	if off < 0 {
		off = 0
	}
	for off < int64(len(src)) {
		c := src[off]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ':' {
			off++
			continue
		}
		break
	}
	return off
}
