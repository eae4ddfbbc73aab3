package template

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/internal/lazyre"
	"go.yaml.in/yaml/v3"
)

// ConditionEdit is one edit of a template's condition blocks, as the web
// app's condition editor makes it.
type ConditionEdit struct {
	// Remove is set to remove clause Index of the block; otherwise the
	// clause Operator Key Values is added to the block (its values
	// replaced when the block has the key under that operator).
	Remove bool
	// Section is the block: "" for condition:, else a ConditionSections
	// name (read-condition: is "read").
	Section string
	// Operator, Key and Values are the clause to add.
	Operator, Key string
	Values        []string
	// Index is the clause to remove, in the block's Clauses. A clause
	// from a shortcut removes the whole shortcut.
	Index int
}

// String describes the edit for error messages.
func (e ConditionEdit) String() string {
	if e.Remove {
		return fmt.Sprintf("remove condition %d of %s", e.Index+1, ConditionKey(e.Section))
	}
	return fmt.Sprintf("add %s %s to %s", e.Operator, e.Key, ConditionKey(e.Section))
}

// check validates the edit's own fields.
func (e ConditionEdit) check(mode Mode) error {
	if e.Section != "" && !slices.Contains(ConditionSections, e.Section) {
		return fmt.Errorf("%q has no condition block: use one of %s, or \"\" for condition:", e.Section, strings.Join(ConditionSections, ", "))
	}
	if e.Section != "" && mode == ModeActions {
		return fmt.Errorf("an actions template has only condition:, not %s", ConditionKey(e.Section))
	}
	if e.Remove {
		return nil
	}
	if _, err := condition.ParseOperator(e.Operator); err != nil {
		return err
	}
	if !validKeyName(e.Key) {
		return fmt.Errorf("%q is not a condition key: expected service:name, such as aws:SourceIp or s3:prefix", e.Key)
	}
	if len(e.Values) == 0 {
		return fmt.Errorf("%s %s: give at least one value", e.Operator, e.Key)
	}
	for _, v := range e.Values {
		if strings.TrimSpace(v) == "" || strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("%s %s: a value is empty or spans lines", e.Operator, e.Key)
		}
	}
	return nil
}

// ApplyCondition makes the edit on the parsed template: what
// EditConditionSource makes on its text.
func (t *Template) ApplyCondition(e ConditionEdit) error {
	if err := e.check(t.Mode); err != nil {
		return err
	}
	bi := -1
	for i, b := range t.Conditions {
		if b.Section == e.Section {
			bi = i
		}
	}
	if e.Remove {
		if bi < 0 || e.Index < 0 || e.Index >= len(t.Conditions[bi].Clauses) {
			return fmt.Errorf("cannot %s: it has no such condition", e)
		}
		b := t.Conditions[bi]
		c := b.Clauses[e.Index]
		var kept []Clause
		for i, x := range b.Clauses {
			if i == e.Index || (c.Shortcut != "" && x.Shortcut == c.Shortcut) {
				continue
			}
			kept = append(kept, x)
		}
		b.Clauses = kept
		t.Conditions = slices.Clone(t.Conditions)
		if len(kept) == 0 {
			t.Conditions = slices.Delete(t.Conditions, bi, bi+1)
		} else {
			t.Conditions[bi] = b
		}
		return nil
	}
	vals := make([]Entry, len(e.Values))
	for i, v := range e.Values {
		vals[i] = Entry{Value: v}
	}
	c := Clause{Operator: e.Operator, Key: e.Key, Values: vals}
	t.Conditions = slices.Clone(t.Conditions)
	if bi < 0 {
		t.Conditions = append(t.Conditions, ConditionBlock{Section: e.Section, Clauses: []Clause{c}})
		return nil
	}
	b := t.Conditions[bi]
	b.Clauses = slices.Clone(b.Clauses)
	t.Conditions[bi] = b
	for i, x := range b.Clauses {
		if x.Shortcut == "" && x.Operator == e.Operator && x.Key == e.Key {
			b.Clauses[i].Values = vals
			return nil
		}
	}
	t.Conditions[bi].Clauses = append(b.Clauses, c)
	return nil
}

// EditConditionSource makes a condition edit on template text, keeping
// the rest of the text as the user wrote it: a new block goes at the end
// of the template, a new operator at the end of its block, a new key at
// the end of its operator; a removed clause takes its lines (and its
// operator's and block's when it was their last). Where the text cannot
// be spliced (flow mappings, multi-line values) the edited YAML tree is
// encoded again: comments survive, indentation is normalised. Text that
// is not YAML yet gives a diag.List with line and column; a first-format
// template gives ErrFirstFormat.
func EditConditionSource(src []byte, file string, e ConditionEdit) ([]byte, error) {
	out, _, err := editConditionSource(src, file, e)
	if err != nil {
		return nil, fmt.Errorf("cannot %s: %w", e, err)
	}
	return out, nil
}

