package template

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
	"github.com/leastpriv/policysentry/engine/internal/yamlerr"
	"go.yaml.in/yaml/v3"
)

// Parse reads a template (YAML; JSON is YAML too) in Policy Sentry 0.16's
// format or its first format (roles_with_crud_levels / roles_with_actions).
// file names the source in errors. Every error carries line and column.
//
// Errors are a diag.List: every problem found, in file order, each with
// its position.
func Parse(src []byte, file string) (*Template, error) {
	lines := diag.NewLines(file, src)
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, yamlerr.Error(lines, err)
	}
	p := &parser{lines: lines}
	if len(doc.Content) == 0 {
		return nil, templateError(diag.Position{File: file}, "the template is empty: expected a mapping with mode: crud or mode: actions (run create-template for a skeleton)")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, errorAt(p.lines, root, "expected a mapping with mode: crud or mode: actions, found %s", kindName(root))
	}
	var t *Template
	if hasKey(root, "roles_with_crud_levels") || hasKey(root, "roles_with_actions") || hasKey(root, "policy_with_crud_levels") {
		t = p.legacy(root)
	} else {
		t = p.template(root)
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	t.File = file
	return t, nil
}

type parser struct {
	lines *diag.Lines
	errs  diag.List
}

// The codes of the template reader's diagnostics (yaml syntax errors are
// CodeYAMLSyntax, from engine/internal/yamlerr).
const (
	// CodeInvalidTemplate: the template's shape is wrong (a list where a
	// string is expected, a key missing, ...).
	CodeInvalidTemplate = "INVALID_TEMPLATE"
	// CodeUnknownKey: a key the template format does not have.
	CodeUnknownKey = "UNKNOWN_KEY"
	// CodeUnknownMode: a mode other than crud or actions.
	CodeUnknownMode = "UNKNOWN_MODE"
	// CodeInvalidEffect: an effect other than Allow or Deny.
	CodeInvalidEffect = "INVALID_EFFECT"
	// CodeInvalidARN: an ARN list entry that is not an ARN.
	CodeInvalidARN = "INVALID_ARN"
	// CodeInvalidAction: an action list entry that is not service:Action.
	CodeInvalidAction = "INVALID_ACTION"
	// CodeInvalidConditionOperator: a condition block key that is neither
	// an IAM condition operator nor a shortcut.
	CodeInvalidConditionOperator = "INVALID_CONDITION_OPERATOR"
	// CodeInvalidConditionKey: a condition key that is not service:name.
	CodeInvalidConditionKey = "INVALID_CONDITION_KEY_FORMAT"
	// CodeYAMLSyntax: the text is not YAML.
	CodeYAMLSyntax = yamlerr.Code
)

// fail records a CodeInvalidTemplate error at a node.
func (p *parser) fail(n *yaml.Node, format string, args ...any) {
	p.failCode(n, CodeInvalidTemplate, format, args...)
}

func (p *parser) failCode(n *yaml.Node, code, format string, args ...any) {
	p.failAt(nodePos(p.lines, n), code, format, args...)
}

func (p *parser) failAt(pos diag.Position, code, format string, args ...any) {
	d := diag.Errorf(pos, format, args...)
	d.Code = code
	p.errs.Add(d)
}

// nodePos is where a YAML node starts (yaml.v3 counts columns in
// characters, as diag does).
func nodePos(l *diag.Lines, n *yaml.Node) diag.Position {
	if n == nil || n.Line < 1 {
		return diag.Position{File: l.File()}
	}
	return l.At(n.Line, n.Column)
}

// errorAt is a one-diagnostic CodeInvalidTemplate error at a node.
func errorAt(l *diag.Lines, n *yaml.Node, format string, args ...any) error {
	return templateError(nodePos(l, n), format, args...)
}

// templateError is a one-diagnostic CodeInvalidTemplate error.
func templateError(pos diag.Position, format string, args ...any) error {
	d := diag.Errorf(pos, format, args...)
	d.Code = CodeInvalidTemplate
	return diag.List{d}
}

