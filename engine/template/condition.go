package template

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
	"go.yaml.in/yaml/v3"
)

// ConditionBlock is one condition block of a template: the template-wide
// condition: (Section "") or a section's <section>-condition:, such as
// read-condition:.
type ConditionBlock struct {
	// Section is the CRUD section the block applies to ("read", "write",
	// "list", "tagging", "permissions-management", "wildcard-only",
	// "skip-resource-constraints", "sts"), or "" for every statement.
	Section string
	// Pos is where the block's key is.
	Pos diag.Position
	// Clauses are the block's conditions, in template order, shortcuts
	// expanded.
	Clauses []Clause
}

// Clause is one condition key under one operator, with its values: one
// line of an IAM policy's Condition element.
type Clause struct {
	// Operator as written ("StringEquals", "ForAnyValue:StringLike", ...);
	// Parse checks that it is one IAM knows.
	Operator string
	// Key is the condition key as written ("aws:ResourceTag/team").
	Key string
	// Values are the values, as strings (true, 10 and "10" alike).
	Values []Entry
	// Pos is where the clause is: the key, or the shortcut's key.
	Pos diag.Position
	// Shortcut is the shortcut it came from ("source-ip"), or "".
	Shortcut string
}

// ConditionSections are the sections that take a <section>-condition:
// block in a CRUD template, in template order. The template-wide key is
// "condition" (both modes).
var ConditionSections = []string{"read", "write", "list", "tagging", "permissions-management",
	"wildcard-only", "skip-resource-constraints", "sts"}

// ConditionKey is the template key of a section's condition block
// ("read-condition"), or "condition" for "".
func ConditionKey(section string) string {
	if section == "" {
		return "condition"
	}
	return section + "-condition"
}

// shortcut is a condition shortcut: a key of a condition block that
// stands for an operator and a condition key.
type shortcut struct {
	name     string
	operator string
	key      string
	// kind: "list" (a value or a list of values), "true" (only true),
	// "number", or "tags" (a mapping of tag keys to values).
	kind string
	help string
}

// shortcuts is the table of condition shortcuts, documented in
// engine/template/README.md.
var shortcuts = []shortcut{
	{"passed-to-service", "StringEquals", "iam:PassedToService", "list", "services iam:PassRole may pass a role to (ec2.amazonaws.com)"},
	{"org-id", "StringEquals", "aws:ResourceOrgID", "list", "the resources' AWS Organizations ID (o-...)"},
	{"resource-org-id", "StringEquals", "aws:ResourceOrgID", "list", "the resources' AWS Organizations ID (o-...)"},
	{"principal-org-id", "StringEquals", "aws:PrincipalOrgID", "list", "the calling principal's AWS Organizations ID (o-...)"},
	{"vpc-endpoint", "StringEquals", "aws:SourceVpce", "list", "VPC endpoints the request must come through (vpce-...)"},
	{"source-vpc", "StringEquals", "aws:SourceVpc", "list", "VPCs the request must come through (vpc-...)"},
	{"source-ip", "IpAddress", "aws:SourceIp", "list", "public IP ranges the request must come from (CIDR)"},
	{"requested-region", "StringEquals", "aws:RequestedRegion", "list", "Regions the request may be made to"},
	{"resource-tags", "StringEquals", "aws:ResourceTag/", "tags", "tags the resource must carry (tag: value)"},
	{"request-tags", "StringEquals", "aws:RequestTag/", "tags", "tags the request must set (tag: value); no other tag keys"},
	{"mfa", "Bool", "aws:MultiFactorAuthPresent", "true", "true: the credentials must have been issued with MFA"},
	{"mfa-max-age", "NumericLessThanEquals", "aws:MultiFactorAuthAge", "number", "at most this many seconds since MFA"},
	{"secure-transport", "Bool", "aws:SecureTransport", "true", "true: the request must use TLS"},
}

// ShortcutNames are the condition shortcuts' names, in table order.
var ShortcutNames = func() []string {
	out := make([]string, len(shortcuts))
	for i, s := range shortcuts {
		out[i] = s.name
	}
	return out
}()

