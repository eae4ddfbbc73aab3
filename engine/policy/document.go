package policy

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
)

// Document is an IAM policy document.
type Document struct {
	// Name identifies the document in reports (file name, principal, ...).
	Name      string      `json:"name"`
	Version   string      `json:"version,omitempty"`
	Statement []Statement `json:"statements"`
}

// Statement is one statement of a policy.
type Statement struct {
	// Index is the statement's position in the document (0-based).
	Index int    `json:"index"`
	Sid   string `json:"sid,omitempty"`
	// Effect is "Allow" or "Deny".
	Effect      string          `json:"effect"`
	Action      []string        `json:"action,omitempty"`
	NotAction   []string        `json:"not_action,omitempty"`
	Resource    []string        `json:"resource,omitempty"`
	NotResource []string        `json:"not_resource,omitempty"`
	Principal   json.RawMessage `json:"principal,omitempty"`
	NotPrinc    json.RawMessage `json:"not_principal,omitempty"`
	Condition   json.RawMessage `json:"condition,omitempty"`
	// Line and Column of the statement in the source (Column in Unicode
	// characters, as in engine/diag).
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Label names the statement in findings: its Sid, or its index.
func (s *Statement) Label() string {
	if s.Sid != "" {
		return s.Sid
	}
	return fmt.Sprintf("Statement[%d]", s.Index)
}

// HasCondition reports whether the statement has a non-empty Condition.
func (s *Statement) HasCondition() bool {
	c := strings.TrimSpace(string(s.Condition))
	return c != "" && c != "{}" && c != "null"
}

// parser checks the shape of a decoded document. Its errors are a
// diag.List of one diagnostic: where (line, column and JSON path) and
// what was expected.
type parser struct {
	file string
	src  []byte
	// lines is the line table, built on first use.
	lines *diag.Lines
}

// pos returns the position of the value at off (past any separators).
func (p *parser) pos(off int64) diag.Position {
	if p.lines == nil {
		p.lines = diag.NewLines(p.file, p.src)
	}
	return p.lines.Position(int(skipSeparators(p.src, off)))
}

// The codes of the parser's diagnostics, IAM Access Analyzer's for the
// same checks.
const (
	// CodeJSONSyntax: the text is not JSON.
	CodeJSONSyntax = "JSON_SYNTAX_ERROR"
	// CodeDataType: a value of the wrong JSON type (the default).
	CodeDataType = "DATA_TYPE_MISMATCH"
	// CodeInvalidElement: an element a policy or statement does not have.
	CodeInvalidElement = "INVALID_POLICY_ELEMENT"
	// CodeMissingStatement: a policy without Statement.
	CodeMissingStatement = "MISSING_STATEMENT"
	// CodeInvalidEffect: an Effect other than "Allow" or "Deny".
	CodeInvalidEffect = "INVALID_EFFECT"
	// CodeMissingEffect: a statement without Effect.
	CodeMissingEffect = "MISSING_EFFECT"
	// CodeMissingAction: a statement with neither Action nor NotAction.
	CodeMissingAction = "MISSING_ACTION"
	// CodeElementCombination: a statement with both Action and NotAction.
	CodeElementCombination = "UNSUPPORTED_ELEMENT_COMBINATION"
)

// errAt is a CodeDataType error at a node.
func (p *parser) errAt(n *node, path, format string, args ...any) error {
	return p.errCode(n, path, CodeDataType, format, args...)
}

// errCode is an error with its code at a node, at its JSON path.
func (p *parser) errCode(n *node, path, code, format string, args ...any) error {
	d := diag.Diagnostic{Severity: diag.Error, Code: code, Path: path, Message: fmt.Sprintf(format, args...), Start: diag.Position{File: p.file}}
	if n != nil {
		d.Start = p.pos(n.offset)
	}
	return diag.List{d}
}

// Parse reads one policy document.
func Parse(src []byte, name string) (*Document, error) {
	p := &parser{file: name, src: src}
	root, err := p.tree(src)
	if err != nil {
		return nil, err
	}
	return p.document(root, "$", name)
}

func (p *parser) tree(src []byte) (*node, error) {
	root, err := parseTree(src)
	if err != nil {
		se := err.(*SyntaxError)
		d := diag.Errorf(p.pos(se.Offset), "malformed JSON: %s", strings.TrimPrefix(se.Msg, "json: "))
		d.Code = CodeJSONSyntax
		return nil, diag.List{d}
	}
	return root, nil
}

func (p *parser) document(root *node, path, name string) (*Document, error) {
	if root.kind != kObject {
		return nil, p.errAt(root, path, "expected a policy document (an object with Version and Statement), found %s", root.kind)
	}
	d := &Document{Name: name}
	for i, k := range root.keys {
		v := root.vals[i]
		switch k {
		case "Version":
			if v.kind != kString {
				return nil, p.errAt(v, path+".Version", "expected a string such as \"2012-10-17\", found %s", v.kind)
			}
			d.Version = v.str
		case "Id":
		case "Statement":
			var stmts []*node
			switch v.kind {
			case kObject:
				stmts = []*node{v}
			case kArray:
				stmts = v.arr
			default:
				return nil, p.errAt(v, path+".Statement", "expected a statement object or an array of statements, found %s", v.kind)
			}
			for j, sn := range stmts {
				sp := fmt.Sprintf("%s.Statement[%d]", path, j)
				if v.kind == kObject {
					sp = path + ".Statement"
				}
				s, err := p.statement(sn, sp, j)
				if err != nil {
					return nil, err
				}
				d.Statement = append(d.Statement, *s)
			}
		default:
			return nil, p.errCode(v, path+"."+k, CodeInvalidElement, "unknown policy element %q: a policy has Version, Id and Statement", k)
		}
	}
	if root.get("Statement") == nil {
		return nil, p.errCode(root, path, CodeMissingStatement, "the policy has no Statement")
	}
	return d, nil
}

func (p *parser) statement(n *node, path string, index int) (*Statement, error) {
	if n.kind != kObject {
		return nil, p.errAt(n, path, "expected a statement object, found %s", n.kind)
	}
	s := &Statement{Index: index}
	at := p.pos(n.offset)
	s.Line, s.Column = at.Line, at.Column
	var err error
	for i, k := range n.keys {
		v := n.vals[i]
		kp := path + "." + k
		switch k {
		case "Sid":
			if v.kind != kString {
				return nil, p.errAt(v, kp, "expected a string, found %s", v.kind)
			}
			s.Sid = v.str
		case "Effect":
			if v.kind != kString || (v.str != "Allow" && v.str != "Deny") {
				return nil, p.errCode(v, kp, CodeInvalidEffect, "expected \"Allow\" or \"Deny\", found %s", describe(v))
			}
			s.Effect = v.str
		case "Action":
			s.Action, err = p.strings(v, kp)
		case "NotAction":
			s.NotAction, err = p.strings(v, kp)
		case "Resource":
			s.Resource, err = p.strings(v, kp)
		case "NotResource":
			s.NotResource, err = p.strings(v, kp)
		case "Principal":
			s.Principal = v.raw()
		case "NotPrincipal":
			s.NotPrinc = v.raw()
		case "Condition":
			if v.kind != kObject {
				return nil, p.errAt(v, kp, "expected an object of condition operators, found %s", v.kind)
			}
			s.Condition = v.raw()
		default:
			return nil, p.errCode(v, kp, CodeInvalidElement, "unknown statement element %q: use Sid, Effect, Action, NotAction, Resource, NotResource, Principal, NotPrincipal or Condition", k)
		}
		if err != nil {
			return nil, err
		}
	}
	if s.Effect == "" {
		return nil, p.errCode(n, path, CodeMissingEffect, "the statement has no Effect: add \"Effect\": \"Allow\" or \"Deny\"")
	}
	if n.get("Action") == nil && n.get("NotAction") == nil {
		return nil, p.errCode(n, path, CodeMissingAction, "the statement has neither Action nor NotAction")
	}
	if n.get("Action") != nil && n.get("NotAction") != nil {
		return nil, p.errCode(n, path, CodeElementCombination, "the statement has both Action and NotAction: use one")
	}
	return s, nil
}

func (p *parser) strings(v *node, path string) ([]string, error) {
	switch v.kind {
	case kString:
		return []string{v.str}, nil
	case kArray:
		out := make([]string, 0, len(v.arr))
		for i, e := range v.arr {
			if e.kind != kString {
				return nil, p.errAt(e, fmt.Sprintf("%s[%d]", path, i), "expected a string, found %s", describe(e))
			}
			out = append(out, e.str)
		}
		return out, nil
	}
	return nil, p.errAt(v, path, "expected a string or an array of strings, found %s", describe(v))
}

func describe(n *node) string {
	switch n.kind {
	case kString:
		return fmt.Sprintf("%q", n.str)
	case kNumber:
		return "the number " + n.str
	}
	return n.kind.String()
}
