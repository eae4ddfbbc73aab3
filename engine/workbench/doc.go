// Package workbench is the one engine surface the front ends call: the
// CLI (engine/frontend/cli), the HTTP API (engine/frontend/api, served by
// `policy-sentry serve` and the Worker) and the web app
// (engine/frontend/webapp). Each feature is one function taking the
// user's input bytes, a file name for messages and options, and giving a
// result whose problems are a diag.List:
//
//   - Write: template → policy, every rendered format, diagnostics
//     (template errors, writer warnings, the size warning) and the size
//     report against AWS's quotas.
//   - Audit / AuditAll: policy files → audit report and diagnostics
//     (policy files that cannot be read, at the problem).
//
// A new feature (validate, diff, simulate) is one more function of the
// same shape: Xxx(db, input, XxxOptions) (*XxxResult, error), its result
// holding its report and a Diagnostics diag.List, its error non-nil only
// when nothing could be produced (then a diag.List of the input's errors,
// or a plain error for a caller's mistake such as an unknown format). The
// front ends only adapt results: stderr and exit codes, HTTP status and
// JSON, Vugu fields.
package workbench

import "github.com/leastpriv/policysentry/engine/diag"

// Input is one named input: a file, a request body, a text box.
type Input struct {
	// Name names the input in diagnostics ("" or "-" for standard input).
	Name string
	// Data is its content.
	Data []byte
}

// errorsOf returns the Error diagnostics of l.
func errorsOf(l diag.List) diag.List {
	var out diag.List
	for _, d := range l {
		if d.Severity == diag.Error {
			out = append(out, d)
		}
	}
	return out
}
