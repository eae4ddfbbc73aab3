package audit

import (
	"math/bits"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/parallel"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
	"github.com/leastpriv/policysentry/engine/policy"
)

// Options control an analysis.
type Options struct {
	// Lists are the risk lists to check; nil means the built-in lists.
	Lists []*List
	// InfrastructureModification adds the computed list of Write and
	// Permissions management actions allowed on every resource.
	InfrastructureModification bool
	// Exclusions leave out principals, policies and actions (nil: none).
	Exclusions *Exclusions
	// Progress, when set, is called as an account (authorization-details
	// input) is read and its principals evaluated, every progressEvery
	// principals, so that a front end can show a bar and yield in between.
	Progress func(Progress)
}

// Report is the analysis of one or more policy documents, and for
// authorization-details input, of the account's principals.
type Report struct {
	// Policies are the reports, one per policy document, in input order
	// (for an account: each distinct policy once).
	Policies []*PolicyReport `json:"policies" yaml:"policies"`
	// Principals are the account's users, groups and roles (only for
	// authorization-details input), worst first.
	Principals []*PrincipalReport `json:"principals,omitempty" yaml:"principals,omitempty"`

	db    *iamdb.DB
	lists []*List
}

// PolicyReport is the analysis of one policy document.
type PolicyReport struct {
	// Name identifies the document: file name, or owner and policy name.
	Name string `json:"name" yaml:"name"`
	// Error is set when the document could not be read (other fields empty).
	Error string `json:"error,omitempty" yaml:"error,omitempty"`
	// Allowed gives the actions the policy allows, by access level, in
	// read, write, list, tagging, permissions-management order. Actions
	// are compact: "service:*" stands for every action of the service at
	// that level (Count is the number of actions).
	Allowed []LevelActions `json:"allowed" yaml:"allowed"`
	// Denied lists the actions the policy denies outright (compact, as
	// in Allowed, "service:*" meaning every action of the service).
	Denied []string `json:"denied,omitempty" yaml:"denied,omitempty"`
	// Unknown lists action patterns that match nothing in the dataset.
	Unknown []Unknown `json:"unknown,omitempty" yaml:"unknown,omitempty"`
	// Ineffective lists statements that grant nothing for some of their
	// actions because no ARN of the actions' resource types matches.
	Ineffective []Ineffective `json:"ineffective,omitempty" yaml:"ineffective,omitempty"`
	// Notes say what the analysis could not decide (conditional Deny
	// statements, which are not subtracted).
	Notes []string `json:"notes,omitempty" yaml:"notes,omitempty"`
	// Findings are ranked most severe first.
	Findings []Finding `json:"findings" yaml:"findings"`
	// AttachedTo names the principals the policy belongs to or is
	// attached to (account input only).
	AttachedTo []string `json:"attached_to,omitempty" yaml:"attached_to,omitempty"`
	// AtRisk names the principals for which at least one of the policy's
	// findings survives their Deny statements and permissions boundary.
	AtRisk []string `json:"at_risk,omitempty" yaml:"at_risk,omitempty"`

	risk *riskSets // per-principal evaluation (account input)
}

