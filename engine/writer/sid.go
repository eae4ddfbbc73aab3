package writer

import "strings"

// Special statement ids, as Policy Sentry names them.
const (
	sidMultMultNone            = "MultMultNone"
	sidSkipResourceConstraints = "SkipResourceConstraints"
)

// sidFor returns Policy Sentry's statement id for a service, access level
// and resource type: each part with its first letter upper-cased and the
// rest lower-cased, non-alphanumerics removed ("S3ReadObject",
// "KmsPermissionsmanagementKey").
func sidFor(service, accessLevel, resourceType string) string {
	return capitalize(alnum(service)) + capitalize(alnum(accessLevel)) + capitalize(alnum(resourceType))
}

func alnum(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}
