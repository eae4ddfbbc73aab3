package template

import (
	"bytes"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"go.yaml.in/yaml/v3"
)

// splice makes a list edit on template text by replacing only the text of
// the rows it changes (and inserting the lines of new keys), so that the
// rest stays byte for byte. ok is false when the text's shape is not one
// it splices (a flow mapping, a multi-line scalar, a list spread over
// lines in flow style); EditSource then encodes the edited tree instead.
// The caller checks the result by parsing it, so splice may guess.
func splice(src []byte, e ListEdit) (out []byte, ok bool) {
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil || len(doc.Content) == 0 {
		return nil, false
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, false
	}
	if otherBreaks(src) {
		return nil, false
	}
	s := newSource(src)
	parent, leaf := splitKey(e.Key)
	// The text of a new list holding the one new row (set or append on a
	// missing list), at indentation 0; new keys go into block mappings only.
	newRow, rowOK := encodeRow(e.Value, 0, false)
	list := func(m *yaml.Node) string {
		return leaf + ":\n" + sp(dashIn(m, root)) + "- " + newRow + "\n"
	}
	canInsert := func(m *yaml.Node) bool {
		return rowOK && m.Style&yaml.FlowStyle == 0 && len(m.Content) > 0
	}
	m := root
	if parent != "" {
		i := pairIndex(root, parent)
		if i < 0 {
			if !canInsert(root) {
				return nil, false
			}
			nest := nestIn(root)
			return s.insertPair(root, rootOrder, parent, parent+":\n"+indentLines(list(&yaml.Node{}), nest))
		}
		k, v := root.Content[2*i], root.Content[2*i+1]
		if isNull(v) {
			if !canInsert(root) || !s.emptyNull(k, v) {
				return nil, false
			}
			return s.insertLines(s.nextLine(k.Line), indentLines(list(&yaml.Node{}), k.Column-1+nestIn(root))), true
		}
		if v.Kind != yaml.MappingNode {
			return nil, false
		}
		m = v
	}
	i := pairIndex(m, leaf)
	if i < 0 {
		if !canInsert(m) {
			return nil, false
		}
		return s.insertPair(m, orderOf(parent), leaf, list(m))
	}
	k, seq := m.Content[2*i], m.Content[2*i+1]
	if isNull(seq) {
		if !canInsert(m) || !s.emptyNull(k, seq) {
			return nil, false
		}
		return s.insertLines(s.nextLine(k.Line), sp(k.Column-1+dashIn(m, root))+"- "+newRow+"\n"), true
	}
	if seq.Kind != yaml.SequenceNode {
		return nil, false
	}
	if seq.Style&yaml.FlowStyle != 0 {
		return s.flowEdit(k, seq, e, dashIn(m, root), m.Style&yaml.FlowStyle != 0)
	}
	return s.blockEdit(k, seq, e)
}

// blockEdit edits a block list (one "- row" a line).
func (s *source) blockEdit(k, seq *yaml.Node, e ListEdit) ([]byte, bool) {
	n := len(seq.Content)
	for _, it := range seq.Content {
		if it.Kind != yaml.ScalarNode {
			return nil, false
		}
	}
	switch {
	case e.Op == EditSet && e.Index < n:
		it := seq.Content[e.Index]
		a, b, ok := s.scalarSpan(it, false)
		if !ok {
			return nil, false
		}
		r, ok := encodeRow(e.Value, chosenStyle(it), false)
		if !ok {
			return nil, false
		}
		if a == b && (a == 0 || s.b[a-1] != ' ') {
			r = " " + r // "-" with nothing after it
		}
		return s.apply(rep{a, b, r}), true
	case e.Op == EditSet || e.Op == EditAppend:
		last := seq.Content[n-1]
		if _, _, ok := s.scalarSpan(last, false); !ok {
			return nil, false
		}
		r, ok := encodeRow(e.Value, rowStyle(seq), false)
		if !ok {
			return nil, false
		}
		return s.insertLines(s.nextLine(last.Line), sp(seq.Column-1)+"- "+r+"\n"), true
	case e.Op == EditRemove:
		it := seq.Content[e.Index]
		a, b, ok := s.scalarSpan(it, false)
		if !ok {
			return nil, false
		}
		start := s.LineStart(it.Line)
		before := strings.TrimSpace(string(s.b[start:a]))
		after := strings.TrimSpace(string(s.b[b:s.lineEnd(it.Line)]))
		if before != "-" || (after != "" && after[0] != '#') {
			return nil, false
		}
		reps := []rep{{start, s.nextLine(it.Line), ""}}
		if n == 1 {
			colon, ok := s.colonAfter(k)
			if !ok {
				return nil, false
			}
			reps = append(reps, rep{colon + 1, colon + 1, " []"})
		}
		return s.apply(reps...), true
	}
	return nil, false
}