// LevelActions is the allowed actions at one access level.
type LevelActions struct {
	// Level is the access level key (read, write, list, tagging, permissions-management).
	Level string `json:"level" yaml:"level"`
	// Count is the number of actions.
	Count int `json:"count" yaml:"count"`
	// Actions are "service:Action" in the dataset's casing, sorted, with
	// "service:*" for every action of a service at this level.
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

// Ineffective is a statement's Allow that reaches no resource of some of
// its actions.
type Ineffective struct {
	// Statement is the Sid, or Statement[i].
	Statement string `json:"statement" yaml:"statement"`
	// Actions are the actions granted on nothing (compact, as in Allowed).
	Actions []string `json:"actions" yaml:"actions"`
	// Count is the number of actions.
	Count int `json:"count" yaml:"count"`
}

// Finding is a risky permission.
type Finding struct {
	// List is the risk list's id, e.g. privilege-escalation.
	List string `json:"list" yaml:"list"`
	// Title is the risk list's title (in the JSON report: in the catalog).
	Title string `json:"-" yaml:"-"`
	// Severity is the list's severity, raised for grants on every resource
	// without a condition and lowered for constrained ones.
	Severity Severity `json:"severity" yaml:"severity"`
	// Path is the escalation path's id, e.g. iam-001 (privilege escalation only).
	Path string `json:"path,omitempty" yaml:"path,omitempty"`
	// Method names the privilege-escalation path (in the JSON report: in the catalog).
	Method string `json:"-" yaml:"-"`
	// Actions are the actions that make the finding, in the dataset's
	// casing (level findings: compact, "service:*" for every write and
	// permissions-management action of the service).
	Actions []string `json:"actions" yaml:"actions"`
	// Statements name the statements (Sid, or Statement[i]) that allow
	// them; across policies, "policy: statement".
	Statements []string `json:"statements" yaml:"statements"`
	// Unconstrained is true when every action is allowed on all of its
	// resources (Resource "*", or an ARN pattern that covers every ARN of
	// the action's resource types, or a NotResource that excludes none).
	Unconstrained bool `json:"unconstrained" yaml:"unconstrained"`
	// Conditioned is true when every allowing statement has a Condition.
	Conditioned bool `json:"conditioned,omitempty" yaml:"conditioned,omitempty"`
	// WildcardOnly is true when the actions accept only Resource "*":
	// they cannot be constrained by resource, only by conditions.
	WildcardOnly bool `json:"wildcard_only,omitempty" yaml:"wildcard_only,omitempty"`
	// Why explains the risk (in the JSON report: in the catalog).
	Why string `json:"-" yaml:"-"`
	// Detail says what the finding is about when the list and key do not
	// (a trust policy's principal).
	Detail string `json:"detail,omitempty" yaml:"detail,omitempty"`

	key   string  // catalog key: the action, the path id, or "levels"
	ranks []int32 // the actions, for per-principal Deny checks
	// line, column: the first named statement in the policy's source
	// (policy files only; 0 when unknown).
	line, column int
}

// grant records how one action is allowed by a document.
type grant struct {
	scope         string // the account or Region an "all" grant is limited to
	statements    []string
	unconstrained bool // some statement reaches every resource
	unconditioned bool // some statement has no condition
	best          bool // one statement does both
}

// stmtEval is an Allow statement's actions by coverage.
type stmtEval struct {
	label     string
	cond      bool
	some, all actionSet
	// scope names the account or Region the Resource patterns fix, when
	// they reach every resource only there ("" otherwise).
	scope string
}

// docEval is a document's allowed actions and how.
type docEval struct {
	// patterns are the document's Action patterns (not NotAction), the
	// candidates for compact action lists.
	patterns []string
	allows   []stmtEval
	allowed  actionSet // reached by some Allow, minus outright denies
	denied   actionSet // denied on every resource without condition
}

// Analyze analyzes policy documents.
func Analyze(db *iamdb.DB, docs []*policy.Document, opts Options) (*Report, error) {
	e, err := newRun(db, opts)
	if err != nil {
		return nil, err
	}
	r := &Report{db: db, lists: e.allLists()}
	keep := make([]*policy.Document, 0, len(docs))
	for _, d := range docs {
		if !opts.Exclusions.ExcludesPolicy(d.Name) {
			keep = append(keep, d)
		}
	}
	r.Policies = e.analyzeDocs(keep, false)
	return r, nil
}

// docsPerWorker is the fewest documents worth a goroutine of their own.
const docsPerWorker = 8

// analyzeDocs analyzes documents on the machine's cores, each worker with
// its own env (its caches are not safe for concurrent use; sets are
// numbered alike in every env), the reports placed in input order: the
// same reports, byte for byte, as one worker gives. keepRisk keeps each
// report's risk sets (an account's per-principal evaluation needs them).
func (rn *run) analyzeDocs(docs []*policy.Document, keepRisk bool) []*PolicyReport {
	out := make([]*PolicyReport, len(docs))
	workers := parallel.Workers(len(docs), docsPerWorker)
	runs := make([]*run, workers)
	runs[0] = rn
	for w := 1; w < workers; w++ {
		runs[w] = rn.fork()
	}
	parallel.Do(len(docs), workers, func(w, i int) {
		out[i] = runs[w].analyzeDoc(docs[i], keepRisk)
	})
	return out
}

// run is one analysis: the env and the lists.
type run struct {
	*env
	lists []*List
	infra *List
	excl  *Exclusions
}

func newRun(db *iamdb.DB, opts Options) (*run, error) {
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
	if opts.Exclusions != nil {
		lists = opts.Exclusions.applyToLists(lists)
		if infra != nil {
			infra = opts.Exclusions.applyToLists([]*List{infra})[0]
		}
	}
	e := newEnv(db)
	rn := &run{env: e, lists: lists, infra: infra, excl: opts.Exclusions}
	e.buildInterest(rn.allLists())
	return rn, nil
}

// fork is a run with the same lists and a fresh env, for another
// goroutine.
func (rn *run) fork() *run {
	f := &run{env: newEnv(rn.db), lists: rn.lists, infra: rn.infra, excl: rn.excl}
	f.buildInterest(f.allLists())
	return f
}

func (rn *run) allLists() []*List {
	if rn.infra == nil {
		return rn.lists
	}
	return append(append([]*List(nil), rn.lists...), rn.infra)
}

// evalDoc expands a document's statements into action sets by coverage.
func (rn *run) evalDoc(d *policy.Document, pr *PolicyReport) *docEval {
	e := rn.env
	ev := &docEval{allowed: e.tmpSet(), denied: e.tmpSet()}
	for i := range d.Statement {
		s := &d.Statement[i]
		acts := e.statementSet(s, pr)
		if acts.empty() {
			continue
		}
		if len(s.NotAction) == 0 {
			for _, p := range s.Action {
				if strings.ContainsAny(p, "*?") {
					ev.patterns = append(ev.patterns, p)
				}
			}
		}
		some, all, none := e.coverSets(acts, s)
		if s.Effect == "Deny" {
			if !s.HasCondition() {
				ev.denied.or(all)
			}
			if s.HasCondition() || !equalSets(all, some) {
				pr.Notes = append(pr.Notes, s.Label()+": a Deny with a Condition, or on some resources only, is not subtracted (the analysis is conservative: it reports what the Allow statements grant)")
			}
			continue
		}
		if none != nil && !none.empty() {
			pr.Ineffective = append(pr.Ineffective, Ineffective{Statement: s.Label(), Actions: e.compact(none, nil, nil), Count: none.count()})
		}
		ev.allows = append(ev.allows, stmtEval{label: s.Label(), cond: s.HasCondition(), some: some, all: all, scope: resourceScope(s)})
		ev.allowed.or(some)
	}
	ev.allowed.andNot(ev.denied)
	sort.Strings(ev.patterns)
	ev.patterns = dedupeSorted(ev.patterns)
	return ev
}

// grantOf says how a document allows the action of rank r (nil: not).
func (ev *docEval) grantOf(r int) *grant {
	if !ev.allowed.has(r) {
		return nil
	}
	g := &grant{}
	for i := range ev.allows {
		s := &ev.allows[i]
		if !s.some.has(r) {
			continue
		}
		g.statements = append(g.statements, s.label)
		all := s.all.has(r)
		if all && s.scope != "" && (!g.unconstrained || g.scope != "") {
			g.scope = s.scope
		} else if all {
			g.scope = ""
		}
		g.unconstrained = g.unconstrained || all
		g.unconditioned = g.unconditioned || !s.cond
		g.best = g.best || (all && !s.cond)
	}
	return g
}

// analyzeDoc analyzes one document; keepRisk keeps its per-action risk
// sets for per-principal evaluation.
func (rn *run) analyzeDoc(d *policy.Document, keepRisk bool) *PolicyReport {
	e := rn.env
	pr := &PolicyReport{Name: d.Name, Findings: []Finding{}}
	ev := rn.evalDoc(d, pr)
	if !ev.denied.empty() {
		pr.Denied = e.compact(ev.denied, nil, ev.patterns)
	}
	pr.Allowed = e.levels(ev.allowed, ev.patterns)
	grants := map[int]*grant{}
	grantOf := func(r int) *grant {
		g, ok := grants[r]
		if !ok {
			g = ev.grantOf(r)
			grants[r] = g
		}
		return g
	}
	for _, l := range rn.lists {
		pr.Findings = append(pr.Findings, rn.listFindings(l, ev, grantOf)...)
	}
	if rn.infra != nil {
		pr.Findings = append(pr.Findings, rn.listFindings(rn.infra, ev, grantOf)...)
		pr.Findings = append(pr.Findings, rn.levelFindings(rn.infra, ev)...)
	}
	if !keepRisk {
		pos := map[string][2]int{}
		for i := range d.Statement {
			pos[d.Statement[i].Label()] = [2]int{d.Statement[i].Line, d.Statement[i].Column}
		}
		for i := range pr.Findings {
			if len(pr.Findings[i].Statements) > 0 {
				p := pos[pr.Findings[i].Statements[0]]
				pr.Findings[i].line, pr.Findings[i].column = p[0], p[1]
			}
		}
	}
	sortFindings(pr.Findings)
	if keepRisk {
		pr.risk = e.riskOf(ev)
	}
	e.releaseTmp()
	return pr
}

func equalSets(a, b actionSet) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// statementSet expands a statement's Action or NotAction.
func (e *env) statementSet(s *policy.Statement, pr *PolicyReport) actionSet {
	patterns := s.Action
	if len(s.NotAction) > 0 {
		patterns = s.NotAction
	}
	set := e.tmpSet()
	for _, p := range patterns {
		if !strings.ContainsAny(p, "*?") {
			// One action: its bit, without a cached set of every
			// action's bits per distinct name (most of an account's
			// patterns are plain names).
			if acts := e.expand(p); len(acts) == 1 {
				set.add(e.rank(acts[0]))
				continue
			}
		}
		got := e.expandSet(p)
		if got == nil {
			pr.Unknown = append(pr.Unknown, Unknown{Pattern: p, Statement: s.Label(), Suggestions: e.suggestions(p)})
			continue
		}
		set.or(got)
	}
	if len(s.NotAction) > 0 {
		all := e.tmpSet()
		for i := range all {
			all[i] = ^set[i]
		}
		all.and(e.names.any)
		return all
	}
	return set
}

// coverSets splits a statement's actions by how much of their resources
// its Resource or NotResource reaches.
func (e *env) coverSets(acts actionSet, s *policy.Statement) (some, all, none actionSet) {
	patterns, not := s.Resource, false
	if len(s.NotResource) > 0 {
		patterns, not = s.NotResource, true
	}
	if !not && anyFullStar(patterns) || len(patterns) == 0 {
		// (A statement without Resource does not parse; be safe.)
		return acts, acts, nil
	}
	if not && anyFullStar(patterns) {
		return e.tmpSet(), e.tmpSet(), acts
	}
	some, all = e.tmpSet(), e.tmpSet()
	acts.each(func(r int) {
		switch e.resourceCoverage(e.names.byRank[r], patterns, not) {
		case CoverAll:
			all.add(r)
			some.add(r)
		case CoverSome:
			some.add(r)
		default:
			if none == nil {
				none = e.tmpSet()
			}
			none.add(r)
		}
	})
	return some, all, none
}

// resourceScope names the accounts and Regions a statement's Resource
// patterns fix, e.g. "account 123456789012" ("" for "*" or none).
func resourceScope(s *policy.Statement) string {
	if len(s.NotResource) > 0 || anyFullStar(s.Resource) {
		return ""
	}
	var scopes []string
	for _, p := range s.Resource {
		if sc := scopeOf(p); sc != "" {
			scopes = appendUnique(scopes, sc)
		}
	}
	return strings.Join(scopes, "; ")
}

func anyFullStar(ps []string) bool {
	for _, p := range ps {
		if strings.Trim(p, "*") == "" {
			return true
		}
	}
	return false
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

// listFindings checks one risk list against a document's grants.
func (rn *run) listFindings(l *List, ev *docEval, grantOf func(int) *grant) []Finding {
	e := rn.env
	var out []Finding
	for _, m := range e.methodsOf(l) {
		ok := true
		for _, r := range m.ranks {
			if r < 0 || !ev.allowed.has(r) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		acts := make([]string, len(m.ranks))
		gs := make([]*grant, len(m.ranks))
		ranks := make([]int32, len(m.ranks))
		for i, r := range m.ranks {
			acts[i], gs[i], ranks[i] = e.name(e.names.byRank[r]), grantOf(r), int32(r)
		}
		f := newFinding(l, m.Name, m.Why, acts, gs, false)
		f.Path, f.key, f.ranks = m.ID, m.ID, ranks
		out = append(out, f)
	}
	named := e.namedSet(l)
	for w := range named {
		hit := named[w] & ev.allowed[w]
		for hit != 0 {
			b := bits.TrailingZeros64(hit)
			hit &= hit - 1
			r := w<<6 | b
			a := e.names.byRank[r]
			for _, ei := range e.entriesOf(l)[r] {
				entry := l.Actions[ei]
				f := newFinding(l, "", entry.Why, []string{e.name(a)}, []*grant{grantOf(r)}, a.WildcardOnly())
				f.key, f.ranks = entry.Action, []int32{int32(r)}
				out = append(out, f)
			}
		}
	}
	return out
}

func newFinding(l *List, method, why string, acts []string, gs []*grant, wildcardOnly bool) Finding {
	f := Finding{List: l.ID, Title: l.Title, Method: method, Actions: acts, Why: why,
		Unconstrained: true, Conditioned: true, WildcardOnly: wildcardOnly}
	best := true
	for _, g := range gs {
		for _, s := range g.statements {
			f.Statements = appendUnique(f.Statements, s)
		}
		f.Unconstrained = f.Unconstrained && g.unconstrained
		f.Conditioned = f.Conditioned && !g.unconditioned
		best = best && g.best
	}
	if f.Unconstrained {
		for _, g := range gs {
			if g.scope != "" {
				f.Detail = "every resource in " + g.scope
			}
		}
	}
	f.Severity = l.Severity
	switch {
	case wildcardOnly && !f.Conditioned:
		// Resource "*" is the only way to grant it: the list's severity.
	case wildcardOnly:
		f.Severity = l.Severity.lower()
	case best && f.Unconstrained && !f.Conditioned:
		f.Severity = l.Severity.higher()
	case !f.Unconstrained && f.Conditioned:
		f.Severity = l.Severity.lower().lower()
	case !f.Unconstrained || f.Conditioned || !best:
		f.Severity = l.Severity.lower()
	}
	if f.Severity == "" {
		f.Severity = SeverityLow
	}
	return f
}

// levelFindings applies a list's level rule: actions at its access levels
// allowed on every resource without a condition, leaving out the actions
// the list names one by one and the actions that accept only Resource
// "*" (they cannot be constrained by resource). One finding per
// document, its actions compact ("service:*" for every such action of a
// service).
func (rn *run) levelFindings(l *List, ev *docEval) []Finding {
	e := rn.env
	if l.Levels == nil {
		return nil
	}
	mask := e.levelRuleMask(l)
	broad := e.tmpSet()
	var stmts []string
	for i := range ev.allows {
		s := &ev.allows[i]
		if s.cond {
			continue
		}
		before := broad.count()
		for w := range broad {
			broad[w] |= s.all[w] & mask[w] & ev.allowed[w]
		}
		if broad.count() > before {
			stmts = append(stmts, s.label)
		}
	}
	if broad.empty() {
		return nil
	}
	var ranks []int32
	broad.each(func(r int) { ranks = append(ranks, int32(r)) })
	sort.Strings(stmts)
	return []Finding{{List: l.ID, Title: l.Title, Severity: l.Levels.Severity, Actions: e.compact(broad, mask, ev.patterns),
		Statements: stmts, Unconstrained: true, Why: l.Levels.Why, key: "levels", ranks: ranks}}
}

func sortFindings(fs []Finding) {
	order := map[string]int{"privilege-escalation": 0, "trust": 0, "resource-exposure": 1, "credentials-exposure": 2, "data-exfiltration": 3, "infrastructure-modification": 5}
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
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return strings.Join(a.Actions, ",") < strings.Join(b.Actions, ",")
	})
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
