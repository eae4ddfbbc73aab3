package template

import "fmt"

// rowKind is what the rows of a list hold, which decides how the parser
// checks them.
type rowKind int

const (
	arnRows     rowKind = iota // resource ARNs
	actionRows                 // service:Action strings (wildcards allowed)
	serviceRows                // service prefixes, unchecked
)

// lists is every list a template can hold, in the order Marshal writes
// them: its dotted key, where it lives in a Template and what its rows
// hold. ListKeys, Entries and kindOf read it.
var lists = []struct {
	key   string
	field func(t *Template) *[]Entry
	kind  rowKind
}{
	{"read", func(t *Template) *[]Entry { return &t.Read }, arnRows},
	{"write", func(t *Template) *[]Entry { return &t.Write }, arnRows},
	{"list", func(t *Template) *[]Entry { return &t.List }, arnRows},
	{"tagging", func(t *Template) *[]Entry { return &t.Tagging }, arnRows},
	{"permissions-management", func(t *Template) *[]Entry { return &t.PermissionsManagement }, arnRows},
	{"wildcard-only.single-actions", func(t *Template) *[]Entry { return &t.WildcardOnly.SingleActions }, actionRows},
	{"wildcard-only.service-read", func(t *Template) *[]Entry { return &t.WildcardOnly.ServiceRead }, serviceRows},
	{"wildcard-only.service-write", func(t *Template) *[]Entry { return &t.WildcardOnly.ServiceWrite }, serviceRows},
	{"wildcard-only.service-list", func(t *Template) *[]Entry { return &t.WildcardOnly.ServiceList }, serviceRows},
	{"wildcard-only.service-tagging", func(t *Template) *[]Entry { return &t.WildcardOnly.ServiceTagging }, serviceRows},
	{"wildcard-only.service-permissions-management", func(t *Template) *[]Entry { return &t.WildcardOnly.ServicePermissionsManagement }, serviceRows},
	{"skip-resource-constraints", func(t *Template) *[]Entry { return &t.SkipResourceConstraints }, actionRows},
	{"exclude-actions", func(t *Template) *[]Entry { return &t.ExcludeActions }, actionRows},
	{"sts.assume-role", func(t *Template) *[]Entry { return &t.STS.AssumeRole }, arnRows},
	{"sts.assume-role-with-saml", func(t *Template) *[]Entry { return &t.STS.AssumeRoleWithSAML }, arnRows},
	{"sts.assume-role-with-web-identity", func(t *Template) *[]Entry { return &t.STS.AssumeRoleWithWebIdentity }, arnRows},
	{"actions", func(t *Template) *[]Entry { return &t.Actions }, actionRows},
}

// ListKeys are the dotted keys of every list a template can hold, in the
// order Marshal writes them: the CRUD sections ("read",
// "wildcard-only.service-read", "sts.assume-role", ...) and then the
// actions mode's "actions".
var ListKeys = func() []string {
	keys := make([]string, len(lists))
	for i, l := range lists {
		keys[i] = l.key
	}
	return keys
}()

// Entries returns a pointer to the template's list for a dotted key of
// ListKeys, or nil for any other key.
func (t *Template) Entries(key string) *[]Entry {
	for _, l := range lists {
		if l.key == key {
			return l.field(t)
		}
	}
	return nil
}

// kindOf returns what the rows of the list at a dotted key hold (ARNs for
// a key that is not a list's).
func kindOf(key string) rowKind {
	for _, l := range lists {
		if l.key == key {
			return l.kind
		}
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
