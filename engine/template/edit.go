package template

import (
	"errors"
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/internal/yamlerr"
	"go.yaml.in/yaml/v3"
)

// ErrFirstFormat is returned (wrapped) by EditSource for a template in
// Policy Sentry's first format (roles_with_crud_levels /
// roles_with_actions), whose lists are spread over roles: it has no
// section to edit in place.
var ErrFirstFormat = errors.New("a first-format template (roles_with_crud_levels / roles_with_actions) has no sections to edit in place")

// EditSource makes list edits on template source text (YAML or JSON), in
// order, and returns the new text. Everything the edits do not touch stays
// as it was: comments, blank lines, key order, quoting and the other
// values. A missing list (or its missing wildcard-only / sts mapping) is
// created at its place in the template's usual key order; removing the
// last row leaves an empty list (key: []), which reads the same as a
// missing one.
//
// The changed rows are spliced into the text, so that the rest stays byte
// for byte; each splice is checked by parsing the result. Where a splice
// is not possible (flow mappings, multi-line scalars) the edited YAML tree
// is encoded again instead: comments survive, indentation is normalised.
//
// Source that is not YAML (a template being typed) gives a diag.List with
// line and column, and nothing is edited. file names the source in
// errors.
func EditSource(src []byte, file string, edits ...ListEdit) ([]byte, error) {
	for _, e := range edits {
		out, _, err := editSource(src, file, e)
		if err != nil {
			return nil, fmt.Errorf("cannot %s: %w", e, err)
		}
		src = out
	}
	return src, nil
}

// editSource makes one edit; spliced reports whether the untouched text
// was kept byte for byte.
func editSource(src []byte, file string, e ListEdit) (out []byte, spliced bool, err error) {
	lines := diag.NewLines(file, src)
	want, err := parseDoc(lines)
	if err != nil {
		return nil, false, err
	}
	if err := editTree(want.Content[0], lines, e); err != nil {
		return nil, false, err
	}
	if out, ok := splice(src, e); ok {
		if got, err := parseDoc(diag.NewLines(file, out)); err == nil && sameTree(got, want) {
			return out, true, nil
		}
	}
	out, err = encodeDoc(want)
	if err != nil {
		return nil, false, fmt.Errorf("encoding the edited template: %w", err)
	}
	if got, err := parseDoc(diag.NewLines(file, out)); err != nil || !sameTree(got, want) {
		return nil, false, templateError(diag.Position{File: file}, "the edited template does not read back the same; edit the YAML text instead")
	}
	return out, false, nil
}

// parseDoc reads source into a YAML document whose root is a mapping.
func parseDoc(lines *diag.Lines) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(lines.Source(), &doc); err != nil {
		return nil, yamlerr.Error(lines, err)
	}
	if len(doc.Content) == 0 {
		return nil, templateError(diag.Position{File: lines.File()}, "the template is empty: expected a mapping with mode: crud or mode: actions")
	}
	if root := doc.Content[0]; root.Kind != yaml.MappingNode {
		return nil, errorAt(lines, root, "expected a mapping with mode: crud or mode: actions, found %s", kindName(root))
	}
	return &doc, nil
}

// rootOrder is the order in which new top-level keys are placed.
var rootOrder = []string{"mode", "name", "effect", "read", "write", "list", "tagging", "permissions-management",
	"wildcard-only", "skip-resource-constraints", "exclude-actions", "sts", "actions"}

// orderOf returns the key order of the mapping a list key's parent names
// ("" for the root).
func orderOf(parent string) []string {
	switch parent {
	case "wildcard-only":
		return wildcardKeys
	case "sts":
		return stsKeys
	}
	return rootOrder
}

// splitKey splits a dotted list key into its parent mapping ("" for the
// root) and its own key.
func splitKey(key string) (parent, leaf string) {
	if i := strings.IndexByte(key, '.'); i >= 0 {
		return key[:i], key[i+1:]
	}
	return "", key
}

// pairIndex returns the index of the last pair of mapping m with the key
// (the parser lets the last of duplicate keys win), or -1.
func pairIndex(m *yaml.Node, key string) int {
	at := -1
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			at = i / 2
		}
	}
	return at
}

// insertAt returns the pair index at which a new key goes in mapping m:
// after the last key that comes before it in order.
func insertAt(m *yaml.Node, order []string, key string) int {
	rank := indexOf(order, key)
	at := 0
	for i := 0; i+1 < len(m.Content); i += 2 {
		if r := indexOf(order, m.Content[i].Value); r >= 0 && r < rank {
			at = i/2 + 1
		}
	}
	return at
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// IsFirstFormat reports whether src is a template in Policy Sentry's
// first format (roles_with_crud_levels, roles_with_actions), which form
// edits rewrite in the 0.16 format (see ErrFirstFormat). Text that is not
// a YAML mapping is not.
func IsFirstFormat(src []byte) bool {
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return false
	}
	return isFirstFormat(doc.Content[0])
}

