package webapp

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// IsAccountFile reports whether a dropped or picked file is `aws iam
// get-account-authorization-details` output, for the account panel.
func IsAccountFile(data []byte) bool { return audit.IsAuthorizationDetails(data) }

// Account is an audited account for the Audit screen's account panel:
// one row per principal, worst first, and the report for drill-down and
// downloads. Everything is computed in the page; nothing is uploaded.
type Account struct {
	// File is the file's name.
	File string
	// Categories are the risk lists that have findings, in column order
	// (privilege escalation, trust, resource exposure, credentials
	// exposure, data exfiltration, infrastructure modification, then any
	// custom list); CategoryTitles their titles.
	Categories     []string
	CategoryTitles []string
	// Rows are the principals in the report's order (worst first).
	Rows []AccountRow

	result  *workbench.AuditResult
	byName  map[string]int // row name ("user/alice") -> index in Rows
	columns map[string]int // category -> column
}

// AccountRow is one principal in the account table.
type AccountRow struct {
	// Principal is "user/alice", "group/admins" or "role/app"; Name the
	// part after the slash and Type the part before.
	Principal, Name, Type string
	// Worst is the highest surviving risk ("" for none).
	Worst audit.Severity
	// Counts are the distinct surviving findings per category (the
	// columns of Account.Categories); Total their sum.
	Counts []int
	Total  int
	// Paths are the escalation paths the principal has, e.g. ec2-001.
	Paths []string
	// Notes say what could not be applied (a boundary not in the input).
	Notes []string

	index int // into the report's Principals
}

// categoryOrder is the column order of the built-in lists.
var categoryOrder = []string{"privilege-escalation", audit.TrustList, "resource-exposure", "credentials-exposure", "data-exfiltration", "infrastructure-modification"}

// AuditAccount audits an authorization-details file per principal with
// the built-in lists (and the custom list when customList is not empty).
// progress, when set, is called while the file is read and its
// principals evaluated, so that a page can draw a bar and yield.
func AuditAccount(db *iamdb.DB, f File, customList string, progress func(audit.Progress)) (*Account, error) {
	opts := workbench.AuditOptions{Options: audit.Options{InfrastructureModification: true, Progress: progress}}
	lists, err := auditLists(customList)
	if err != nil {
		return nil, err
	}
	opts.Lists = lists
	if !IsAccountFile(f.Data) {
		return nil, fmt.Errorf("%s is not `aws iam get-account-authorization-details` output (no UserDetailList, GroupDetailList or RoleDetailList)", f.Name)
	}
	res, err := workbench.Audit(db, f.Data, f.Name, opts)
	if err != nil {
		return nil, err
	}
	var step func()
	if progress != nil {
		// The rows are built after the audit: the last report again, so
		// that the page can still yield.
		last := audit.Progress{Read: len(f.Data), Size: len(f.Data), Principals: len(res.Report.Principals), Done: len(res.Report.Principals)}
		step = func() { progress(last) }
	}
	return newAccount(f.Name, res, step), nil
}

// rowsEvery is how many rows are built between calls of newAccount's step.
const rowsEvery = 64