// condTarget is where a condition edit acts on the YAML tree.
type condTarget struct {
	// parent is the mapping that gets (or loses) a pair; key/val the pair
	// (nil when added); at its pair index.
	parent, key, val *yaml.Node
	at               int
	// body is the text of the new pair at indentation 0 (adding).
	body string
	// newKey, newVal are the parsed new pair (adding).
	newKey, newVal *yaml.Node
	// nullValue is set when val is a null to be replaced by newVal.
	nullValue bool
}

func editConditionSource(src []byte, file string, e ConditionEdit) (out []byte, spliced bool, err error) {
	lines := diag.NewLines(file, src)
	doc, err := parseDoc(lines)
	if err != nil {
		return nil, false, err
	}
	root := doc.Content[0]
	if isFirstFormat(root) {
		return nil, false, ErrFirstFormat
	}
	var mode Mode
	if m := lookup(root, "mode"); m != nil && m.Kind == yaml.ScalarNode {
		mode = Mode(m.Value)
	}
	if err := e.check(mode); err != nil {
		return nil, false, err
	}
	tg, err := conditionTarget(root, lines, e)
	if err != nil {
		return nil, false, err
	}
	// The text first, from the unedited tree's positions.
	text, textOK := spliceCondition(src, root, tg, e.Remove)
	// Then the tree.
	switch {
	case e.Remove:
		tg.parent.Content = slices.Delete(tg.parent.Content, 2*tg.at, 2*tg.at+2)
	case tg.nullValue:
		*tg.val = *tg.newVal
	case tg.key != nil:
		tg.parent.Content[2*tg.at+1] = tg.newVal
	default:
		tg.parent.Content = append(tg.parent.Content, tg.newKey, tg.newVal)
	}
	if textOK {
		if got, err := parseDoc(diag.NewLines(file, text)); err == nil && sameTree(got, doc) {
			return text, true, nil
		}
	}
	out, err = encodeDoc(doc)
	if err != nil {
		return nil, false, fmt.Errorf("encoding the edited template: %w", err)
	}
	if got, err := parseDoc(diag.NewLines(file, out)); err != nil || !sameTree(got, doc) {
		return nil, false, templateError(diag.Position{File: file}, "the edited template does not read back the same; edit the YAML text instead")
	}
	return out, false, nil
}

// conditionTarget finds the pair a condition edit adds, replaces or
// removes.
func conditionTarget(root *yaml.Node, lines *diag.Lines, e ConditionEdit) (*condTarget, error) {
	bkey := ConditionKey(e.Section)
	bi := pairIndex(root, bkey)
	if e.Remove {
		return removeTarget(root, lines, e, bi)
	}
	valText := ""
	if len(e.Values) == 1 {
		r, ok := condValue(e.Values[0], false)
		if !ok {
			return nil, fmt.Errorf("the value %q cannot be written on one line", e.Values[0])
		}
		valText = r
	} else {
		parts := make([]string, len(e.Values))
		for i, v := range e.Values {
			r, ok := condValue(v, true)
			if !ok {
				return nil, fmt.Errorf("the value %q cannot be written on one line", v)
			}
			parts[i] = r
		}
		valText = "[" + strings.Join(parts, ", ") + "]"
	}
	keyText, ok1 := encodeRow(e.Key, 0, false)
	opText, ok2 := encodeRow(e.Operator, 0, false)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("the key %q cannot be written", e.Key)
	}
	keyLine := keyText + ": " + valText + "\n"
	opBody := opText + ":\n" + indentLines(keyLine, 2)
	blockBody := bkey + ":\n" + indentLines(opBody, 2)
	pair := func(body string, depth int) (*yaml.Node, *yaml.Node, error) {
		var d yaml.Node
		if err := yaml.Unmarshal([]byte(body), &d); err != nil || len(d.Content) == 0 || len(d.Content[0].Content) != 2 {
			return nil, nil, fmt.Errorf("the condition cannot be written as YAML")
		}
		return d.Content[0].Content[0], d.Content[0].Content[1], nil
	}
	tg := &condTarget{}
	var err error
	if bi < 0 {
		tg.parent, tg.at, tg.body = root, len(root.Content)/2, blockBody
		tg.newKey, tg.newVal, err = pair(blockBody, 0)
		return tg, err
	}
	bk, bv := root.Content[2*bi], root.Content[2*bi+1]
	if isNull(bv) {
		tg.parent, tg.at, tg.key, tg.val, tg.nullValue, tg.body = root, bi, bk, bv, true, opBody
		_, tg.newVal, err = pair(blockBody, 0)
		return tg, err
	}
	if bv.Kind != yaml.MappingNode {
		return nil, errorAt(lines, bv, "%s: expected a mapping of condition operators, found %s", bkey, kindName(bv))
	}
	oi := pairIndex(bv, e.Operator)
	if oi < 0 {
		tg.parent, tg.at, tg.body = bv, len(bv.Content)/2, opBody
		tg.newKey, tg.newVal, err = pair(opBody, 0)
		return tg, err
	}
	ov := bv.Content[2*oi+1]
	if ov.Kind != yaml.MappingNode {
		return nil, errorAt(lines, ov, "%s: %s: expected a mapping of condition keys, found %s", bkey, e.Operator, kindName(ov))
	}
	tg.parent, tg.body = ov, keyLine
	tg.newKey, tg.newVal, err = pair(keyLine, 0)
	if ki := pairIndex(ov, e.Key); ki >= 0 {
		tg.at, tg.key, tg.val = ki, ov.Content[2*ki], ov.Content[2*ki+1]
	} else {
		tg.at = len(ov.Content) / 2
	}
	return tg, err
}

