package audit

import (
	"fmt"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Exclusions leave principals, policies and actions out of an analysis,
// and name the accounts a trust policy may name without a finding. The
// file format is Cloudsplaining's exclusions.yml:
//
//	policies: [AWSServiceRoleFor*, "*ServiceRolePolicy"]
//	roles: [service-role*]
//	users: [obsolete-user]
//	groups: [admins]
//	include-actions: ["s3:GetObject"]
//	exclude-actions: ["kms:Decrypt"]
//	known-accounts: ["123456789012"]
//
// Names are globs (* and ?), compared without regard to case. An
// include-actions entry keeps an action in the findings even when
// exclude-actions matches it.
type Exclusions struct {
	Policies       []string `yaml:"policies"`
	Roles          []string `yaml:"roles"`
	Users          []string `yaml:"users"`
	Groups         []string `yaml:"groups"`
	IncludeActions []string `yaml:"include-actions"`
	ExcludeActions []string `yaml:"exclude-actions"`
	KnownAccounts  []string `yaml:"known-accounts"`
}

// ParseExclusions reads an exclusions file. An unknown key, or a value
// that is not a list of strings, is an error naming file:line:column.
func ParseExclusions(src []byte, file string) (*Exclusions, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	x := &Exclusions{}
	if len(root.Content) == 0 {
		return x, nil
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d:%d: expected a mapping of policies, roles, users, groups, include-actions, exclude-actions, known-accounts", file, m.Line, m.Column)
	}
	fields := map[string]*[]string{"policies": &x.Policies, "roles": &x.Roles, "users": &x.Users, "groups": &x.Groups,
		"include-actions": &x.IncludeActions, "exclude-actions": &x.ExcludeActions, "known-accounts": &x.KnownAccounts}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		dst, ok := fields[strings.ToLower(k.Value)]
		if !ok {
			return nil, fmt.Errorf("%s:%d:%d: unknown key %q: use policies, roles, users, groups, include-actions, exclude-actions or known-accounts", file, k.Line, k.Column, k.Value)
		}
		switch v.Kind {
		case yaml.ScalarNode:
			if v.Tag == "!!null" {
				continue
			}
			*dst = append(*dst, v.Value)
		case yaml.SequenceNode:
			for _, it := range v.Content {
				if it.Kind != yaml.ScalarNode {
					return nil, fmt.Errorf("%s:%d:%d: %s: expected a string", file, it.Line, it.Column, k.Value)
				}
				if strings.TrimSpace(it.Value) != "" {
					*dst = append(*dst, strings.TrimSpace(it.Value))
				}
			}
		default:
			return nil, fmt.Errorf("%s:%d:%d: %s: expected a list of strings", file, v.Line, v.Column, k.Value)
		}
	}
	return x, nil
}

// matchAny reports whether a name matches one of the globs, ignoring case.
func matchAny(globs []string, name string) bool {
	name = strings.ToLower(name)
	for _, g := range globs {
		if ok, err := path.Match(strings.ToLower(g), name); err == nil && ok {
			return true
		}
		if strings.EqualFold(g, name) {
			return true
		}
	}
	return false
}

// policyName is a document name's policy part: "policy/Name (v3), attached
// to ..." and "role/x inline policy Name" give Name.
func policyName(doc string) string {
	if i := strings.Index(doc, " inline policy "); i >= 0 {
		return doc[i+len(" inline policy "):]
	}
	doc = strings.TrimPrefix(doc, "policy/")
	if i := strings.Index(doc, " ("); i >= 0 {
		doc = doc[:i]
	}
	return doc
}

// ExcludesPolicy reports whether a policy document is left out, by its
// policy name (nil Exclusions exclude nothing).
func (x *Exclusions) ExcludesPolicy(doc string) bool {
	return x != nil && len(x.Policies) > 0 && (matchAny(x.Policies, policyName(doc)) || matchAny(x.Policies, doc))
}

// ExcludesPrincipal reports whether a principal (kind user, group or
// role) is left out.
func (x *Exclusions) ExcludesPrincipal(kind, name string) bool {
	if x == nil {
		return false
	}
	switch kind {
	case "user":
		return matchAny(x.Users, name)
	case "group":
		return matchAny(x.Groups, name)
	case "role":
		return matchAny(x.Roles, name)
	}
	return false
}

// KnownAccount reports whether an account id is listed as known.
func (x *Exclusions) KnownAccount(id string) bool { return x != nil && matchAny(x.KnownAccounts, id) }

// excludesAction reports whether an action is left out of the findings.
func (x *Exclusions) excludesAction(name string) bool {
	if x == nil || len(x.ExcludeActions) == 0 {
		return false
	}
	return matchAny(x.ExcludeActions, name) && !matchAny(x.IncludeActions, name)
}

// applyToLists returns copies of the lists without the excluded actions
// (a path with an excluded action is dropped). Lists are not changed.
func (x *Exclusions) applyToLists(lists []*List) []*List {
	if x == nil || len(x.ExcludeActions) == 0 {
		return lists
	}
	out := make([]*List, 0, len(lists))
	for _, l := range lists {
		c := *l
		c.Actions, c.Methods = nil, nil
		for _, e := range l.Actions {
			if !x.excludesAction(e.Action) {
				c.Actions = append(c.Actions, e)
			}
		}
		for _, m := range l.Methods {
			keep := true
			for _, a := range m.Actions {
				keep = keep && !x.excludesAction(a)
			}
			if keep {
				c.Methods = append(c.Methods, m)
			}
		}
		out = append(out, &c)
	}
	return out
}
