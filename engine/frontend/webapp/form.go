package webapp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/template"
)

// Section is one list of the CRUD form.
type Section struct {
	// Key is the template key, dotted for nested sections
	// ("wildcard-only.service-read").
	Key string
	// Label is the form label.
	Label string
	// Kind is "arn", "action" or "service": what a row holds.
	Kind string
	// Help is a one-line hint under the label.
	Help string
}

// CRUDSections are the CRUD form's lists, in template order.
var CRUDSections = []Section{
	{"read", "Read", "arn", "Resource ARNs to grant Read on"},
	{"write", "Write", "arn", "Resource ARNs to grant Write on"},
	{"list", "List", "arn", "Resource ARNs to grant List on"},
	{"tagging", "Tagging", "arn", "Resource ARNs to grant Tagging on"},
	{"permissions-management", "Permissions management", "arn", "Resource ARNs to grant Permissions management on"},
	{"wildcard-only.single-actions", "Wildcard-only actions", "action", "Actions that AWS only allows on *"},
	{"wildcard-only.service-read", "Wildcard-only: service Read", "service", "Services (s3, ec2): every wildcard-only Read action"},
	{"wildcard-only.service-write", "Wildcard-only: service Write", "service", "Every wildcard-only Write action of these services"},
	{"wildcard-only.service-list", "Wildcard-only: service List", "service", "Every wildcard-only List action of these services"},
	{"wildcard-only.service-tagging", "Wildcard-only: service Tagging", "service", "Every wildcard-only Tagging action of these services"},
	{"wildcard-only.service-permissions-management", "Wildcard-only: service Permissions management", "service", "Every wildcard-only Permissions management action"},
	{"skip-resource-constraints", "Skip resource constraints", "action", "Actions granted on * instead of the ARNs"},
	{"exclude-actions", "Exclude actions", "action", "Actions left out (wildcards such as kms:Delete* work)"},
	{"sts.assume-role", "sts:AssumeRole", "arn", "Role ARNs this policy may assume"},
	{"sts.assume-role-with-saml", "sts:AssumeRoleWithSAML", "arn", "Role ARNs assumable with SAML"},
	{"sts.assume-role-with-web-identity", "sts:AssumeRoleWithWebIdentity", "arn", "Role ARNs assumable with web identity"},
}

// Edit makes form edits on the template text src and on t, the form's
// model of that text, and returns the new text. The text keeps what the
// user typed (comments, blank lines, key order, quoting): only the edited
// rows change (see template.EditSource). Empty text starts as
// "mode: <t's mode>". A first-format template (roles_with_crud_levels) is
// rewritten in Policy Sentry 0.16's format, as the form always did. On an
// error (the text is not YAML yet, or the row does not exist) neither src
// nor t changes.
func Edit(src string, t *template.Template, edits ...template.ListEdit) (string, error) {
	next := clone(t)
	for _, e := range edits {
		if err := next.Apply(e); err != nil {
			return "", fmt.Errorf("the form is out of step with the YAML: %w", err)
		}
	}
	if strings.TrimSpace(src) == "" {
		mode := t.Mode
		if mode == "" {
			mode = template.ModeCRUD
		}
		src = "mode: " + string(mode) + "\n"
	}
	out, err := template.EditSource([]byte(src), "template", edits...)
	switch {
	case errors.Is(err, template.ErrFirstFormat):
		if out, err = next.Marshal(); err != nil {
			return "", fmt.Errorf("rewriting the first-format template: %w", err)
		}
	case err != nil:
		return "", err
	}
	*t = *next
	return string(out), nil
}

// clone copies a template and its lists, so that editing the copy leaves
// the original as it was.
func clone(t *template.Template) *template.Template {
	c := *t
	for _, key := range template.ListKeys {
		l := c.Entries(key)
		*l = append([]template.Entry(nil), *l...)
	}
	return &c
}

// SetRow sets row i of a section (appending when i is the length) in the
// template text src and in t, its parsed model; it returns the new text.
func SetRow(src string, t *template.Template, key string, i int, value string) (string, error) {
	return Edit(src, t, template.ListEdit{Op: template.EditSet, Key: key, Index: i, Value: value})
}

// AddRow appends a row to a section in src and t and returns the text.
func AddRow(src string, t *template.Template, key, value string) (string, error) {
	return Edit(src, t, template.ListEdit{Op: template.EditAppend, Key: key, Value: value})
}

// RemoveRow deletes row i of a section in src and t and returns the text.
func RemoveRow(src string, t *template.Template, key string, i int) (string, error) {
	return Edit(src, t, template.ListEdit{Op: template.EditRemove, Key: key, Index: i})
}

// AddAction adds an action to an actions template (text src, model t),
// dropping its empty rows (the skeleton's placeholder), and returns the
// text.
func AddAction(src string, t *template.Template, name string) (string, error) {
	edits := dropEmptyActions(t, -1)
	return Edit(src, t, append(edits, template.ListEdit{Op: template.EditAppend, Key: "actions", Value: name})...)
}

// RemoveAction removes the i-th non-empty action (as the actions screen
// lists them) and the empty rows, and returns the text.
func RemoveAction(src string, t *template.Template, i int) (string, error) {
	n := 0
	for _, e := range t.Actions {
		if e.Value != "" {
			n++
		}
	}
	if i < 0 || i >= n {
		return "", fmt.Errorf("cannot remove action %d: the template has %d", i+1, n)
	}
	return Edit(src, t, dropEmptyActions(t, i)...)
}

// dropEmptyActions returns the edits removing the empty rows of t's
// actions and its nonEmpty-th non-empty row (none when -1), last first so
// that the indexes hold.
func dropEmptyActions(t *template.Template, nonEmpty int) []template.ListEdit {
	var edits []template.ListEdit
	k := 0
	for i, e := range t.Actions {
		drop := e.Value == ""
		if !drop {
			drop = k == nonEmpty
			k++
		}
		if drop {
			edits = append([]template.ListEdit{{Op: template.EditRemove, Key: "actions", Index: i}}, edits...)
		}
	}
	return edits
}

// DefaultCRUD is the template a new user starts with.
const DefaultCRUD = `mode: crud
name: example
read:
- arn:aws:s3:::example-bucket/*
write:
- arn:aws:s3:::example-bucket/*
list:
- arn:aws:s3:::example-bucket
`

// DefaultActions is the actions template a new user starts with.
const DefaultActions = `mode: actions
name: example
actions:
- kms:CreateCustomKeyStore
- s3:GetObject
`
