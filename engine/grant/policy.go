package grant

import (
	"bytes"
	"encoding/json"

	"go.yaml.in/yaml/v3"
)

// Policy is a written resource or trust policy. Field order is the JSON
// output order.
type Policy struct {
	// Version is always "2012-10-17".
	Version string `json:"Version"`
	// Statement lists the statements in template order.
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a written policy.
type Statement struct {
	// Sid is "Grant1", "Grant1Object", the template's sid, ...
	Sid string `json:"Sid"`
	// Effect is Allow, or Deny for the insecure-transport guard.
	Effect string `json:"Effect"`
	// Principal names who the statement is about.
	Principal Principal `json:"Principal"`
	// Action lists service:Action names, sorted (the grant's order for
	// trust policies).
	Action Strings `json:"Action"`
	// Resource lists ARNs or "*"; empty where the service implies the
	// resource (ECR) and in trust policies.
	Resource Strings `json:"Resource,omitempty"`
	// Condition maps operator → key → values.
	Condition Condition `json:"Condition,omitempty"`
}

// Principal is a statement's Principal: "AWS" ARNs or "*", "Federated"
// providers and "Service" principals.
type Principal struct {
	AWS       Strings `json:"AWS,omitempty"`
	Federated Strings `json:"Federated,omitempty"`
	Service   Strings `json:"Service,omitempty"`
}

// Strings is a policy element's values: one value is written as a
// string, several as an array (IAM's usual form).
type Strings []string

// MarshalJSON writes one value as a string, else an array.
func (s Strings) MarshalJSON() ([]byte, error) {
	if len(s) == 1 {
		return json.Marshal(s[0])
	}
	return json.Marshal([]string(s))
}

// Condition is a statement's Condition: operator → key → values. JSON
// keys are written sorted, so the output is deterministic.
type Condition map[string]map[string]Strings

// add appends values to op/key.
func (c Condition) add(op, key string, values ...string) {
	if c[op] == nil {
		c[op] = map[string]Strings{}
	}
	c[op][key] = append(c[op][key], values...)
}

// Format is one rendering of a grant policy: the name users type (the
// CLI's --fmt, the API's fmt=), the file extension and the media type.
type Format struct {
	Name      string
	Ext       string
	MediaType string
	// Render renders the policy; the bytes end with a newline.
	Render func(*Policy) []byte
}

// formats is the table of grant formats; the first is the default.
var formats = []Format{
	{Name: "json", Ext: ".json", MediaType: "application/json", Render: JSON},
	{Name: "yaml", Ext: ".yml", MediaType: "application/yaml", Render: YAML},
}

// Formats returns the formats grant policies render in, json first.
func Formats() []Format { return append([]Format(nil), formats...) }

// FormatNames are the formats' names, in table order.
func FormatNames() []string {
	out := make([]string, len(formats))
	for i, f := range formats {
		out[i] = f.Name
	}
	return out
}

// JSON renders the policy as JSON indented by four spaces, as IAM's
// console and write-policy show policies.
func JSON(p *Policy) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	_ = enc.Encode(p) // a Policy holds only strings: encoding cannot fail
	return b.Bytes()
}

// YAML renders the policy as block-style YAML with the JSON's key order.
func YAML(p *Policy) []byte {
	var n yaml.Node
	_ = yaml.Unmarshal(JSON(p), &n) // JSON is YAML: it cannot fail
	block(&n)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	_ = enc.Encode(&n) // a tree of strings: encoding cannot fail
	return b.Bytes()
}

// block drops the flow style the JSON text gave every node.
func block(n *yaml.Node) {
	n.Style &^= yaml.FlowStyle
	if n.Kind == yaml.ScalarNode {
		n.Style &^= yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		block(c)
	}
}