// flowEdit edits a flow list ([a, b]) written on one line.
// inFlow says the list's mapping is a flow mapping too ({...}), where
// an empty list stays a flow list.
func (s *source) flowEdit(k, seq *yaml.Node, e ListEdit, dash int, inFlow bool) ([]byte, bool) {
	open, ok := s.offset(seq.Line, seq.Column)
	if !ok || s.b[open] != '[' {
		return nil, false
	}
	type span struct{ a, b int }
	var spans []span
	for _, it := range seq.Content {
		if it.Kind != yaml.ScalarNode || it.Line != seq.Line {
			return nil, false
		}
		a, b, ok := s.scalarSpan(it, true)
		if !ok || a == b {
			return nil, false
		}
		spans = append(spans, span{a, b})
	}
	n := len(spans)
	end := open + 1
	if n > 0 {
		end = spans[n-1].b
	}
	for end < len(s.b) && (s.b[end] == ' ' || s.b[end] == '\t') {
		end++
	}
	if end >= len(s.b) || s.b[end] != ']' {
		return nil, false
	}
	switch {
	case e.Op == EditSet && e.Index < n:
		r, ok := encodeRow(e.Value, chosenStyle(seq.Content[e.Index]), true)
		if !ok {
			return nil, false
		}
		return s.apply(rep{spans[e.Index].a, spans[e.Index].b, r}), true
	case (e.Op == EditSet || e.Op == EditAppend) && n == 0 && inFlow:
		r, ok := encodeRow(e.Value, k.Style, true) // JSON keeps its quotes
		if !ok {
			return nil, false
		}
		return s.apply(rep{open + 1, end, r}), true
	case (e.Op == EditSet || e.Op == EditAppend) && n == 0:
		// key: [] becomes a block list.
		colon, ok := s.colonAfter(k)
		if !ok || k.Line != seq.Line {
			return nil, false
		}
		r, ok := encodeRow(e.Value, 0, false)
		if !ok {
			return nil, false
		}
		return s.apply(rep{colon + 1, end + 1, ""}, s.linesRep(s.nextLine(k.Line), sp(k.Column-1+dash)+"- "+r+"\n")), true
	case e.Op == EditSet || e.Op == EditAppend:
		r, ok := encodeRow(e.Value, rowStyle(seq), true)
		if !ok {
			return nil, false
		}
		return s.apply(rep{spans[n-1].b, spans[n-1].b, ", " + r}), true
	case e.Op == EditRemove && n == 1:
		return s.apply(rep{spans[0].a, spans[0].b, ""}), true
	case e.Op == EditRemove && e.Index < n-1:
		return s.apply(rep{spans[e.Index].a, spans[e.Index+1].a, ""}), true
	case e.Op == EditRemove:
		return s.apply(rep{spans[e.Index-1].b, spans[e.Index].b, ""}), true
	}
	return nil, false
}

// insertPair inserts the lines of a new key (body, at indentation 0) into
// block mapping m, after the last key that comes before it in order.
func (s *source) insertPair(m *yaml.Node, order []string, key, body string) ([]byte, bool) {
	at := insertAt(m, order, key)
	var off int
	if at > 0 {
		k, v := m.Content[2*at-2], m.Content[2*at-1]
		off = s.nextLine(s.pastFoot(max(lastLine(k), lastLine(v)), footLines(k, v)))
	} else {
		l := m.Content[0].Line
		if l < 1 || l > s.LineCount() {
			return nil, false
		}
		off = s.LineStart(l)
	}
	return s.insertLines(off, indentLines(body, m.Column-1)), true
}

// footLines counts the comment lines yaml.v3 gives a key and its value
// as foot comments (the comments right after them, before a blank line):
// they close that key's section, so a new key goes after them.
func footLines(k, v *yaml.Node) int {
	n := commentLines(k.FootComment)
	for node := v; node != nil; {
		n += commentLines(node.FootComment)
		if len(node.Content) == 0 {
			break
		}
		node = node.Content[len(node.Content)-1]
	}
	return n
}

// commentLines counts the lines of a comment that start with #.
func commentLines(c string) int {
	n := 0
	for _, l := range strings.Split(c, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			n++
		}
	}
	return n
}

// pastFoot returns the line of the last of n comment lines after line
// (blank lines between them allowed), or line when there are none.
func (s *source) pastFoot(line, n int) int {
	last := line
	for l := line + 1; n > 0 && l <= s.LineCount(); l++ {
		text := strings.TrimSpace(string(s.b[s.LineStart(l):s.lineEnd(l)]))
		switch {
		case text == "":
		case text[0] == '#':
			last = l
			n--
		default:
			return last
		}
	}
	return last
}

