package audit

import (
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
	"github.com/leastpriv/policysentry/engine/policy"
)

// Options control an analysis.
type Options struct {
	// Lists are the risk lists to check; nil means the built-in lists.
	Lists []*List
	// InfrastructureModification adds the computed list of Write and
	// Permissions management actions allowed on Resource "*".
	InfrastructureModification bool
}

// Report is the analysis of one or more policy documents.
type Report struct {
	// Policies are the reports, one per policy document, in input order.
	Policies []*PolicyReport `json:"policies" yaml:"policies"`
}

// PolicyReport is the analysis of one policy document.
type PolicyReport struct {
	// Name identifies the document: file name, or owner and policy name.
	Name string `json:"name" yaml:"name"`
	// Error is set when the document could not be read (other fields empty).
	Error string `json:"error,omitempty" yaml:"error,omitempty"`
	// Allowed lists the actions the policy allows, by access level, in
	// read, write, list, tagging, permissions-management order.
	Allowed []LevelActions `json:"allowed" yaml:"allowed"`
	// Denied lists the actions the policy denies outright.
	Denied []string `json:"denied,omitempty" yaml:"denied,omitempty"`
	// Unknown lists action patterns that match nothing in the dataset.
	Unknown []Unknown `json:"unknown,omitempty" yaml:"unknown,omitempty"`
	// Findings are ranked most severe first.
	Findings []Finding `json:"findings" yaml:"findings"`
}

// LevelActions is the allowed actions at one access level.
type LevelActions struct {
	// Level is the access level key (read, write, list, tagging, permissions-management).
	Level string `json:"level" yaml:"level"`
	// Actions are "service:Action" in the dataset's casing, sorted.
	Actions []string `json:"actions" yaml:"actions"`
}

// Unknown is an action pattern that matches no action.
type Unknown struct {
	// Pattern is the action or pattern as written in the policy.
	Pattern string `json:"pattern" yaml:"pattern"`
	// Statement is the Sid, or Statement[i].
	Statement string `json:"statement" yaml:"statement"`
	// Suggestions are the nearest real actions or services.
	Suggestions []string `json:"suggestions,omitempty" yaml:"suggestions,omitempty"`
}

// Finding is a risky permission.
type Finding struct {
	// List is the risk list's id, e.g. privilege-escalation.
	List string `json:"list" yaml:"list"`
	// Title is the risk list's title.
	Title string `json:"title" yaml:"title"`
	// Severity is the list's severity, raised for grants on * without a condition and lowered for constrained ones.
	Severity Severity `json:"severity" yaml:"severity"`
	// Method names the privilege-escalation method, when there is one.
	Method string `json:"method,omitempty" yaml:"method,omitempty"`
	// Actions are the actions that make the finding, in the dataset's casing.
	Actions []string `json:"actions" yaml:"actions"`
	// Statements name the statements (Sid, or Statement[i]) that allow them.
	Statements []string `json:"statements" yaml:"statements"`
	// Unconstrained is true when the actions are allowed on Resource "*"
	// (or through NotResource).
	Unconstrained bool `json:"unconstrained" yaml:"unconstrained"`
	// Conditioned is true when every allowing statement has a Condition.
	Conditioned bool `json:"conditioned" yaml:"conditioned"`
	// Why explains the risk.
	Why string `json:"why" yaml:"why"`
}

// grant records how one action is allowed.
type grant struct {
	statements    []string
	unconstrained bool
	unconditioned bool
}

// Analyze analyzes policy documents.
func Analyze(db *iamdb.DB, docs []*policy.Document, opts Options) (*Report, error) {
	lists := opts.Lists
	if lists == nil {
		var err error
		if lists, err = BuiltinLists(); err != nil {
			return nil, err
		}
	}
	var infra *List
	if opts.InfrastructureModification {
		var err error
		if infra, err = InfrastructureModificationList(); err != nil {
			return nil, err
		}
	}
	e := newEnv(db)
	r := &Report{Policies: []*PolicyReport{}}
	for _, d := range docs {
		r.Policies = append(r.Policies, analyzeDoc(e, d, lists, infra))
	}
	return r, nil
}

