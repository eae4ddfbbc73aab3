package policyfmt

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/leastpriv/policysentry/engine/writer"
)

// Limit is an AWS policy size quota.
type Limit struct {
	// Name says where the quota applies, e.g. "managed policy".
	Name string `json:"name"`
	// Chars is the maximum number of characters, whitespace not counted.
	Chars int `json:"chars"`
}

// Limits are AWS's IAM policy size quotas, smallest first.
var Limits = []Limit{
	{"user inline policy", 2048},
	{"group inline policy", 5120},
	{"managed policy", 6144},
	{"role inline policy", 10240},
}

// SizeReport is a policy's size against the quotas.
type SizeReport struct {
	// Chars is the policy's length without whitespace, as AWS counts it.
	Chars int `json:"chars"`
	// Over lists the quotas the policy exceeds.
	Over []Limit `json:"over,omitempty"`
}

// Size measures the policy as AWS does: the JSON document without
// whitespace.
func Size(p *writer.Policy) SizeReport {
	b, _ := json.Marshal(p)
	n := 0
	for _, r := range string(b) {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	r := SizeReport{Chars: n}
	for _, l := range Limits {
		if n > l.Chars {
			r.Over = append(r.Over, l)
		}
	}
	return r
}

// Summary says the size and every quota in one line, e.g. "policy size:
// 3467 characters without whitespace; AWS limits: user inline policy 2048
// (over), group inline policy 5120, ...".
func (r SizeReport) Summary() string {
	over := map[string]bool{}
	for _, l := range r.Over {
		over[l.Name] = true
	}
	parts := make([]string, len(Limits))
	for i, l := range Limits {
		parts[i] = fmt.Sprintf("%s %d", l.Name, l.Chars)
		if over[l.Name] {
			parts[i] += " (over)"
		}
	}
	return fmt.Sprintf("policy size: %d characters without whitespace; AWS limits: %s", r.Chars, strings.Join(parts, ", "))
}