func kindName(n *yaml.Node) string { return yamlerr.KindName(n) }

func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}

var (
	crudKeys = append([]string{"mode", "name", "effect", "read", "write", "list", "tagging", "permissions-management",
		"wildcard-only", "skip-resource-constraints", "exclude-actions", "sts", ConditionKey("")}, conditionKeys()...)
	actionsKeys  = []string{"mode", "name", "effect", "actions", ConditionKey("")}
	wildcardKeys = []string{"single-actions", "service-read", "service-write", "service-list", "service-tagging", "service-permissions-management"}
	stsKeys      = []string{"assume-role", "assume-role-with-saml", "assume-role-with-web-identity"}
)

func (p *parser) template(root *yaml.Node) *Template {
	t := &Template{}
	modeNode := lookup(root, "mode")
	if modeNode == nil {
		p.fail(root, "missing key mode: use mode: crud or mode: actions")
		return t
	}
	if modeNode.Kind != yaml.ScalarNode || isNull(modeNode) {
		p.fail(modeNode, "mode: expected crud or actions, found %s", kindName(modeNode))
		return t
	}
	mode := modeNode.Value
	switch Mode(mode) {
	case ModeCRUD, ModeActions:
		t.Mode = Mode(mode)
	default:
		p.failCode(modeNode, CodeUnknownMode, "unknown mode %q: use crud or actions", mode)
		return t
	}
	allowed := crudKeys
	if t.Mode == ModeActions {
		allowed = actionsKeys
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "mode":
		case "name":
			t.Name = p.scalar(v, "name")
		case "effect":
			t.Effect = p.scalar(v, "effect")
			if t.Effect != "Allow" && t.Effect != "Deny" {
				p.failCode(v, CodeInvalidEffect, "effect %q: use Allow or Deny", t.Effect)
			}
		default:
			if !inList(allowed, k.Value) {
				p.unknownKey(k, allowed, fmt.Sprintf("%s %s template", article(string(t.Mode)), t.Mode))
				continue
			}
			if section, ok := conditionSection(k.Value); ok {
				if b := p.conditionBlock(k, v, section); len(b.Clauses) > 0 {
					t.Conditions = append(t.Conditions, b)
				}
				continue
			}
			if t.Mode == ModeActions {
				t.Actions = p.actionList(v, k.Value)
				continue
			}
			switch k.Value {
			case "wildcard-only":
				p.nested(v, t, k.Value, wildcardKeys)
			case "sts":
				p.nested(v, t, k.Value, stsKeys)
			default:
				*t.Entries(k.Value) = p.list(v, k.Value)
			}
		}
	}
	if t.Mode == ModeActions && lookup(root, "actions") == nil {
		p.fail(root, "missing key actions: an actions template lists service:Action strings under actions")
	}
	return t
}

// conditionKeys are the CRUD sections' condition block keys.
func conditionKeys() []string {
	out := make([]string, len(ConditionSections))
	for i, s := range ConditionSections {
		out[i] = ConditionKey(s)
	}
	return out
}

// conditionSection returns the section whose condition block a key is
// ("" for condition:).
func conditionSection(key string) (string, bool) {
	if key == ConditionKey("") {
		return "", true
	}
	if s, ok := strings.CutSuffix(key, "-condition"); ok && inList(ConditionSections, s) {
		return s, true
	}
	return "", false
}

// nested reads a mapping of lists (wildcard-only, sts) into t; keys are
// the mapping's allowed keys.
func (p *parser) nested(v *yaml.Node, t *Template, name string, keys []string) {
	if isNull(v) {
		return
	}
	if v.Kind != yaml.MappingNode {
		p.fail(v, "%s: expected a mapping with %s, found %s", name, strings.Join(keys, ", "), kindName(v))
		return
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if !inList(keys, k.Value) {
			p.unknownKey(k, keys, name)
			continue
		}
		key := name + "." + k.Value
		*t.Entries(key) = p.list(val, key)
	}
}

