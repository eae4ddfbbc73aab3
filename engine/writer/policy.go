// Package writer writes least-privilege IAM policies from templates: CRUD
// mode (resource ARNs + access levels) and actions mode, with Policy
// Sentry 0.16's statement layout.
package writer

// Policy is a generated IAM policy. Field order is the JSON output order.
type Policy struct {
	// Version is the policy language version, always "2012-10-17".
	Version string `json:"Version"`
	// Statement lists the statements in Policy Sentry's order.
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a generated policy.
type Statement struct {
	// Sid is Policy Sentry's statement id, e.g. "S3ReadObject".
	Sid string `json:"Sid"`
	// Effect is "Allow", or "Deny" for a Deny template.
	Effect string `json:"Effect"`
	// Action lists "service:Action" strings, sorted.
	Action []string `json:"Action"`
	// Resource lists ARNs, ARN formats or "*".
	Resource []string `json:"Resource"`
}
