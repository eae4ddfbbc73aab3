package webapp

import "github.com/leastpriv/policysentry/engine/template"

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

// Entries returns a pointer to the template's list for a section key
// (nil for an unknown key).
func Entries(t *template.Template, key string) *[]template.Entry {
	switch key {
	case "read":
		return &t.Read
	case "write":
		return &t.Write
	case "list":
		return &t.List
	case "tagging":
		return &t.Tagging
	case "permissions-management":
		return &t.PermissionsManagement
	case "wildcard-only.single-actions":
		return &t.WildcardOnly.SingleActions
	case "wildcard-only.service-read":
		return &t.WildcardOnly.ServiceRead
	case "wildcard-only.service-write":
		return &t.WildcardOnly.ServiceWrite
	case "wildcard-only.service-list":
		return &t.WildcardOnly.ServiceList
	case "wildcard-only.service-tagging":
		return &t.WildcardOnly.ServiceTagging
	case "wildcard-only.service-permissions-management":
		return &t.WildcardOnly.ServicePermissionsManagement
	case "skip-resource-constraints":
		return &t.SkipResourceConstraints
	case "exclude-actions":
		return &t.ExcludeActions
	case "sts.assume-role":
		return &t.STS.AssumeRole
	case "sts.assume-role-with-saml":
		return &t.STS.AssumeRoleWithSAML
	case "sts.assume-role-with-web-identity":
		return &t.STS.AssumeRoleWithWebIdentity
	case "actions":
		return &t.Actions
	}
	return nil
}

// SetRow sets row i of a section (appending when i is the length) and
// returns the template as YAML.
func SetRow(t *template.Template, key string, i int, value string) (string, error) {
	list := Entries(t, key)
	if list == nil {
		return "", nil
	}
	for len(*list) <= i {
		*list = append(*list, template.Entry{})
	}
	(*list)[i] = template.Entry{Value: value}
	return marshal(t)
}

// AddRow appends an empty row to a section and returns the YAML.
func AddRow(t *template.Template, key, value string) (string, error) {
	list := Entries(t, key)
	if list == nil {
		return "", nil
	}
	*list = append(*list, template.Entry{Value: value})
	return marshal(t)
}

// RemoveRow deletes row i of a section and returns the YAML.
func RemoveRow(t *template.Template, key string, i int) (string, error) {
	list := Entries(t, key)
	if list == nil || i < 0 || i >= len(*list) {
		return marshal(t)
	}
	*list = append((*list)[:i], (*list)[i+1:]...)
	return marshal(t)
}

func marshal(t *template.Template) (string, error) {
	b, err := t.Marshal()
	return string(b), err
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
