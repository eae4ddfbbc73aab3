package template

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// Marshal writes the template as YAML in Policy Sentry 0.16's format, with
// sections in a fixed order and empty sections left out, so that
// Parse(Marshal(t)) gives t back (positions aside).
func (t *Template) Marshal() ([]byte, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, v *yaml.Node) {
		root.Content = append(root.Content, scalar(key), v)
	}
	mode := t.Mode
	if mode == "" {
		mode = ModeCRUD
	}
	add("mode", scalar(string(mode)))
	if t.Name != "" {
		add("name", scalar(t.Name))
	}
	if t.Effect != "" && t.Effect != "Allow" {
		add("effect", scalar(t.Effect))
	}
	if mode == ModeActions {
		add("actions", list(t.Actions, true))
		addConditions(add, t.Conditions)
		return encode(root)
	}
	for _, s := range []struct {
		key     string
		entries []Entry
	}{
		{"read", t.Read}, {"write", t.Write}, {"list", t.List}, {"tagging", t.Tagging},
		{"permissions-management", t.PermissionsManagement},
	} {
		if len(s.entries) > 0 {
			add(s.key, list(s.entries, false))
		}
	}
	w := &yaml.Node{Kind: yaml.MappingNode}
	for _, s := range []struct {
		key     string
		entries []Entry
	}{
		{"single-actions", t.WildcardOnly.SingleActions}, {"service-read", t.WildcardOnly.ServiceRead},
		{"service-write", t.WildcardOnly.ServiceWrite}, {"service-list", t.WildcardOnly.ServiceList},
		{"service-tagging", t.WildcardOnly.ServiceTagging},
		{"service-permissions-management", t.WildcardOnly.ServicePermissionsManagement},
	} {
		if len(s.entries) > 0 {
			w.Content = append(w.Content, scalar(s.key), list(s.entries, false))
		}
	}
	if len(w.Content) > 0 {
		add("wildcard-only", w)
	}
	if len(t.SkipResourceConstraints) > 0 {
		add("skip-resource-constraints", list(t.SkipResourceConstraints, false))
	}
	if len(t.ExcludeActions) > 0 {
		add("exclude-actions", list(t.ExcludeActions, false))
	}
	sts := &yaml.Node{Kind: yaml.MappingNode}
	for _, s := range []struct {
		key     string
		entries []Entry
	}{
		{"assume-role", t.STS.AssumeRole}, {"assume-role-with-saml", t.STS.AssumeRoleWithSAML},
		{"assume-role-with-web-identity", t.STS.AssumeRoleWithWebIdentity},
	} {
		if len(s.entries) > 0 {
			sts.Content = append(sts.Content, scalar(s.key), list(s.entries, false))
		}
	}
	if len(sts.Content) > 0 {
		add("sts", sts)
	}
	addConditions(add, t.Conditions)
	return encode(root)
}

// addConditions writes the condition blocks: operators as mappings of
// keys to values, shortcuts as they were written.
func addConditions(add func(string, *yaml.Node), blocks []ConditionBlock) {
	for _, b := range blocks {
		m := &yaml.Node{Kind: yaml.MappingNode}
		ops := map[string]*yaml.Node{}
		tags := map[string]*yaml.Node{}
		for _, c := range b.Clauses {
			if sc := lookupShortcut(c.Shortcut); sc != nil {
				switch {
				case sc.kind == "tags" && c.Key == "aws:TagKeys":
					// request-tags writes it again from its tags.
				case sc.kind == "tags":
					n := tags[sc.name]
					if n == nil {
						n = &yaml.Node{Kind: yaml.MappingNode}
						tags[sc.name] = n
						m.Content = append(m.Content, scalar(sc.name), n)
					}
					n.Content = append(n.Content, scalar(strings.TrimPrefix(c.Key, sc.key)), values(c.Values))
				default:
					m.Content = append(m.Content, scalar(sc.name), values(c.Values))
				}
				continue
			}
			n := ops[c.Operator]
			if n == nil {
				n = &yaml.Node{Kind: yaml.MappingNode}
				ops[c.Operator] = n
				m.Content = append(m.Content, scalar(c.Operator), n)
			}
			n.Content = append(n.Content, scalar(c.Key), values(c.Values))
		}
		if len(m.Content) > 0 {
			add(ConditionKey(b.Section), m)
		}
	}
}

// values is one value as a scalar, several as a list.
func values(es []Entry) *yaml.Node {
	if len(es) == 1 {
		return scalar(es[0].Value)
	}
	return list(es, true)
}

func scalar(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Value: s}
}

func list(entries []Entry, keepEmpty bool) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode}
	for _, e := range entries {
		n.Content = append(n.Content, scalar(e.Value))
	}
	if len(n.Content) == 0 && keepEmpty {
		n.Style = yaml.FlowStyle
	}
	return n
}

func encode(root *yaml.Node) ([]byte, error) {
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}
