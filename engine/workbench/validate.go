package workbench

import (
	"bytes"
	"fmt"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/validate"
)

// ValidateOptions control Validate and ValidateAll.
type ValidateOptions struct {
	// Options are the validator's: the policy type and resource type.
	validate.Options
	// Ignore, when set, drops the findings its rules match.
	Ignore *validate.Ignore
}

// ValidateResult is the validation of one or more policy files.
type ValidateResult struct {
	// Results has one entry per policy of the inputs, in input order
	// (an authorization-details dump holds many).
	Results []validate.Result
	// Diagnostics are every finding, in the order of Results.
	Diagnostics diag.List
}

// ValidateFormats are the output formats Render takes.
var ValidateFormats = []string{"text", "json", "sarif"}

// Validate validates every policy of one input (a policy, an array of
// policies, get-policy-version, get-role or authorization-details output;
// URL-encoded documents are decoded) like IAM Access Analyzer: findings
// with finding type, issue code, JSON path and positions. Malformed input
// is a finding (JSON_SYNTAX_ERROR), so the error is non-nil only for a
// caller's mistake (no dataset, options that do not fit).
func Validate(db *iamdb.DB, src []byte, name string, opts ValidateOptions) (*ValidateResult, error) {
	return ValidateAll(db, []Input{{Name: name, Data: src}}, opts)
}

// ValidateAll validates every input in order.
func ValidateAll(db *iamdb.DB, inputs []Input, opts ValidateOptions) (*ValidateResult, error) {
	if db == nil {
		return nil, fmt.Errorf("workbench: no dataset")
	}
	if err := opts.Options.CheckOptions(); err != nil {
		return nil, err
	}
	res := &ValidateResult{Results: []validate.Result{}}
	for _, in := range inputs {
		for _, r := range validate.ValidateInput(db, in.Data, in.Name, opts.Options) {
			r.Findings = opts.Ignore.Filter(in.Name, r.Name, r.Findings)
			res.Results = append(res.Results, r)
			res.Diagnostics = append(res.Diagnostics, r.Findings...)
		}
	}
	return res, nil
}

// Worst is the most severe finding type, false when there is no finding.
func (r *ValidateResult) Worst() (diag.Severity, bool) { return r.Diagnostics.Max() }

// Render writes the findings as text (one a line, file:line:column,
// finding type, code, message, JSON path), json (an array of objects
// with findingType, issueCode, message, path, line, column, file and,
// for inputs holding several policies, policy) or sarif (SARIF 2.1.0,
// one rule per check). version names the tool's version in SARIF.
func (r *ValidateResult) Render(format, version string) ([]byte, error) {
	var b bytes.Buffer
	var err error
	switch format {
	case "text", "":
		err = validate.WriteText(&b, r.Results)
	case "json":
		err = validate.WriteJSON(&b, r.Results)
	case "sarif":
		err = validate.WriteSARIF(&b, version, r.Results)
	default:
		return nil, fmt.Errorf("unknown validation output format %q: use text, json or sarif", format)
	}
	return b.Bytes(), err
}