// source is template text with its line table, to turn the positions
// yaml.v3 gives (1-based lines, columns in characters) into byte offsets.
type source struct {
	b []byte
	*diag.Lines
}

// otherBreaks reports whether src has line breaks other than "\n" and
// "\r\n": a lone "\r", or NEL, LS or PS, which the YAML parser also counts
// as line breaks. Its line numbers would then not match the source's
// lines, so such text is not spliced (found by FuzzEdit).
func otherBreaks(src []byte) bool {
	for i, c := range src {
		if c == '\r' && (i+1 == len(src) || src[i+1] != '\n') {
			return true
		}
	}
	return bytes.Contains(src, []byte("\u0085")) || bytes.Contains(src, []byte("\u2028")) || bytes.Contains(src, []byte("\u2029"))
}

func newSource(b []byte) *source {
	return &source{b: b, Lines: diag.NewLines("", b)}
}

// lineEnd is the offset of the end of a line's text (its '\n' or '\r\n',
// or the end of the source).
func (s *source) lineEnd(line int) int { return s.LineEnd(line) }

// nextLine is the offset of the start of the line after line (the end of
// the source for the last line).
func (s *source) nextLine(line int) int { return s.LineStart(line + 1) }

// lineBreak is the line break the source uses after line ("\r\n" or "\n").
func (s *source) lineBreak(line int) string {
	if line < s.LineCount() {
		if n := s.LineStart(line + 1); n >= 2 && s.b[n-2] == '\r' {
			return "\r\n"
		}
	}
	return "\n"
}

// offset returns the byte offset of a 1-based line and column.
func (s *source) offset(line, col int) (int, bool) { return s.ValidAt(line, col) }

// scalarSpan returns where a single-line scalar's text is: [a, b). A null
// written as nothing (key: or a bare -) gives an empty span. ok is false
// for scalars over several lines and for text that does not read back as
// the scalar.
func (s *source) scalarSpan(n *yaml.Node, flow bool) (a, b int, ok bool) {
	a, ok = s.offset(n.Line, n.Column)
	if !ok {
		return 0, 0, false
	}
	eol := s.lineEnd(n.Line)
	b = -1
	switch n.Style {
	case yaml.DoubleQuotedStyle:
		for j := a + 1; a < eol && s.b[a] == '"' && j < eol; j++ {
			if s.b[j] == '\\' {
				j++
			} else if s.b[j] == '"' {
				b = j + 1
				break
			}
		}
	case yaml.SingleQuotedStyle:
		for j := a + 1; a < eol && s.b[a] == '\'' && j < eol; j++ {
			if s.b[j] == '\'' {
				if j+1 < eol && s.b[j+1] == '\'' {
					j++
					continue
				}
				b = j + 1
				break
			}
		}
	case 0:
		j := a
		for ; j < eol; j++ {
			c := s.b[j]
			if c == '#' && j > a && (s.b[j-1] == ' ' || s.b[j-1] == '\t') {
				break
			}
			if flow && strings.IndexByte(",[]{}", c) >= 0 {
				break
			}
		}
		for j > a && (s.b[j-1] == ' ' || s.b[j-1] == '\t') {
			j--
		}
		b = j
	}
	if b < 0 {
		return 0, 0, false
	}
	if a == b {
		return a, b, isNull(n)
	}
	var v yaml.Node
	if yaml.Unmarshal(s.b[a:b], &v) != nil || len(v.Content) != 1 || v.Content[0].Kind != yaml.ScalarNode || v.Content[0].Value != n.Value {
		return 0, 0, false
	}
	return a, b, true
}

// emptyNull reports whether v, the value of key k, is a null written as
// nothing on the key's line ("key:" or "key: # comment").
func (s *source) emptyNull(k, v *yaml.Node) bool {
	if !isNull(v) || v.Line != k.Line {
		return false
	}
	a, b, ok := s.scalarSpan(v, false)
	return ok && a == b
}

// colonAfter returns the offset of the ':' after a key.
func (s *source) colonAfter(k *yaml.Node) (int, bool) {
	a, ok := s.offset(k.Line, k.Column)
	if !ok {
		return 0, false
	}
	var b int
	if k.Style == 0 {
		if !bytes.HasPrefix(s.b[a:], []byte(k.Value)) {
			return 0, false
		}
		b = a + len(k.Value)
	} else if _, b, ok = s.scalarSpan(k, false); !ok {
		return 0, false
	}
	for b < len(s.b) && (s.b[b] == ' ' || s.b[b] == '\t') {
		b++
	}
	if b >= len(s.b) || s.b[b] != ':' {
		return 0, false
	}
	return b, true
}

// insertLines inserts whole lines at a line start.
func (s *source) insertLines(at int, text string) []byte {
	return s.apply(s.linesRep(at, text))
}

