// Package writer writes least-privilege IAM policies from templates: CRUD
// mode (resource ARNs + access levels) and actions mode, with Policy
// Sentry 0.16's statement layout.
package writer

import (
	"encoding/json"
	"fmt"
)

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
	// Condition holds the template's conditions that every action of
	// the statement supports; nil (left out) without any.
	Condition Condition `json:"Condition,omitempty"`
}

// Condition is a statement's Condition element: operator → condition key
// → values. encoding/json writes it with sorted keys, one value as a
// string and several as an array, as policyfmt renders it.
type Condition map[string]map[string][]string

// MarshalJSON writes one value as a string, several as an array.
func (c Condition) MarshalJSON() ([]byte, error) {
	out := make(map[string]map[string]any, len(c))
	for op, keys := range c {
		m := make(map[string]any, len(keys))
		for k, vs := range keys {
			if len(vs) == 1 {
				m[k] = vs[0]
			} else {
				m[k] = vs
			}
		}
		out[op] = m
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads values given as a string or an array of strings.
func (c *Condition) UnmarshalJSON(b []byte) error {
	var raw map[string]map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(Condition, len(raw))
	for op, keys := range raw {
		out[op] = map[string][]string{}
		for k, v := range keys {
			var one string
			if err := json.Unmarshal(v, &one); err == nil {
				out[op][k] = []string{one}
				continue
			}
			var many []string
			if err := json.Unmarshal(v, &many); err != nil {
				return fmt.Errorf("Condition.%s.%s: %w", op, k, err)
			}
			out[op][k] = many
		}
	}
	*c = out
	return nil
}
