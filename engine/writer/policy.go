// Package writer writes least-privilege IAM policies from templates: CRUD
// mode (resource ARNs + access levels) and actions mode, with Policy
// Sentry 0.16's statement layout.
package writer

// Policy is a generated IAM policy. Field order is the JSON output order.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a generated policy.
type Statement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource []string `json:"Resource"`
}
