package arn

import "strings"

// Format is a compiled resource-type ARN format.
type Format struct {
	// Raw is the format as in the dataset.
	Raw string
	// Service is the format's service field.
	Service string
	// resource is the part after the account field.
	resource string
	// segments of resource split at '/' and ':', with ${...} placeholders
	// and "*" normalised to "" (they match anything).
	segments []string
	// special marks the formats Policy Sentry treats as bucket/object-like,
	// where the number of '/' decides.
	special bool
}

// specialResources are resource strings that Policy Sentry matches by the
// presence or count of '/' rather than by segments (S3 buckets and objects,
// CodeCommit repositories, DynamoDB tables).
var specialResources = map[string]bool{
	"${ObjectName}":               true,
	"${RepositoryName}":           true,
	"${BucketName}":               true,
	"table/${TableName}":          true,
	"${BucketName}/${ObjectName}": true,
}

// Compile prepares a format for matching. A format without six fields
// (such as "*") compiles to a Format that matches nothing.
func Compile(raw string) *Format {
	f := &Format{Raw: raw}
	parts := strings.SplitN(raw, ":", 6)
	if raw == "*" || len(parts) < 6 {
		return f
	}
	f.Service = parts[2]
	f.resource = parts[5]
	for _, seg := range splitSegments(f.resource) {
		// Placeholders and a literal "*" (amplifybackend's
		// "/backend/${AppId}/api/*") match any segment.
		if strings.Contains(seg, "${") || seg == "*" {
			seg = ""
		}
		f.segments = append(f.segments, seg)
	}
	f.special = specialResources[f.resource]
	return f
}

// Match reports whether the ARN a has this format's resource type, by
// Policy Sentry's rules: same service; a resource type of "*" matches
// every format of the service; every literal segment of the format must
// appear at the same position in the ARN (or the ARN has "*" there); the
// bucket/object-like formats compare their '/' structure.
func (f *Format) Match(a ARN) bool {
	if f.Service == "" || a.Service != f.Service {
		return false
	}
	test := splitSegments(a.Resource)
	if len(test) > 1 && test[0] == "*" {
		return true
	}
	for i, seg := range f.segments {
		if seg == "" {
			continue
		}
		if !containsFold(test, seg) {
			return false
		}
		// Policy Sentry indexes past the end here and crashes; an ARN
		// with fewer segments than the format is simply another type.
		if i >= len(test) || (test[i] != seg && test[i] != "*") {
			return false
		}
	}
	if f.special {
		if f.resource == "table/${TableName}" || f.resource == "${BucketName}" {
			return strings.Count(a.Resource, "/") == strings.Count(f.resource, "/")
		}
		return strings.Contains(a.Resource, "/") == strings.Contains(f.resource, "/")
	}
	return true
}

// MatchString parses s and matches it; an unparsable s matches nothing.
func (f *Format) MatchString(s string) bool {
	a, err := Parse(s)
	return err == nil && f.Match(a)
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
