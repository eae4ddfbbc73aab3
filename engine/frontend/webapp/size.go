package webapp

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/policyfmt"
)

// SizeText explains a policy's size against AWS's quotas, e.g. "3,467
// characters (whitespace not counted): fits a managed policy (6,144) and
// a role inline policy (10,240); too long for a user inline policy
// (2,048)".
func SizeText(r policyfmt.SizeReport) string {
	over := map[string]bool{}
	for _, l := range r.Over {
		over[l.Name] = true
	}
	var fits, too []string
	for _, l := range policyfmt.Limits {
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
			out += ". Try Minimize, or split the policy"
		}
	}
	return out
}

// SizeMeterMax is the scale of the size meter: the managed-policy quota,
// the one most policies are written for.
const SizeMeterMax = 6144

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
