package writer

import "github.com/leastpriv/policysentry/engine/diag"

// Options control policy writing.
type Options struct {
	// Minimize enables safe wildcard minimization (--minimize).
	Minimize bool
	// MinLength is the minimum prefix length of minimized actions (--minimize N).
	MinLength int
}

// Result is a written policy with its warnings.
type Result struct {
	// Policy is the written policy.
	Policy *Policy
	// Warnings are in template order, each a diag.Warning at the template
	// entry it is about: an ARN that matches no resource type, an unknown
	// service, ...
	Warnings diag.List
}