// list reads the list at a dotted key, checking its rows by what they
// hold (ARNs, actions or services).
func (p *parser) list(v *yaml.Node, key string) []Entry {
	switch kindOf(key) {
	case actionRows:
		return p.actionList(v, key)
	case serviceRows:
		return p.stringList(v, key)
	}
	return p.arnList(v, key)
}

func (p *parser) unknownKey(k *yaml.Node, allowed []string, where string) {
	msg := fmt.Sprintf("unknown key %q in %s", k.Value, where)
	near := suggest.Nearest(k.Value, allowed, 1)
	if len(near) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", near[0])
	} else {
		msg += "; allowed keys: " + strings.Join(allowed, ", ")
	}
	d := diag.Errorf(nodePos(p.lines, k), "%s", msg)
	d.Code = CodeUnknownKey
	d.Suggestions = near
	p.errs.Add(d)
}

func (p *parser) scalar(v *yaml.Node, key string) string {
	if isNull(v) {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		p.fail(v, "%s: expected a string, found %s", key, kindName(v))
		return ""
	}
	return v.Value
}

// stringList reads a list of strings; null and an empty list are allowed,
// and so are ” entries (kept, so that positions stay true; the writer
// ignores them).
func (p *parser) stringList(v *yaml.Node, key string) []Entry {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		p.fail(v, "%s: expected a list of strings, found %s", key, kindName(v))
		return nil
	}
	out := make([]Entry, 0, len(v.Content))
	for _, it := range v.Content {
		if isNull(it) {
			out = append(out, Entry{Pos: nodePos(p.lines, it)})
			continue
		}
		if it.Kind != yaml.ScalarNode {
			p.fail(it, "%s: expected a string, found %s", key, kindName(it))
			continue
		}
		out = append(out, Entry{Value: strings.TrimSpace(it.Value), Pos: nodePos(p.lines, it)})
	}
	return out
}

// arnList reads a list of ARNs: every non-empty entry must look like
// arn:partition:service:region:account:resource.
func (p *parser) arnList(v *yaml.Node, key string) []Entry {
	list := p.stringList(v, key)
	for _, e := range list {
		if e.Value == "" {
			continue
		}
		if msg := checkARN(e.Value); msg != "" {
			p.failAt(e.Pos, CodeInvalidARN, "%s: %s", key, msg)
		}
	}
	return list
}

// checkARN returns why s is not an ARN, or "".
func checkARN(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if parts[0] != "arn" {
		return fmt.Sprintf("%q is not an ARN: it must start with arn: (arn:partition:service:region:account:resource)", s)
	}
	if len(parts) < 6 {
		return fmt.Sprintf("%q is not an ARN: it has %d of the 6 colon-separated parts (arn:partition:service:region:account:resource)", s, len(parts))
	}
	if parts[2] == "" {
		return fmt.Sprintf("%q is not an ARN: the service part is empty", s)
	}
	if parts[5] == "" {
		return fmt.Sprintf("%q is not an ARN: the resource part is empty", s)
	}
	return ""
}

// actionList reads a list of service:Action strings (wildcards allowed;
// a pattern with * or ? and no colon matches full action names).
func (p *parser) actionList(v *yaml.Node, key string) []Entry {
	list := p.stringList(v, key)
	for _, e := range list {
		if e.Value == "" || e.Value == "*" {
			continue
		}
		if strings.ContainsAny(e.Value, "*?") && !strings.Contains(e.Value, ":") {
			continue // a pattern over full names, such as *Object*
		}
		if i := strings.IndexByte(e.Value, ':'); i <= 0 || i == len(e.Value)-1 {
			p.failAt(e.Pos, CodeInvalidAction, "%s: %q is not an action: expected service:ActionName, e.g. s3:GetObject", key, e.Value)
		}
	}
	return list
}

func lookup(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func inList(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// article returns "an" before a vowel, "a" otherwise.
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}