func analyzeDoc(e *env, d *policy.Document, lists []*List, infra *List) *PolicyReport {
	pr := &PolicyReport{Name: d.Name, Findings: []Finding{}}
	allowed := map[*iamdb.Action]*grant{}
	denied := map[*iamdb.Action]bool{}
	for i := range d.Statement {
		s := &d.Statement[i]
		acts := statementActions(e, s, pr)
		if s.Effect == "Deny" {
			if isStar(s.Resource) && len(s.NotResource) == 0 && !s.HasCondition() {
				for _, a := range acts {
					denied[a] = true
				}
			}
			continue
		}
		unconstrained := isStar(s.Resource) || len(s.NotResource) > 0
		for _, a := range acts {
			g := allowed[a]
			if g == nil {
				g = &grant{}
				allowed[a] = g
			}
			g.statements = appendUnique(g.statements, s.Label())
			g.unconstrained = g.unconstrained || unconstrained
			g.unconditioned = g.unconditioned || !s.HasCondition()
		}
	}
	deniedList := make([]*iamdb.Action, 0, len(denied))
	for a := range denied {
		delete(allowed, a)
		deniedList = append(deniedList, a)
	}
	pr.Denied = e.sortedNames(deniedList)
	if len(pr.Denied) == 0 {
		pr.Denied = nil
	}
	byLevel := map[iamdb.AccessLevel][]*iamdb.Action{}
	for a := range allowed {
		byLevel[a.AccessLevel] = append(byLevel[a.AccessLevel], a)
	}
	for _, l := range iamdb.AccessLevels {
		pr.Allowed = append(pr.Allowed, LevelActions{Level: l.Key(), Actions: e.sortedNames(byLevel[l])})
	}
	for _, l := range lists {
		pr.Findings = append(pr.Findings, listFindings(e, l, allowed)...)
	}
	if infra != nil {
		pr.Findings = append(pr.Findings, listFindings(e, infra, allowed)...)
		pr.Findings = append(pr.Findings, levelFindings(e, infra, allowed)...)
	}
	sortFindings(pr.Findings)
	return pr
}

// statementActions expands a statement's Action or NotAction.
func statementActions(e *env, s *policy.Statement, pr *PolicyReport) []*iamdb.Action {
	db := e.db
	set := map[*iamdb.Action]bool{}
	patterns := s.Action
	if len(s.NotAction) > 0 {
		patterns = s.NotAction
	}
	for _, p := range patterns {
		got := e.expand(p)
		if len(got) == 0 {
			pr.Unknown = append(pr.Unknown, Unknown{Pattern: p, Statement: s.Label(), Suggestions: e.suggestions(p)})
		}
		for _, a := range got {
			set[a] = true
		}
	}
	if len(s.NotAction) == 0 {
		return keys(set)
	}
	var out []*iamdb.Action
	for _, svc := range db.Services {
		for _, a := range svc.Actions() {
			if !set[a] {
				out = append(out, a)
			}
		}
	}
	return out
}

func suggestAction(db *iamdb.DB, p string) []string {
	prefix, _, ok := strings.Cut(p, ":")
	if !ok {
		return nil
	}
	svc := db.Service(prefix)
	if svc == nil {
		return suggest.Nearest(prefix, db.Prefixes(), 3)
	}
	var names []string
	for _, a := range svc.Actions() {
		names = append(names, a.FullName())
	}
	return suggest.Nearest(p, names, 3)
}

