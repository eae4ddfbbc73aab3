package audit

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteText prints a report for a terminal: per policy, the findings by
// severity, then allowed actions per access level (counts, and the
// actions when there are few), then unknown actions.
func (r *Report) WriteText(w io.Writer) error {
	b := bufio.NewWriterSize(w, 64<<10)
	if len(r.Principals) > 0 {
		r.writePrincipals(b)
		b.WriteString("\n")
		r.writeAccountPolicies(b)
		return b.Flush()
	}
	for i, p := range r.Policies {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("== " + p.Name + "\n")
		if p.Error != "" {
			b.WriteString("  error: " + p.Error + "\n")
			continue
		}
		if len(p.Findings) == 0 {
			b.WriteString("  no findings\n")
		} else {
			b.WriteString("  findings: " + SeverityCounts(p.Findings) + "\n")
		}
		for _, f := range p.Findings {
			fmt.Fprintf(b, "  [%s] %s\n      %s\n      in %s; %s\n      %s\n", strings.ToUpper(string(f.Severity)), f.Name(),
				f.ActionsText(8), strings.Join(f.Statements, ", "), f.Scope(), f.Why)
		}
		b.WriteString("  allowed actions:\n")
		for _, l := range p.Allowed {
			fmt.Fprintf(b, "    %-24s %d\n", l.Level, l.Count)
		}
		for _, in := range p.Ineffective {
			fmt.Fprintf(b, "  %s grants nothing for %d actions: no resource it names is of their resource types (%s)\n", in.Statement, in.Count, strings.Join(firstN(in.Actions, 5), ", "))
		}
		for _, n := range p.Notes {
			b.WriteString("  note: " + n + "\n")
		}
		if len(p.AttachedTo) > 0 {
			fmt.Fprintf(b, "  attached to %d principals, %d of them at risk\n", len(p.AttachedTo), len(p.AtRisk))
		}
		if len(p.Denied) > 0 {
			fmt.Fprintf(b, "  denied outright: %d actions\n", len(p.Denied))
		}
		for _, u := range p.Unknown {
			b.WriteString("  " + u.String() + "\n")
		}
	}
	return b.Flush()
}

// writeAccountPolicies lists an account's policies that have findings,
// one line each (the findings are under each principal, and in the JSON
// report).
func (r *Report) writeAccountPolicies(b *bufio.Writer) {
	n := 0
	for _, p := range r.Policies {
		if len(p.Findings) > 0 {
			n++
		}
	}
	fmt.Fprintf(b, "== %d policies, %d with findings (as if alone; --fmt json for each one's findings)\n", len(r.Policies), n)
	for _, p := range r.Policies {
		if len(p.Findings) == 0 {
			continue
		}
		fmt.Fprintf(b, "  %s: %s; attached to %d, at risk %d\n", p.Name, SeverityCounts(p.Findings), len(p.AttachedTo), len(p.AtRisk))
		for _, n := range p.Notes {
			b.WriteString("    note: " + n + "\n")
		}
	}
}

// writePrincipals prints the account summary and every principal with
// surviving findings, worst first.
func (r *Report) writePrincipals(b *bufio.Writer) {
	var total [4]int
	at := 0
	for _, p := range r.Principals {
		for i, n := range p.Counts {
			total[i] += n
		}
		if p.Worst != "" {
			at++
		}
	}
	fmt.Fprintf(b, "== account: %d principals, %d with findings; %d policies\n", len(r.Principals), at, len(r.Policies))
	fmt.Fprintf(b, "  findings: %d critical, %d high, %d medium, %d low\n", total[0], total[1], total[2], total[3])
	for _, p := range r.Principals {
		if p.Worst == "" {
			continue
		}
		fmt.Fprintf(b, "\n== %s: %d critical, %d high, %d medium, %d low (%d policies)\n", p.Name, p.Counts[0], p.Counts[1], p.Counts[2], p.Counts[3], len(p.Policies))
		for _, n := range p.Notes {
			b.WriteString("  note: " + n + "\n")
		}
		fs := mergeFindings(r.PrincipalFindings(p))
		shown := 0
		for _, f := range fs {
			if !f.Severity.AtLeast(SeverityHigh) || shown == 10 {
				continue
			}
			shown++
			name := f.Title
			if f.Method != "" {
				name += ": " + f.Method
			}
			detail := ""
			if f.Detail != "" {
				detail = " (" + f.Detail + ")"
			}
			fmt.Fprintf(b, "  [%s] %s%s\n      %s\n      in %s\n", strings.ToUpper(string(f.Severity)), name, detail,
				strings.Join(firstN(f.Actions, 8), ", "), strings.Join(firstN(f.Statements, 3), ", "))
		}
		if rest := len(fs) - shown; rest > 0 {
			fmt.Fprintf(b, "  ... %d more findings (--fmt json or csv for all)\n", rest)
		}
	}
}