// Shortcut is a condition shortcut that stands for one operator and one
// condition key, as a front end offers it.
type Shortcut struct {
	// Name is the shortcut ("source-ip"); Operator and Key what it
	// writes ("IpAddress", "aws:SourceIp"); Help its value.
	Name, Operator, Key, Help string
	// OnlyTrue is set for the shortcuts that take only true (mfa).
	OnlyTrue bool
}

// Shortcuts returns the shortcuts that stand for one key, in table order
// (resource-tags and request-tags, which take a mapping of tags, are left
// out: their key is aws:ResourceTag/<tag>).
func Shortcuts() []Shortcut {
	var out []Shortcut
	for _, s := range shortcuts {
		if s.kind != "tags" {
			out = append(out, Shortcut{Name: s.name, Operator: s.operator, Key: s.key, Help: s.help, OnlyTrue: s.kind == "true"})
		}
	}
	return out
}

func lookupShortcut(name string) *shortcut {
	for i := range shortcuts {
		if shortcuts[i].name == name {
			return &shortcuts[i]
		}
	}
	return nil
}

// conditionBlock reads a condition block. Its shape is an IAM policy's
// Condition element, with shortcuts beside the operators:
//
//	block:    (operator: keys | shortcut: value)*
//	keys:     (conditionKey: values)+
//	values:   scalar | [scalar+]
//
// Operators are IAM's ([ForAllValues:|ForAnyValue:]Base[IfExists]);
// condition keys are service:name; the shortcuts are in the shortcuts
// table.
func (p *parser) conditionBlock(k, v *yaml.Node, section string) ConditionBlock {
	b := ConditionBlock{Section: section, Pos: nodePos(p.lines, k)}
	key := k.Value
	if isNull(v) {
		return b
	}
	if v.Kind != yaml.MappingNode {
		p.fail(v, "%s: expected a mapping of condition operators (StringEquals: {aws:ResourceTag/team: payments}) or shortcuts (source-ip: [203.0.113.0/24]), found %s", key, kindName(v))
		return b
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		opNode, val := v.Content[i], v.Content[i+1]
		name := opNode.Value
		if opNode.Kind != yaml.ScalarNode {
			p.fail(opNode, "%s: expected an operator or shortcut name, found %s", key, kindName(opNode))
			continue
		}
		if sc := lookupShortcut(name); sc != nil {
			b.Clauses = append(b.Clauses, p.shortcutClauses(key, sc, opNode, val)...)
			continue
		}
		if _, err := condition.ParseOperator(name); err != nil {
			msg := fmt.Sprintf("%s: %v", key, err)
			var sug []string
			if oe, ok := err.(*condition.OperatorError); ok {
				sug = oe.Suggestions
			}
			if len(sug) == 0 && name != "" && name[0] >= 'a' && name[0] <= 'z' {
				if near := suggest.Nearest(name, ShortcutNames, 1); len(near) > 0 {
					sug = near
					msg += fmt.Sprintf("; did you mean the shortcut %s?", near[0])
				} else {
					msg += "; shortcuts: " + strings.Join(ShortcutNames, ", ")
				}
			}
			d := diag.Errorf(nodePos(p.lines, opNode), "%s", msg)
			d.Code = CodeInvalidConditionOperator
			d.Suggestions = sug
			p.errs.Add(d)
			continue
		}
		if val.Kind != yaml.MappingNode || len(val.Content) == 0 {
			p.fail(val, "%s: %s: expected a mapping of condition keys to values (aws:SourceIp: [203.0.113.0/24]), found %s", key, name, kindName(val))
			continue
		}
		for j := 0; j+1 < len(val.Content); j += 2 {
			kn, vals := val.Content[j], val.Content[j+1]
			if kn.Kind != yaml.ScalarNode || !validKeyName(kn.Value) {
				p.failCode(kn, CodeInvalidConditionKey, "%s: %s: %q is not a condition key: expected service:name, such as aws:SourceIp or s3:prefix", key, name, kn.Value)
				continue
			}
			values := p.conditionValues(vals, key+": "+name+": "+kn.Value)
			if values == nil {
				continue
			}
			b.Clauses = append(b.Clauses, Clause{Operator: name, Key: kn.Value, Values: values, Pos: nodePos(p.lines, kn)})
		}
	}
	return b
}

