package arn

import "strings"

// apiShortPrefix starts API Gateway's short form of a resource in an API's
// resource policy.
const apiShortPrefix = "execute-api:/"

// APIShortForm reports whether s is API Gateway's short form of a resource
// in a REST API's resource policy ("execute-api:/*",
// "execute-api:/prod/GET/pets"): API Gateway reads it as that path of the
// API the policy is attached to.
func APIShortForm(s string) bool { return strings.HasPrefix(s, apiShortPrefix) }

// ExpandAPIShortForm returns the ARN pattern that API Gateway's short form
// stands for, with the partition, Region, account and API ID left as
// wildcards (the policy is attached to one API, so they are that API's):
// "execute-api:/prod/GET/pets" is "arn:*:execute-api:*:*:*/prod/GET/pets".
// Any other s is returned unchanged.
func ExpandAPIShortForm(s string) string {
	if !APIShortForm(s) {
		return s
	}
	return "arn:*:execute-api:*:*:*" + s[len(apiShortPrefix)-1:]
}