// mergeFindings merges findings of the same list entry or path (from
// several policies) into one, at the worst severity, naming every
// statement; order is kept (ranked input stays ranked).
func mergeFindings(fs []Finding) []Finding {
	var out []Finding
	at := map[string]int{}
	for _, f := range fs {
		k := f.List + "/" + f.whyKey() + "/" + f.Detail + "/" + strings.Join(f.Actions, ",")
		if i, ok := at[k]; ok {
			out[i].Statements = append(out[i].Statements, f.Statements...)
			continue
		}
		at[k] = len(out)
		f.Statements = append([]string(nil), f.Statements...)
		out = append(out, f)
	}
	return out
}

func firstN(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(s[:n:n], fmt.Sprintf("+%d more", len(s)-n))
}

// Worst returns the most severe finding's severity ("" when none).
func (r *Report) Worst() Severity {
	var worst Severity
	if len(r.Principals) > 0 {
		for _, p := range r.Principals {
			if p.Worst != "" && (worst == "" || p.Worst.AtLeast(worst)) {
				worst = p.Worst
			}
		}
		return worst
	}
	for _, p := range r.Policies {
		for _, f := range p.Findings {
			if worst == "" || f.Severity.AtLeast(worst) {
				worst = f.Severity
			}
		}
	}
	return worst
}

// SeverityCounts says how many findings there are per severity, most
// severe first, e.g. "31 critical, 2 high" ("" when there are none).
func SeverityCounts(fs []Finding) string {
	count := map[Severity]int{}
	for _, f := range fs {
		count[f.Severity]++
	}
	var parts []string
	for _, s := range []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow} {
		if count[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", count[s], s))
		}
	}
	return strings.Join(parts, ", ")
}

// Name is the finding's heading: the risk list's title, with the
// privilege-escalation method when there is one.
func (f Finding) Name() string {
	if f.Method != "" {
		return f.Title + ": " + f.Method
	}
	return f.Title
}

// Scope says which resources the finding's grant reaches and whether
// conditions limit it, e.g. "every resource, with conditions".
func (f Finding) Scope() string {
	scope := "some resources only"
	switch {
	case f.WildcardOnly:
		scope = "Resource * (the only resource the action accepts)"
	case f.Unconstrained && f.Detail != "" && f.List != TrustList:
		scope = f.Detail
	case f.Unconstrained:
		scope = "every resource"
	}
	if f.Conditioned {
		scope += ", with conditions"
	}
	return scope
}

// ActionsText lists the finding's actions, at most max of them, then how
// many more there are: "iam:PassRole, iam:CreateRole (+3 more)".
func (f Finding) ActionsText(max int) string {
	acts, more := f.Actions, ""
	if len(acts) > max {
		more = fmt.Sprintf(" (+%d more)", len(acts)-max)
		acts = acts[:max]
	}
	return strings.Join(acts, ", ") + more
}

// String says which unknown action a statement names, with the nearest
// real ones: "unknown action s3:GetObjekt in Read (did you mean
// s3:GetObject?)".
func (u Unknown) String() string {
	s := "unknown action " + u.Pattern + " in " + u.Statement
	if len(u.Suggestions) > 0 {
		s += " (did you mean " + strings.Join(u.Suggestions, ", ") + "?)"
	}
	return s
}
