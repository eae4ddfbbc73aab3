package template

import (
	"fmt"
	"strings"
)

// ListKeys are the dotted keys of every list a template can hold, in the
// order Marshal writes them: the CRUD sections ("read",
// "wildcard-only.service-read", "sts.assume-role", ...) and then the
// actions mode's "actions".
var ListKeys = []string{
	"read", "write", "list", "tagging", "permissions-management",
	"wildcard-only.single-actions", "wildcard-only.service-read", "wildcard-only.service-write",
	"wildcard-only.service-list", "wildcard-only.service-tagging", "wildcard-only.service-permissions-management",
	"skip-resource-constraints", "exclude-actions",
	"sts.assume-role", "sts.assume-role-with-saml", "sts.assume-role-with-web-identity",
	"actions",
}

// Entries returns a pointer to the template's list for a dotted key of
// ListKeys, or nil for any other key.
func (t *Template) Entries(key string) *[]Entry {
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

// rowKind is what the rows of a list hold, which decides how the parser
// checks them.
type rowKind int

const (
	arnRows     rowKind = iota // resource ARNs
	actionRows                 // service:Action strings (wildcards allowed)
	serviceRows                // service prefixes, unchecked
)

// kindOf returns what the rows of the list at a dotted key hold.
func kindOf(key string) rowKind {
	switch {
	case key == "actions", key == "skip-resource-constraints", key == "exclude-actions",
		key == "wildcard-only.single-actions":
		return actionRows
	case strings.HasPrefix(key, "wildcard-only."):
		return serviceRows
	}
	return arnRows
}

// EditOp is what a ListEdit does.
type EditOp int

// The list edits.
const (
	// EditSet sets row Index to Value; Index may be the list's length,
	// which appends.
	EditSet EditOp = iota
	// EditAppend appends Value.
	EditAppend
	// EditRemove deletes row Index.
	EditRemove
)

// ListEdit is one change to one list of a template: what the web app's
// form does to a row.
type ListEdit struct {
	// Op is the change.
	Op EditOp
	// Key is the list's dotted key (one of ListKeys).
	Key string
	// Index is the row of EditSet and EditRemove (0-based).
	Index int
	// Value is the row's new text for EditSet and EditAppend.
	Value string
}

// String describes the edit for error messages ("add a row to read").
func (e ListEdit) String() string {
	switch e.Op {
	case EditSet:
		return fmt.Sprintf("set row %d of %s", e.Index+1, e.Key)
	case EditAppend:
		return "add a row to " + e.Key
	case EditRemove:
		return fmt.Sprintf("remove row %d of %s", e.Index+1, e.Key)
	}
	return fmt.Sprintf("edit %s", e.Key)
}

// check validates the edit against a list of n rows.
func (e ListEdit) check(n int) error {
	switch e.Op {
	case EditSet:
		if e.Index < 0 || e.Index > n {
			return fmt.Errorf("no row %d: %s has %d rows", e.Index+1, e.Key, n)
		}
	case EditAppend:
	case EditRemove:
		if e.Index < 0 || e.Index >= n {
			return fmt.Errorf("no row %d: %s has %d rows", e.Index+1, e.Key, n)
		}
	default:
		return fmt.Errorf("unknown edit operation %d", e.Op)
	}
	return nil
}

// Apply makes the edit on the parsed template (not on its YAML source:
// see EditSource for that). Positions of new rows are zero.
func (t *Template) Apply(e ListEdit) error {
	list := t.Entries(e.Key)
	if list == nil {
		return fmt.Errorf("cannot %s: unknown list %q", e, e.Key)
	}
	if err := e.check(len(*list)); err != nil {
		return fmt.Errorf("cannot %s: %w", e, err)
	}
	switch {
	case e.Op == EditSet && e.Index < len(*list):
		(*list)[e.Index] = Entry{Value: e.Value}
	case e.Op == EditSet, e.Op == EditAppend:
		*list = append(*list, Entry{Value: e.Value})
	case e.Op == EditRemove:
		*list = append((*list)[:e.Index:e.Index], (*list)[e.Index+1:]...)
	}
	return nil
}
