package template

import (
	"go.yaml.in/yaml/v3"
)

// legacyRoleKeys are the keys of one role in Policy Sentry's first
// template format.
var legacyRoleKeys = []string{"name", "description", "arn", "read", "write", "list", "tag", "tagging", "permissions-management", "actions"}

// legacy reads Policy Sentry's first format:
//
//	roles_with_crud_levels:          roles_with_actions:
//	- name: myRole                   - name: myRole
//	  description: ''                  description: ''
//	  arn: ''                          arn: ''
//	  read: [...]                      actions: [...]
//	  write: [...]
//	  list: [...]
//	  tag: [...]
//	  permissions-management: [...]
//
// Every role's entries are merged into one template (that format wrote one
// policy per file too). A file with both lists is an error.
func (p *parser) legacy(root *yaml.Node) *Template {
	t := &Template{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "roles_with_crud_levels", "policy_with_crud_levels":
			if t.Mode == ModeActions {
				p.fail(k, "%s: a template is either CRUD or actions; split this file in two", k.Value)
				continue
			}
			t.Mode = ModeCRUD
		case "roles_with_actions":
			if t.Mode == ModeCRUD {
				p.fail(k, "%s: a template is either CRUD or actions; split this file in two", k.Value)
				continue
			}
			t.Mode = ModeActions
		default:
			p.unknownKey(k, []string{"roles_with_crud_levels", "roles_with_actions"}, "a first-format template")
			continue
		}
		if isNull(v) {
			continue
		}
		if v.Kind != yaml.SequenceNode {
			p.fail(v, "%s: expected a list of roles (- name: ...), found %s", k.Value, kindName(v))
			continue
		}
		for _, role := range v.Content {
			if role.Kind != yaml.MappingNode {
				p.fail(role, "%s: expected a role mapping with name, description, arn and access levels, found %s", k.Value, kindName(role))
				continue
			}
			p.legacyRole(role, t)
		}
	}
	return t
}

func (p *parser) legacyRole(role *yaml.Node, t *Template) {
	for i := 0; i+1 < len(role.Content); i += 2 {
		k, v := role.Content[i], role.Content[i+1]
		switch k.Value {
		case "name":
			if t.Name == "" {
				t.Name = p.scalar(v, "name")
			}
		case "description", "arn":
			p.scalar(v, k.Value)
		case "read":
			t.Read = append(t.Read, p.arnList(v, "read")...)
		case "write":
			t.Write = append(t.Write, p.arnList(v, "write")...)
		case "list":
			t.List = append(t.List, p.arnList(v, "list")...)
		case "tag", "tagging":
			t.Tagging = append(t.Tagging, p.arnList(v, k.Value)...)
		case "permissions-management":
			t.PermissionsManagement = append(t.PermissionsManagement, p.arnList(v, k.Value)...)
		case "actions":
			t.Actions = append(t.Actions, p.actionList(v, "actions")...)
		default:
			p.unknownKey(k, legacyRoleKeys, "a role")
		}
	}
}
