// Package arn parses Amazon Resource Names and matches them against the
// ARN formats of resource types ("arn:${Partition}:s3:::${BucketName}/${ObjectName}").
//
// Matching follows Policy Sentry 0.16's rules so that CRUD-mode policies
// are the same as Policy Sentry's, without its crashes: an ARN with fewer
// path segments than a format simply does not match that format.
package arn

import (
	"fmt"
	"strings"
)

// ARN is a parsed ARN: arn:partition:service:region:account:resource.
type ARN struct {
	Raw       string
	Partition string
	Service   string
	Region    string
	Account   string
	// Resource is everything after the account, e.g. "table/orders".
	Resource string
}

// Parse parses s. It needs the literal "arn" and six colon-separated
// fields; the resource field must not be empty.
func Parse(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ARN{}, fmt.Errorf("%q is not an ARN: expected arn:partition:service:region:account:resource", s)
	}
	if parts[5] == "" {
		return ARN{}, fmt.Errorf("%q is not an ARN: the resource part after the account is empty", s)
	}
	return ARN{Raw: s, Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, nil
}

// ServiceOf returns the service field of an ARN-like string ("" if none).
func ServiceOf(s string) string {
	parts := strings.SplitN(s, ":", 4)
	if len(parts) < 3 {
		return ""
	}
	return parts[2]
}

// splitSegments splits a resource string at every '/' and ':', keeping
// empty segments (unlike strings.FieldsFunc).
func splitSegments(s string) []string {
	out := make([]string, 0, 4)
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '/' || s[i] == ':' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
