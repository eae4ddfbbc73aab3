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

// parseTree decodes JSON into nodes with offsets.
func parseTree(src []byte) (*node, error) {
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