// removeTarget finds the pair holding clause e.Index of the block: the
// key under its operator (or the shortcut), widened to the operator and
// the block when it is their only pair.
func removeTarget(root *yaml.Node, lines *diag.Lines, e ConditionEdit, bi int) (*condTarget, error) {
	t, err := Parse(lines.Source(), lines.File())
	if err != nil {
		return nil, fmt.Errorf("the template must read without errors to remove a condition: %w", err)
	}
	var c *Clause
	for _, b := range t.Conditions {
		if b.Section == e.Section && e.Index >= 0 && e.Index < len(b.Clauses) {
			c = &b.Clauses[e.Index]
		}
	}
	if c == nil || bi < 0 {
		return nil, fmt.Errorf("%s has no condition %d", ConditionKey(e.Section), e.Index+1)
	}
	bv := root.Content[2*bi+1]
	// The pairs from the block down to the clause's key.
	type level struct {
		m  *yaml.Node
		at int
	}
	var path []level
	if c.Shortcut != "" {
		path = []level{{root, bi}, {bv, pairIndex(bv, c.Shortcut)}}
	} else {
		oi := pairIndex(bv, c.Operator)
		if oi < 0 {
			return nil, fmt.Errorf("%s: operator %s not found", ConditionKey(e.Section), c.Operator)
		}
		ov := bv.Content[2*oi+1]
		path = []level{{root, bi}, {bv, oi}, {ov, pairIndex(ov, c.Key)}}
	}
	for _, l := range path {
		if l.at < 0 {
			return nil, fmt.Errorf("%s: condition %d not found", ConditionKey(e.Section), e.Index+1)
		}
	}
	// Widen while the pair is its mapping's only one.
	i := len(path) - 1
	for i > 0 && len(path[i].m.Content) == 2 {
		i--
	}
	l := path[i]
	return &condTarget{parent: l.m, at: l.at, key: l.m.Content[2*l.at], val: l.m.Content[2*l.at+1]}, nil
}

// spliceCondition makes the edit on the text; ok is false where the
// text's shape is not one it splices. The caller checks the result.
func spliceCondition(src []byte, root *yaml.Node, tg *condTarget, remove bool) ([]byte, bool) {
	if otherBreaks(src) || root.Style&yaml.FlowStyle != 0 || tg.parent.Style&yaml.FlowStyle != 0 {
		return nil, false
	}
	s := newSource(src)
	// startsLine: only spaces before the key on its line.
	startsLine := func(k *yaml.Node) bool {
		off, ok := s.offset(k.Line, k.Column)
		return ok && strings.TrimSpace(string(s.b[s.LineStart(k.Line):off])) == ""
	}
	switch {
	case remove || (tg.key != nil && !tg.nullValue):
		if !startsLine(tg.key) {
			return nil, false
		}
		r := rep{s.LineStart(tg.key.Line), s.nextLine(lastLine(tg.val)), ""}
		if !remove {
			r = s.linesRep(r.a, indentLines(tg.body, tg.key.Column-1))
			r.b = s.nextLine(lastLine(tg.val))
		}
		return s.apply(r), true
	case tg.nullValue:
		if !s.emptyNull(tg.key, tg.val) {
			return nil, false
		}
		return s.insertLines(s.nextLine(tg.key.Line), indentLines(tg.body, tg.key.Column-1+2)), true
	}
	// A new pair at the end of the parent mapping, at its keys' column.
	if len(tg.parent.Content) == 0 {
		return nil, false
	}
	first := tg.parent.Content[0]
	if !startsLine(first) {
		return nil, false
	}
	return s.insertLines(s.nextLine(lastLine(tg.parent)), indentLines(tg.body, first.Column-1)), true
}

// condValue writes a condition value on one line: true, false and whole
// numbers plain (a template reads them as the same string), anything else
// as encodeRow does.
func condValue(v string, flow bool) (string, bool) {
	if plainValue.MatchString(v) {
		return v, true
	}
	return encodeRow(v, 0, flow)
}

var plainValue = lazyre.New(`^(true|false|[1-9][0-9]{0,17}|0)$`)
