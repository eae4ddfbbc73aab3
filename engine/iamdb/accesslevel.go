package iamdb

import (
	"fmt"
	"strings"
)

// AccessLevel is one of AWS's five access levels.
type AccessLevel uint8

// The access levels, in Policy Sentry's statement order.
const (
	Read AccessLevel = iota + 1
	Write
	List
	Tagging
	PermissionsManagement
)

// AccessLevels lists every access level in Policy Sentry's order.
var AccessLevels = []AccessLevel{Read, Write, List, Tagging, PermissionsManagement}

// String returns AWS's name: "Read", "Write", "List", "Tagging",
// "Permissions management".
func (l AccessLevel) String() string {
	switch l {
	case Read:
		return "Read"
	case Write:
		return "Write"
	case List:
		return "List"
	case Tagging:
		return "Tagging"
	case PermissionsManagement:
		return "Permissions management"
	}
	return fmt.Sprintf("AccessLevel(%d)", uint8(l))
}

// Key returns the template/CLI spelling: "read", "write", "list", "tagging",
// "permissions-management".
func (l AccessLevel) Key() string {
	switch l {
	case PermissionsManagement:
		return "permissions-management"
	case Read, Write, List, Tagging:
		return strings.ToLower(l.String())
	}
	return ""
}

// ParseAccessLevel accepts AWS's names and the CLI spellings, case-insensitively:
// "Read", "read", "Permissions management", "permissions-management",
// "permissions_management".
func ParseAccessLevel(s string) (AccessLevel, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.NewReplacer("_", "-", " ", "-").Replace(k)
	switch k {
	case "read":
		return Read, nil
	case "write":
		return Write, nil
	case "list":
		return List, nil
	case "tagging":
		return Tagging, nil
	case "permissions-management":
		return PermissionsManagement, nil
	}
	return 0, fmt.Errorf("unknown access level %q: use read, write, list, tagging or permissions-management", s)
}
