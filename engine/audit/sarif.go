package audit

import (
	"io"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
)

// WriteSARIF writes the findings as a SARIF 2.1.0 log (engine/diag): one
// rule per list entry or path (id "list/key"), one result per finding at
// its first statement (policy files; for an account, per principal at the
// file's start, the principal in the message).
func (r *Report) WriteSARIF(w io.Writer, tool diag.SARIFTool, file string) error {
	cat := r.Catalog()
	var rules []diag.Rule
	seen := map[string]bool{}
	var l diag.List
	add := func(f *Finding, where diag.Position, who string) {
		id := f.List + "/" + f.whyKey()
		if !seen[id] {
			seen[id] = true
			title := cat.Lists[f.List].Title
			if p, ok := cat.Paths[f.Path]; ok {
				title += ": " + p.Name
			}
			rules = append(rules, diag.Rule{ID: id, Title: title, Description: cat.Why[id], Severity: diag.SecurityWarning})
		}
		msg := strings.ToUpper(string(f.Severity)) + ": " + strings.Join(f.Actions, ", ") + " in " + strings.Join(f.Statements, ", ")
		if f.Detail != "" {
			msg += " (" + f.Detail + ")"
		}
		if who != "" {
			msg = who + ": " + msg
		}
		l.Add(diag.Diagnostic{Severity: diag.SecurityWarning, Code: id, Message: msg, Start: where})
	}
	if len(r.Principals) > 0 {
		for _, p := range r.Principals {
			for _, f := range r.PrincipalFindings(p) {
				add(&f, diag.Position{File: file}, p.Name)
			}
		}
	} else {
		for _, p := range r.Policies {
			for i := range p.Findings {
				f := &p.Findings[i]
				add(f, diag.Position{File: docFile(p.Name), Line: f.line, Column: f.column}, "")
			}
		}
	}
	return diag.WriteSARIF(w, tool, rules, l)
}

// docFile is the file a policy report names: "dir/p.json" and
// "p.json[3]" (an array element) give the file.
func docFile(name string) string {
	if i := strings.LastIndexByte(name, '['); i > 0 && strings.HasSuffix(name, "]") {
		return name[:i]
	}
	return name
}