// linesRep is the insertion of whole lines at a line start: with the
// source's line breaks, after the final line break the source may lack.
func (s *source) linesRep(at int, text string) rep {
	if at == len(s.b) && at > 0 && s.b[at-1] != '\n' {
		text = "\n" + text
	}
	if s.lineBreak(1) == "\r\n" {
		text = strings.ReplaceAll(text, "\n", "\r\n")
	}
	return rep{at, at, text}
}

// rep replaces the source's bytes [a, b) with text.
type rep struct {
	a, b int
	text string
}

// apply makes non-overlapping replacements and returns the new text.
func (s *source) apply(reps ...rep) []byte {
	sort.Slice(reps, func(i, j int) bool { return reps[i].a < reps[j].a })
	var out []byte
	last := 0
	for _, r := range reps {
		out = append(out, s.b[last:r.a]...)
		out = append(out, r.text...)
		last = r.b
	}
	return append(out, s.b[last:]...)
}

// encodeRow writes a row's value as a YAML scalar on one line, in the
// given quoting style when it is single or double quotes (plain
// otherwise, quoted where YAML needs it; ” for the empty string). flow
// says the row is inside [ ], where a plain scalar cannot hold ,[]{}.
func encodeRow(v string, style yaml.Style, flow bool) (string, bool) {
	if style != yaml.SingleQuotedStyle && style != yaml.DoubleQuotedStyle {
		style = 0
	}
	if v == "" && style == 0 {
		style = yaml.SingleQuotedStyle
	}
	for {
		b, err := yaml.Marshal(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: style})
		if err != nil {
			return "", false
		}
		r := strings.TrimSuffix(string(b), "\n")
		plain := r != "" && r[0] != '\'' && r[0] != '"'
		if !strings.ContainsAny(r, "\r\n") && !(flow && plain && strings.ContainsAny(r, ",[]{}")) {
			return r, true
		}
		if style == yaml.DoubleQuotedStyle {
			return "", false
		}
		style = yaml.DoubleQuotedStyle
	}
}

// rowStyle is the quoting the user chose for a list's last non-empty
// row, which new rows follow.
func rowStyle(seq *yaml.Node) yaml.Style {
	for i := len(seq.Content) - 1; i >= 0; i-- {
		if it := seq.Content[i]; it.Kind == yaml.ScalarNode && it.Value != "" && !isNull(it) {
			return chosenStyle(it)
		}
	}
	return 0
}

// chosenStyle is a row's quotes when the user chose them: its value could
// be written plain. Quotes that YAML needs ('*', a value ending in ':' as
// one does while an ARN is typed) are no choice, and a new value is
// written plain where it can be.
func chosenStyle(n *yaml.Node) yaml.Style {
	if n.Kind != yaml.ScalarNode || n.Value == "" || n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) == 0 {
		return 0
	}
	if r, ok := encodeRow(n.Value, 0, false); !ok || r[0] == '\'' || r[0] == '"' {
		return 0
	}
	return n.Style
}

// dashIn returns how the template indents a block list under its key:
// 0 for "key:\n- row", 2 for "key:\n  - row". It follows the first block
// list of mapping m, else the first of the template, else 0.
func dashIn(m, root *yaml.Node) int {
	for _, n := range []*yaml.Node{m, root} {
		if d := firstIndent(n, yaml.SequenceNode); d >= 0 {
			return d
		}
	}
	return 0
}

// nestIn returns how the template indents a mapping under its key, from
// its first nested block mapping (2 when it has none).
func nestIn(root *yaml.Node) int {
	if d := firstIndent(root, yaml.MappingNode); d > 0 {
		return d
	}
	return 2
}

// firstIndent returns, for the first non-empty block value of a kind in
// mapping m (or in the mappings it holds), its column less its key's; -1
// when there is none.
func firstIndent(m *yaml.Node, kind yaml.Kind) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if v.Style&yaml.FlowStyle != 0 || len(v.Content) == 0 {
			continue
		}
		if v.Kind == kind && v.Column >= k.Column {
			return v.Column - k.Column
		}
		if v.Kind == yaml.MappingNode {
			if d := firstIndent(v, kind); d >= 0 {
				return d
			}
		}
	}
	return -1
}

// lastLine is the last line a node (or anything in it) starts on.
func lastLine(n *yaml.Node) int {
	l := n.Line
	for _, c := range n.Content {
		l = max(l, lastLine(c))
	}
	return l
}

// indentLines puts ind spaces before every line of text.
func indentLines(text string, ind int) string {
	if ind == 0 {
		return text
	}
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = sp(ind) + l
		}
	}
	return strings.Join(lines, "")
}

func sp(n int) string { return strings.Repeat(" ", max(n, 0)) }