func isFirstFormat(root *yaml.Node) bool {
	return hasKey(root, "roles_with_crud_levels") || hasKey(root, "roles_with_actions") || hasKey(root, "policy_with_crud_levels")
}

// editTree makes the edit on a parsed YAML tree (root is the document's
// mapping): what the text must read as after the edit.
func editTree(root *yaml.Node, lines *diag.Lines, e ListEdit) error {
	if isFirstFormat(root) {
		return ErrFirstFormat
	}
	if (&Template{}).Entries(e.Key) == nil {
		return fmt.Errorf("unknown list %q", e.Key)
	}
	if mode := lookup(root, "mode"); mode != nil && mode.Kind == yaml.ScalarNode {
		if (mode.Value == string(ModeActions)) != (e.Key == "actions") {
			return errorAt(lines, mode, "a %s template has no %s list", mode.Value, e.Key)
		}
	}
	parent, leaf := splitKey(e.Key)
	m := root
	var pm *yaml.Node // the parent mapping's value when it must be created
	if parent != "" {
		if i := pairIndex(root, parent); i >= 0 {
			v := root.Content[2*i+1]
			switch {
			case isNull(v):
				pm = v
			case v.Kind != yaml.MappingNode:
				return errorAt(lines, v, "%s: expected a mapping, found %s", parent, kindName(v))
			}
			m = v
		} else {
			pm = &yaml.Node{}
			m = nil
		}
	}
	var seq *yaml.Node
	if m != nil && pm == nil {
		if i := pairIndex(m, leaf); i >= 0 {
			seq = m.Content[2*i+1]
		}
	}
	n := 0
	if seq != nil {
		switch {
		case seq.Kind == yaml.SequenceNode:
			n = len(seq.Content)
		case !isNull(seq):
			return errorAt(lines, seq, "%s: expected a list, found %s", e.Key, kindName(seq))
		}
	}
	if err := e.check(n); err != nil {
		return err
	}
	// The edit is valid: create what is missing.
	if pm != nil {
		*pm = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: pm.HeadComment, LineComment: pm.LineComment, FootComment: pm.FootComment}
		if m == nil {
			insertPair(root, rootOrder, parent, pm)
		}
		m = pm
	}
	if seq == nil {
		seq = &yaml.Node{}
		insertPair(m, orderOf(parent), leaf, seq)
	}
	if seq.Kind != yaml.SequenceNode {
		*seq = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", HeadComment: seq.HeadComment, LineComment: seq.LineComment, FootComment: seq.FootComment}
	}
	style := rowStyle(seq)
	if style == 0 && m.Style&yaml.FlowStyle != 0 && len(m.Content) > 0 {
		style = m.Content[0].Style // JSON keeps its quotes
	}
	row := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: e.Value, Style: style}
	switch {
	case e.Op == EditSet && e.Index < n:
		old := seq.Content[e.Index]
		row.HeadComment, row.LineComment, row.FootComment = old.HeadComment, old.LineComment, old.FootComment
		seq.Content[e.Index] = row
	case e.Op == EditSet, e.Op == EditAppend:
		seq.Content = append(seq.Content, row)
	case e.Op == EditRemove:
		seq.Content = append(seq.Content[:e.Index:e.Index], seq.Content[e.Index+1:]...)
		if len(seq.Content) == 0 {
			seq.Style = yaml.FlowStyle
		}
	}
	return nil
}

// insertPair adds key: v to mapping m at its place in order.
func insertPair(m *yaml.Node, order []string, key string, v *yaml.Node) {
	at := 2 * insertAt(m, order, key)
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}
	if len(m.Content) > 0 && m.Content[0].Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		k.Style = m.Content[0].Style // JSON keeps its quotes
	}
	m.Content = append(m.Content[:at:at], append([]*yaml.Node{k, v}, m.Content[at:]...)...)
}

// sameTree reports whether two YAML trees read the same: same kinds,
// tags, values and shape (comments, styles and positions aside).
func sameTree(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || len(a.Content) != len(b.Content) {
		return false
	}
	switch a.Kind {
	case yaml.ScalarNode:
		if a.ShortTag() != b.ShortTag() || (a.Value != b.Value && a.ShortTag() != "!!null") {
			return false
		}
	case yaml.AliasNode:
		if a.Value != b.Value {
			return false
		}
	}
	for i := range a.Content {
		if !sameTree(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// encodeDoc encodes a whole YAML document (its comments too) with the
// indentation Marshal uses.
func encodeDoc(doc *yaml.Node) ([]byte, error) {
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}