// listFindings checks one risk list against the allowed actions.
func listFindings(e *env, l *List, allowed map[*iamdb.Action]*grant) []Finding {
	db := e.db
	var out []Finding
	for _, m := range l.Methods {
		var acts []string
		var gs []*grant
		ok := true
		for _, name := range m.Actions {
			a := db.Action(name)
			g := allowed[a]
			if a == nil || g == nil {
				ok = false
				break
			}
			acts = append(acts, e.name(a))
			gs = append(gs, g)
		}
		if ok {
			out = append(out, newFinding(l, m.Name, m.Why, acts, gs))
		}
	}
	for _, entry := range l.Actions {
		for _, a := range e.expandSorted(entry.Action) {
			if g := allowed[a]; g != nil {
				out = append(out, newFinding(l, "", entry.Why, []string{e.name(a)}, []*grant{g}))
			}
		}
	}
	return out
}

func newFinding(l *List, method, why string, acts []string, gs []*grant) Finding {
	f := Finding{List: l.ID, Title: l.Title, Method: method, Actions: acts, Why: why,
		Unconstrained: true, Conditioned: true}
	for _, g := range gs {
		for _, s := range g.statements {
			f.Statements = appendUnique(f.Statements, s)
		}
		f.Unconstrained = f.Unconstrained && g.unconstrained
		f.Conditioned = f.Conditioned && !g.unconditioned
	}
	f.Severity = l.Severity
	switch {
	case f.Unconstrained && !f.Conditioned:
		f.Severity = l.Severity.higher()
	case !f.Unconstrained && f.Conditioned:
		f.Severity = l.Severity.lower().lower()
	case !f.Unconstrained || f.Conditioned:
		f.Severity = l.Severity.lower()
	}
	if f.Severity == "" {
		f.Severity = SeverityLow
	}
	return f
}

// levelFindings applies a list's level rule: actions at its access levels
// allowed on Resource "*" without a condition, one finding per service,
// leaving out the actions the list names one by one.
func levelFindings(e *env, l *List, allowed map[*iamdb.Action]*grant) []Finding {
	if l.Levels == nil {
		return nil
	}
	levels := map[iamdb.AccessLevel]bool{}
	for _, name := range l.Levels.Levels {
		if lv, err := iamdb.ParseAccessLevel(name); err == nil {
			levels[lv] = true
		}
	}
	named := e.named(l)
	bySvc := map[string][]string{}
	stmts := map[string][]string{}
	for a, g := range allowed {
		if !g.unconstrained || !g.unconditioned || !levels[a.AccessLevel] || named[a] {
			continue
		}
		p := a.Service.Prefix
		bySvc[p] = append(bySvc[p], e.name(a))
		for _, s := range g.statements {
			stmts[p] = appendUnique(stmts[p], s)
		}
	}
	var out []Finding
	for _, p := range sortedKeysOf(bySvc) {
		acts := bySvc[p]
		sort.Strings(acts)
		sort.Strings(stmts[p])
		out = append(out, Finding{List: l.ID, Title: l.Title, Severity: l.Levels.Severity, Actions: acts,
			Statements: stmts[p], Unconstrained: true, Why: p + ": " + l.Levels.Why})
	}
	return out
}

func sortFindings(fs []Finding) {
	order := map[string]int{"privilege-escalation": 0, "resource-exposure": 1, "credentials-exposure": 2, "data-exfiltration": 3, "infrastructure-modification": 5}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if severityRank[a.Severity] != severityRank[b.Severity] {
			return severityRank[a.Severity] > severityRank[b.Severity]
		}
		oa, ok := order[a.List]
		if !ok {
			oa = 4
		}
		ob, ok := order[b.List]
		if !ok {
			ob = 4
		}
		if oa != ob {
			return oa < ob
		}
		if a.Method != b.Method {
			return a.Method < b.Method
		}
		return strings.Join(a.Actions, ",") < strings.Join(b.Actions, ",")
	})
}

func isStar(rs []string) bool {
	for _, r := range rs {
		if r == "*" {
			return true
		}
	}
	return false
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func keys(m map[*iamdb.Action]bool) []*iamdb.Action {
	out := make([]*iamdb.Action, 0, len(m))
	for a := range m {
		out = append(out, a)
	}
	return out
}

func sortedKeysOf(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