// validKeyName reports whether s looks like service:name (no spaces).
func validKeyName(s string) bool {
	svc, name, ok := strings.Cut(s, ":")
	return ok && svc != "" && name != "" && !strings.ContainsAny(s, " \t\n")
}

// conditionValues reads a scalar or a non-empty list of scalars; nil
// after an error.
func (p *parser) conditionValues(v *yaml.Node, where string) []Entry {
	one := func(n *yaml.Node) (Entry, bool) {
		// An unquoted empty value is nothing, whatever its tag (`!x` alone).
		empty := n.Kind == yaml.ScalarNode && n.Value == "" && n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) == 0
		if n.Kind != yaml.ScalarNode || isNull(n) || empty {
			what := kindName(n)
			if empty {
				what = "nothing"
			}
			p.fail(n, "%s: expected a string, number or boolean, found %s", where, what)
			return Entry{}, false
		}
		return Entry{Value: n.Value, Pos: nodePos(p.lines, n)}, true
	}
	if v.Kind != yaml.SequenceNode {
		e, ok := one(v)
		if !ok {
			return nil
		}
		return []Entry{e}
	}
	if len(v.Content) == 0 {
		p.fail(v, "%s: the list of values is empty: give at least one value or remove the key", where)
		return nil
	}
	out := make([]Entry, 0, len(v.Content))
	for _, n := range v.Content {
		e, ok := one(n)
		if !ok {
			return nil
		}
		out = append(out, e)
	}
	return out
}

// shortcutClauses expands one shortcut.
func (p *parser) shortcutClauses(block string, sc *shortcut, k, v *yaml.Node) []Clause {
	where := block + ": " + sc.name
	pos := nodePos(p.lines, k)
	switch sc.kind {
	case "true":
		if v.Kind != yaml.ScalarNode || v.Value != "true" {
			p.fail(v, "%s: expected true (%s), found %s; leave the shortcut out to add no condition", where, sc.help, kindName(v))
			return nil
		}
		return []Clause{{Operator: sc.operator, Key: sc.key, Values: []Entry{{Value: "true", Pos: nodePos(p.lines, v)}}, Pos: pos, Shortcut: sc.name}}
	case "tags":
		if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
			p.fail(v, "%s: expected a mapping of tag keys to values (team: payments), found %s", where, kindName(v))
			return nil
		}
		var out []Clause
		var keys []Entry
		for i := 0; i+1 < len(v.Content); i += 2 {
			tk, tv := v.Content[i], v.Content[i+1]
			if tk.Kind != yaml.ScalarNode || strings.TrimSpace(tk.Value) == "" {
				p.fail(tk, "%s: expected a tag key, found %s", where, kindName(tk))
				continue
			}
			values := p.conditionValues(tv, where+": "+tk.Value)
			if values == nil {
				continue
			}
			tkPos := nodePos(p.lines, tk)
			out = append(out, Clause{Operator: sc.operator, Key: sc.key + tk.Value, Values: values, Pos: tkPos, Shortcut: sc.name})
			keys = append(keys, Entry{Value: tk.Value, Pos: tkPos})
		}
		if sc.name == "request-tags" && len(keys) > 0 {
			out = append(out, Clause{Operator: "ForAllValues:StringEquals", Key: "aws:TagKeys", Values: keys, Pos: pos, Shortcut: sc.name})
		}
		return out
	case "number":
		values := p.conditionValues(v, where)
		if len(values) != 1 {
			if values != nil {
				p.fail(v, "%s: expected one number of seconds", where)
			}
			return nil
		}
		return []Clause{{Operator: sc.operator, Key: sc.key, Values: values, Pos: pos, Shortcut: sc.name}}
	}
	values := p.conditionValues(v, where)
	if values == nil {
		return nil
	}
	return []Clause{{Operator: sc.operator, Key: sc.key, Values: values, Pos: pos, Shortcut: sc.name}}
}