func newAccount(file string, res *workbench.AuditResult, step func()) *Account {
	rep := res.Report
	a := &Account{File: file, result: res, byName: map[string]int{}, columns: map[string]int{}}
	titles := map[string]string{}
	type counted struct {
		row  *AccountRow
		seen map[string]bool
		per  map[string]int
	}
	rows := make([]counted, len(rep.Principals))
	for i, p := range rep.Principals {
		if step != nil && i%rowsEvery == rowsEvery-1 {
			step()
		}
		typ, name, _ := strings.Cut(p.Name, "/")
		r := &AccountRow{Principal: p.Name, Name: name, Type: typ, Worst: p.Worst, Notes: p.Notes, index: i}
		c := counted{row: r, seen: map[string]bool{}, per: map[string]int{}}
		paths := map[string]bool{}
		for _, f := range rep.PrincipalFindings(p) {
			titles[f.List] = f.Title
			// A risk counts once however many policies have it.
			k := f.List + "\x00" + f.Path + "\x00" + strings.Join(f.Actions, ",") + "\x00" + f.Detail
			if !c.seen[k] {
				c.seen[k] = true
				c.per[f.List]++
			}
			if f.Path != "" && f.List == "privilege-escalation" {
				paths[f.Path] = true
			}
		}
		for id := range paths {
			r.Paths = append(r.Paths, id)
		}
		sort.Strings(r.Paths)
		rows[i] = c
	}
	// Columns: the built-in lists in their order, then the others by id.
	for _, id := range categoryOrder {
		if _, ok := titles[id]; ok {
			a.Categories = append(a.Categories, id)
		}
	}
	var extra []string
	for id := range titles {
		if !contains(categoryOrder, id) {
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	a.Categories = append(a.Categories, extra...)
	for i, id := range a.Categories {
		a.columns[id] = i
		t := titles[id]
		if t == "" {
			t = id
		}
		a.CategoryTitles = append(a.CategoryTitles, t)
	}
	a.Rows = make([]AccountRow, len(rows))
	for i, c := range rows {
		c.row.Counts = make([]int, len(a.Categories))
		for id, n := range c.per {
			c.row.Counts[a.columns[id]] = n
			c.row.Total += n
		}
		a.Rows[i] = *c.row
		a.byName[c.row.Principal] = i
	}
	return a
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Summary sums the account up for the top of the panel: "1,000
// principals (350 users, 50 groups, 600 roles): 12 critical, 40 high, 3
// medium, 900 with no findings".
func (a *Account) Summary() string {
	types := map[string]int{}
	worst := map[audit.Severity]int{}
	for _, r := range a.Rows {
		types[r.Type]++
		worst[r.Worst]++
	}
	var parts []string
	for _, t := range []string{"user", "group", "role"} {
		if n := types[t]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %s", thousands(n), plural(n, t, t+"s")))
		}
	}
	s := fmt.Sprintf("%s %s", thousands(len(a.Rows)), plural(len(a.Rows), "principal", "principals"))
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	var sev []string
	for _, v := range []audit.Severity{audit.SeverityCritical, audit.SeverityHigh, audit.SeverityMedium, audit.SeverityLow} {
		if n := worst[v]; n > 0 {
			sev = append(sev, fmt.Sprintf("%s at worst %s", thousands(n), v))
		}
	}
	if n := worst[""]; n > 0 {
		sev = append(sev, fmt.Sprintf("%s with no findings", thousands(n)))
	}
	if len(sev) > 0 {
		s += ": " + strings.Join(sev, ", ")
	}
	return s
}

// thousands writes n with thousands separators: 12,345.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// AccountQuery selects, orders and pages the account table.
type AccountQuery struct {
	// Filter keeps rows whose principal or escalation paths contain it
	// (any case); "" keeps all.
	Filter string
	// Type keeps one type of principal: "user", "group" or "role" ("":
	// all).
	Type string
	// MinSeverity keeps rows whose worst risk is at least this one
	// ("critical", "high", "medium", "low"; "": all, also those without
	// findings).
	MinSeverity audit.Severity
	// Sort is the column: "principal", "type", "worst" (the default: the
	// report's order, worst first), "paths", "total" or a category id;
	// Desc reverses it.
	Sort string
	Desc bool
	// Offset and Limit page the rows (Limit 0: all).
	Offset, Limit int
}

// AccountPage is what a query shows.
type AccountPage struct {
	// Rows are the page's rows.
	Rows []AccountRow
	// Matching is how many rows match the filters (all pages); Offset is
	// the first row shown, clamped to the rows there are.
	Matching, Offset int
}

var severityRank = map[audit.Severity]int{audit.SeverityCritical: 4, audit.SeverityHigh: 3, audit.SeverityMedium: 2, audit.SeverityLow: 1}

// Query filters, sorts and pages the rows; ties keep the report's order,
// so the result is the same for the same query.
func (a *Account) Query(q AccountQuery) AccountPage {
	filter := strings.ToLower(strings.TrimSpace(q.Filter))
	minRank := severityRank[q.MinSeverity]
	var idx []int
	for i := range a.Rows {
		r := &a.Rows[i]
		if q.Type != "" && r.Type != q.Type {
			continue
		}
		if minRank > 0 && severityRank[r.Worst] < minRank {
			continue
		}
		if filter != "" && !strings.Contains(strings.ToLower(r.Principal), filter) && !containsFold(r.Paths, filter) {
			continue
		}
		idx = append(idx, i)
	}
	key := a.sortKey(q.Sort)
	if key != nil {
		sort.SliceStable(idx, func(i, j int) bool {
			c := key(&a.Rows[idx[i]], &a.Rows[idx[j]])
			if q.Desc {
				return c > 0
			}
			return c < 0
		})
	} else if q.Desc {
		for i, j := 0, len(idx)-1; i < j; i, j = i+1, j-1 {
			idx[i], idx[j] = idx[j], idx[i]
		}
	}
	page := AccountPage{Matching: len(idx)}
	off := max(0, min(q.Offset, len(idx)))
	end := len(idx)
	if q.Limit > 0 {
		end = min(off+q.Limit, len(idx))
	}
	page.Offset = off
	page.Rows = make([]AccountRow, 0, end-off)
	for _, i := range idx[off:end] {
		page.Rows = append(page.Rows, a.Rows[i])
	}
	return page
}

func containsFold(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(strings.ToLower(s), sub) {
			return true
		}
	}
	return false
}

// sortKey compares two rows by a column (negative: x first in ascending
// order); nil for the report's order. Numbers sort ascending as numbers,
// so that "descending" puts the most at the top.
func (a *Account) sortKey(col string) func(x, y *AccountRow) int {
	cmpInt := func(x, y int) int { return x - y }
	switch col {
	case "", "worst":
		return nil
	case "principal":
		return func(x, y *AccountRow) int { return strings.Compare(x.Principal, y.Principal) }
	case "type":
		return func(x, y *AccountRow) int { return strings.Compare(x.Type, y.Type) }
	case "paths":
		return func(x, y *AccountRow) int { return cmpInt(len(x.Paths), len(y.Paths)) }
	case "total":
		return func(x, y *AccountRow) int { return cmpInt(x.Total, y.Total) }
	}
	if c, ok := a.columns[col]; ok {
		return func(x, y *AccountRow) int { return cmpInt(x.Counts[c], y.Counts[c]) }
	}
	return nil
}

// FindingRow is one finding of a principal, for the drill-down.
type FindingRow struct {
	// Severity, Category (the list's title) and, for an escalation path,
	// Path (its id) and Method (its name).
	Severity       audit.Severity
	Category, Path string
	Method         string
	// Actions are the actions that make the finding.
	Actions []string
	// Sources are the responsible policies and statements.
	Sources []FindingSource
	// Detail names the trusted principal of a trust-policy finding.
	Detail string
	// Why explains the risk.
	Why string
	// Unconstrained: on every resource; Conditioned: only under a
	// Condition.
	Unconstrained, Conditioned bool
}

// FindingSource is a policy and one of its statements (Sid or
// Statement[i]; "" when the finding combines whole policies).
type FindingSource struct {
	Policy, Statement string
}

// Findings lists a principal's surviving findings, worst first, with the
// policies and statements responsible; nil for an unknown principal.
func (a *Account) Findings(principal string) []FindingRow {
	i, ok := a.byName[principal]
	if !ok {
		return nil
	}
	rep := a.result.Report
	p := rep.Principals[a.Rows[i].index]
	var out []FindingRow
	for _, f := range rep.PrincipalFindings(p) {
		fr := FindingRow{Severity: f.Severity, Category: f.Title, Path: f.Path, Method: f.Method, Actions: f.Actions,
			Detail: f.Detail, Why: f.Why, Unconstrained: f.Unconstrained, Conditioned: f.Conditioned}
		if fr.Category == "" {
			fr.Category = f.List
		}
		for _, s := range f.Statements {
			pol, st, ok := strings.Cut(s, ": ")
			if !ok {
				pol, st = s, ""
			}
			fr.Sources = append(fr.Sources, FindingSource{Policy: pol, Statement: st})
		}
		out = append(out, fr)
	}
	return out
}

// Notes says what could not be applied to a principal (a boundary not in
// the input); nil for an unknown principal.
func (a *Account) Notes(principal string) []string {
	if i, ok := a.byName[principal]; ok {
		return a.Rows[i].Notes
	}
	return nil
}

// ExportFormats are the report downloads the panel offers.
var ExportFormats = []string{"csv", "sarif", "json"}

// Export renders the account's report for download: its file name
// (the input's name with -audit and the format's extension), media type
// and bytes, generated in the page.
func (a *Account) Export(format string) (name, mediaType string, data []byte, err error) {
	b, f, err := a.result.Render(format)
	if err != nil {
		return "", "", nil, err
	}
	base := strings.TrimSuffix(path.Base(strings.ReplaceAll(a.File, "\\", "/")), path.Ext(a.File))
	if base == "" || base == "." || base == "/" {
		base = "account"
	}
	return base + "-audit." + f.Name, f.MediaType, b, nil
}
