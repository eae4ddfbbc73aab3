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

// The hints for a policy over a quota, the same in every front end:
// minimizing first, then splitting.
const (
	// HintMinimize is the hint when the policy was not minimized.
	HintMinimize = "try minimizing (write-policy --minimize, API ?minimize, web app Minimize), or split the template"
	// HintSplit is the hint when it was, and is still too long.
	HintSplit = "split the template or shorten ARNs with wildcards"
)

// Hint is what to do about a policy over a quota.
func Hint(minimized bool) string {
	if minimized {
		return HintSplit
	}
	return HintMinimize
}

// Warning is the warning for a policy over a quota, with the hint, e.g.
// "the policy has 3467 characters (without whitespace), over the AWS
// limit for user inline policy (2048); try minimizing ...". It is ""
// when the policy is within every quota.
func (r SizeReport) Warning(minimized bool) string {
	if len(r.Over) == 0 {
		return ""
	}
	over := make([]string, len(r.Over))
	for i, l := range r.Over {
		over[i] = fmt.Sprintf("%s (%d)", l.Name, l.Chars)
	}
	return fmt.Sprintf("the policy has %d characters (without whitespace), over the AWS limit for %s; %s",
		r.Chars, strings.Join(over, ", "), Hint(minimized))
}

// Describe explains the size against every quota in words, for a screen:
// "3,467 characters (whitespace not counted): fits a managed policy
// (6,144), role inline policy (10,240); too long for a user inline policy
// (2,048), group inline policy (5,120)". When it fits none, the hint
// follows.
func (r SizeReport) Describe(minimized bool) string {
	over := map[string]bool{}
	for _, l := range r.Over {
		over[l.Name] = true
	}
	var fits, too []string
	for _, l := range Limits {
		s := fmt.Sprintf("%s (%s)", l.Name, thousands(l.Chars))
		if over[l.Name] || r.Chars > l.Chars {
			too = append(too, s)
		} else {
			fits = append(fits, s)
		}
	}
	out := thousands(r.Chars) + " characters (whitespace not counted)"
	if len(fits) > 0 {
		out += ": fits a " + strings.Join(fits, ", ")
	}
	if len(too) > 0 {
		if len(fits) > 0 {
			out += "; "
		} else {
			out += ": "
		}
		out += "too long for a " + strings.Join(too, ", ")
		if len(fits) == 0 {
			out += "; " + Hint(minimized)
		}
	}
	return out
}

// thousands formats n with commas: 10,240.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
