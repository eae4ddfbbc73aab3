// Package template reads and writes Policy Sentry's YAML templates: the
// CRUD and actions modes of Policy Sentry 0.16, and the first format
// (roles_with_crud_levels / roles_with_actions). Every value keeps its
// position so that errors and warnings point at line and column.
package template

import "github.com/leastpriv/policysentry/engine/diag"

// Mode is the template mode.
type Mode string

// The template modes.
const (
	ModeCRUD    Mode = "crud"
	ModeActions Mode = "actions"
)

// Entry is one string of a list in the template, with its position.
type Entry struct {
	// Value is the string, trimmed ("" for an empty entry).
	Value string
	// Pos is where it is in the template (Column in Unicode characters,
	// as everywhere in engine/diag).
	Pos diag.Position
}

// Template is a parsed write-policy template.
type Template struct {
	// File is the file name used in error messages ("" for stdin).
	File string
	// Mode is crud or actions.
	Mode Mode
	// Name is the template's name (informational).
	Name string
	// Effect is "Allow" (the default) or "Deny".
	Effect string

	// CRUD mode: ARNs per access level.
	Read, Write, List, Tagging, PermissionsManagement []Entry
	WildcardOnly                                      WildcardOnly
	SkipResourceConstraints                           []Entry
	ExcludeActions                                    []Entry
	STS                                               STS

	// Actions mode: service:Action strings.
	Actions []Entry

	// Conditions are the template's condition blocks (condition: and, in
	// CRUD mode, <section>-condition:), in template order; empty blocks
	// are left out.
	Conditions []ConditionBlock
}

// WildcardOnly is the wildcard-only section of a CRUD template.
type WildcardOnly struct {
	SingleActions                []Entry
	ServiceRead                  []Entry
	ServiceWrite                 []Entry
	ServiceList                  []Entry
	ServiceTagging               []Entry
	ServicePermissionsManagement []Entry
}

// STS is the sts section of a CRUD template: role ARNs per assume-role kind.
type STS struct {
	AssumeRole                []Entry
	AssumeRoleWithSAML        []Entry
	AssumeRoleWithWebIdentity []Entry
}
