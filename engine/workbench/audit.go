package workbench

import (
	"errors"
	"fmt"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/parallel"
	"github.com/leastpriv/policysentry/engine/policy"
)

// AuditOptions control Audit and AuditAll.
type AuditOptions struct {
	// Options are the auditor's: the risk lists and checks.
	audit.Options
	// Progress, when set, is called with the policy documents audited so
	// far and their total (over every input), every auditChunk documents,
	// so that a page can update and yield in between.
	Progress func(done, total int)
}

// auditChunk is how many policy documents are audited between progress
// reports: small enough for a page to stay responsive on an account dump
// of thousands of policies.
const auditChunk = 16

// inputsPerWorker is the fewest inputs worth a goroutine of their own
// when reading and checking them.
const inputsPerWorker = 8

// AuditResult is the audit of one or more policy files.
type AuditResult struct {
	// Report has one PolicyReport per policy document, in input order; an
	// input that cannot be read has one with Error set.
	Report *audit.Report
	// Diagnostics has one Error per input that cannot be read, at the
	// problem (line, column and JSON path).
	Diagnostics diag.List
}

// Audit reads one policy file (a policy, an array of policies,
// get-policy-version or get-account-authorization-details output; name
// names it in diagnostics) and audits it. When it cannot be read the
// error is a diag.List at the problem and the result has no report.
func Audit(db *iamdb.DB, src []byte, name string, opts AuditOptions) (*AuditResult, error) {
	src = decodeBare(src) // checkfirst.go
	if audit.IsAuthorizationDetails(src) {
		// An account: analysed per principal (groups, boundaries, Deny
		// across policies, trust policies).
		rep, err := audit.AnalyzeAccount(db, src, name, opts.Options)
		if err != nil {
			l := asList(name, err)
			return &AuditResult{Diagnostics: l}, l
		}
		return &AuditResult{Report: rep}, nil
	}
	root, _ := policy.ParseNode(src) // nil if the scanner refuses src: both readers then read it themselves
	docs, err := policy.LoadParsed(src, root, name)
	if err != nil {
		l := asList(name, err)
		return &AuditResult{Diagnostics: l}, l
	}
	docs, rejected, rl := checkFirst(db, src, root, name, docs) // checkfirst.go
	if len(docs) == 0 && len(rl) > 0 {
		return &AuditResult{Diagnostics: rl}, rl
	}
	rep, err := analyze(db, [][]*policy.Document{docs}, opts)
	if err != nil {
		return &AuditResult{}, err
	}
	rep.Policies = append(rep.Policies, rejected...)
	return &AuditResult{Report: rep, Diagnostics: rl}, nil
}

// AuditAll audits every input; one that cannot be read is reported in
// the report (PolicyReport.Error) and in Diagnostics, and the rest are
// audited. The error is for the auditor's own failures only.
func AuditAll(db *iamdb.DB, inputs []Input, opts AuditOptions) (*AuditResult, error) {
	res := &AuditResult{}
	parsed := make([][]*policy.Document, len(inputs))
	failed := make([]*audit.PolicyReport, len(inputs))
	rejected := make([][]*audit.PolicyReport, len(inputs))
	diags := make([]diag.List, len(inputs))
	// Each input is read and checked on its own (in parallel; the
	// diagnostics are gathered in input order below).
	parallel.Do(len(inputs), parallel.Workers(len(inputs), inputsPerWorker), func(_, i int) {
		in := inputs[i]
		data := decodeBare(in.Data)       // checkfirst.go
		root, _ := policy.ParseNode(data) // scanned once, for both readers (nil: each reads data itself)
		docs, err := policy.LoadParsed(data, root, in.Name)
		if err != nil {
			diags[i] = asList(in.Name, err)
			failed[i] = &audit.PolicyReport{Name: in.Name, Error: err.Error(), Findings: []audit.Finding{}}
			return
		}
		parsed[i], rejected[i], diags[i] = checkFirst(db, data, root, in.Name, docs) // checkfirst.go
	})
	for _, l := range diags {
		res.Diagnostics = append(res.Diagnostics, l...)
	}
	rep, err := analyze(db, parsed, opts)
	if err != nil {
		return res, err
	}
	// Put the unreadable inputs back in input order.
	all := []*audit.PolicyReport{}
	next := 0
	for i := range inputs {
		if failed[i] != nil {
			all = append(all, failed[i])
			continue
		}
		all = append(all, rep.Policies[next:next+len(parsed[i])]...)
		all = append(all, rejected[i]...)
		next += len(parsed[i])
	}
	rep.Policies = all
	res.Report = rep
	return res, nil
}

// analyze audits the documents of each input in chunks, reporting
// progress.
func analyze(db *iamdb.DB, inputs [][]*policy.Document, opts AuditOptions) (*audit.Report, error) {
	if db == nil {
		return nil, errors.New("workbench: no dataset")
	}
	total := 0
	for _, docs := range inputs {
		total += len(docs)
	}
	if opts.Progress == nil {
		// One pass: the auditor's caches serve every document.
		var all []*policy.Document
		for _, docs := range inputs {
			all = append(all, docs...)
		}
		return audit.Analyze(db, all, opts.Options)
	}
	rep := &audit.Report{Policies: []*audit.PolicyReport{}}
	done := 0
	for _, docs := range inputs {
		for i := 0; i < len(docs); i += auditChunk {
			chunk := docs[i:min(i+auditChunk, len(docs))]
			r, err := audit.Analyze(db, chunk, opts.Options)
			if err != nil {
				return nil, fmt.Errorf("auditing %s: %w", chunk[0].Name, err)
			}
			rep.Policies = append(rep.Policies, r.Policies...)
			done += len(chunk)
			if opts.Progress != nil {
				opts.Progress(done, total)
			}
		}
	}
	return rep, nil
}

// asList returns err as a diag.List (one diagnostic at the file when it
// is not one already).
func asList(name string, err error) diag.List {
	var l diag.List
	if errors.As(err, &l) {
		return l
	}
	return diag.List{diag.Errorf(diag.Position{File: name}, "%v", err)}
}
