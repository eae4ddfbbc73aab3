package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
)

// PrincipalReport is one user, group or role of an account: the policies
// that apply to it and what survives its Deny statements and permissions
// boundary. Its findings are its policies' findings minus Suppressed,
// plus Findings (escalation paths completed only across policies, and
// the role's trust policy); Report.PrincipalFindings lists them all.
type PrincipalReport struct {
	// Name is "user/alice", "group/admins" or "role/app".
	Name string `json:"name" yaml:"name"`
	// Policies are indexes into Report.Policies: inline, attached and,
	// for a user, its groups' policies.
	Policies []int `json:"policies" yaml:"policies"`
	// Groups are a user's groups.
	Groups []string `json:"groups,omitempty" yaml:"groups,omitempty"`
	// Boundary is the permissions boundary's index in Report.Policies
	// (absent: none, or not in the input, see Notes).
	Boundary *int `json:"boundary,omitempty" yaml:"boundary,omitempty"`
	// Suppressed are the policy findings that the principal's Deny
	// statements or boundary remove.
	Suppressed []FindingRef `json:"suppressed,omitempty" yaml:"suppressed,omitempty"`
	// Findings are the principal's own findings: escalation paths that
	// need several of its policies, and trust-policy findings.
	Findings []Finding `json:"findings,omitempty" yaml:"findings,omitempty"`
	// Worst is the most severe surviving finding ("" if none).
	Worst Severity `json:"worst,omitempty" yaml:"worst,omitempty"`
	// Counts are the surviving risks per severity (critical, high,
	// medium, low): a list entry or path counts once however many of the
	// principal's policies have it.
	Counts [4]int `json:"counts" yaml:"counts"`
	// Notes say what could not be applied (a boundary not in the input).
	Notes []string `json:"notes,omitempty" yaml:"notes,omitempty"`
}

// FindingRef points at a policy's finding: Report.Policies[Policy].Findings[Finding].
type FindingRef struct {
	Policy  int `json:"policy" yaml:"policy"`
	Finding int `json:"finding" yaml:"finding"`
}

// MarshalJSON writes a FindingRef as [policy, finding].
func (f FindingRef) MarshalJSON() ([]byte, error) {
	return []byte("[" + strconv.Itoa(f.Policy) + "," + strconv.Itoa(f.Finding) + "]"), nil
}

// PrincipalFindings lists every surviving finding of a principal: its
// policies' findings not suppressed (Statements prefixed with the policy
// name), then its own; ranked most severe first.
func (r *Report) PrincipalFindings(p *PrincipalReport) []Finding {
	sup := map[FindingRef]bool{}
	for _, s := range p.Suppressed {
		sup[s] = true
	}
	var out []Finding
	for _, pi := range p.Policies {
		pr := r.Policies[pi]
		for fi, f := range pr.Findings {
			if sup[FindingRef{pi, fi}] {
				continue
			}
			g := f
			g.Statements = make([]string, len(f.Statements))
			for i, s := range f.Statements {
				g.Statements[i] = pr.Name + ": " + s
			}
			out = append(out, g)
		}
	}
	out = append(out, p.Findings...)
	sortFindings(out)
	return out
}

// IsAuthorizationDetails reports whether src looks like the output of
// `aws iam get-account-authorization-details` (cheaply: by its keys).
func IsAuthorizationDetails(src []byte) bool {
	head := src
	if len(head) > 4096 {
		head = head[:4096]
	}
	for _, k := range []string{`"UserDetailList"`, `"GroupDetailList"`, `"RoleDetailList"`} {
		if bytes.Contains(head, []byte(k)) {
			return true
		}
	}
	return false
}

// AnalyzeAccount analyzes `aws iam get-account-authorization-details`
// output per principal: every distinct policy once (Report.Policies),
// then each user (with its groups' policies), group and role: Deny
// statements subtracted across all its policies (only Denies without a
// Condition that cover every resource of an action; conditional Denies
// are not subtracted, which is conservative), its permissions boundary
// applied, escalation paths completed across policies, and each role's
// trust policy assessed.
func AnalyzeAccount(db *iamdb.DB, src []byte, name string, opts Options) (*Report, error) {
	rn, err := newRun(db, opts)
	if err != nil {
		return nil, err
	}
	a := &account{run: rn, byContent: map[string]int{}, byArn: map[string]int{}, file: name,
		progress: opts.Progress, size: len(src),
		rep: &Report{Policies: []*PolicyReport{}, db: db, lists: rn.allLists()}}
	if err := a.read(src); err != nil {
		return nil, err
	}
	return a.analyze()
}

// Progress says how far an account analysis has come, for a front end's
// progress bar: Options.Progress receives it every progressEvery
// principals while the input is read, then while they are evaluated.
type Progress struct {
	// Read and Size are the bytes of input read so far and in all.
	Read, Size int
	// Principals is the number of principals read so far (all of them
	// once reading is over).
	Principals int
	// Done is the number of principals evaluated (0 while reading).
	Done int
}

// Fraction is the share of the work done, from 0 to 1: reading (which
// parses and analyses each distinct policy) counts for the first half,
// evaluating the principals for the second.
func (p Progress) Fraction() float64 {
	f := 0.0
	if p.Size > 0 {
		f = 0.5 * float64(p.Read) / float64(p.Size)
	}
	if p.Principals > 0 {
		f += 0.5 * float64(p.Done) / float64(p.Principals)
	}
	return min(f, 1)
}

// progressEvery is how many principals are read or evaluated between
// progress reports (managed policies too, while reading): small enough
// for a page that yields at each report to stay responsive.
const progressEvery = 32

type account struct {
	*run
	file      string
	rep       *Report
	byContent map[string]int // document text -> policy index
	byArn     map[string]int // managed policy ARN -> policy index
	memo      map[string]*evalResult
	// order ranks each policy by where it first appears in the order the
	// report lists policies: managed policies, then the inline policies of
	// groups, users and roles (input order within each).
	order []policyRank
	// What reading collected, resolved once every policy is known.
	groups, users, roles []*pendingPrincipal
	pending              []pendingDoc // documents read but not yet analysed
	progress             func(Progress)
	size, readBytes      int
}

// policyRank is a policy's place in the report: list (0 managed, 1
// groups, 2 users, 3 roles), element, policy within the element.
type policyRank [3]int

func (r policyRank) less(o policyRank) bool {
	for i := range r {
		if r[i] != o[i] {
			return r[i] < o[i]
		}
	}
	return false
}

// pendingPrincipal is a principal as read: its inline policies analysed
// (indexes), its managed policies and groups still names.
type pendingPrincipal struct {
	principalIn
	name     string // user, group or role name
	inline   []int
	attached []string // managed policy ARNs
	trustFs  []Finding
}

// policyIndex analyzes a document once per distinct text and returns its
// index in the report; -1 when excluded.
func (a *account) policyIndex(raw json.RawMessage, docName, path string, rank policyRank) (int, error) {
	if a.excl.ExcludesPolicy(docName) {
		return -1, nil
	}
	text, err := documentText(raw)
	if err != nil {
		return 0, &docError{path: path, err: err}
	}
	if i, ok := a.byContent[string(text)]; ok {
		if rank.less(a.order[i]) {
			// The report names a shared document after its first place.
			a.order[i] = rank
			a.rep.Policies[i].Name = docName
		}
		return i, nil
	}
	d, err := policy.Parse(text, docName)
	if err != nil {
		return 0, &docError{path: path, err: err}
	}
	var pr *PolicyReport
	if a.progress == nil {
		// Without a progress bar to feed, documents are analysed after
		// reading, on every core (analyzePending).
		pr = &PolicyReport{Name: docName}
		a.pending = append(a.pending, pendingDoc{pr, d})
	} else {
		pr = a.analyzeDoc(d, true)
	}
	a.rep.Policies = append(a.rep.Policies, pr)
	a.order = append(a.order, rank)
	i := len(a.rep.Policies) - 1
	a.byContent[string(text)] = i
	return i, nil
}

// documentText returns a policy document's JSON, decoding the string
// forms (plain or URL-encoded) AWS returns.
func documentText(raw json.RawMessage) ([]byte, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return nil, fmt.Errorf("no policy document")
	}
	if t[0] != '"' {
		return t, nil
	}
	var s string
	if err := json.Unmarshal(t, &s); err != nil {
		return nil, err
	}
	if strings.HasPrefix(s, "%7B") || strings.HasPrefix(s, "%7b") || strings.Contains(s, "%22") {
		dec, err := url.QueryUnescape(s)
		if err != nil {
			return nil, fmt.Errorf("the URL-encoded policy document cannot be decoded: %v", err)
		}
		s = dec
	}
	return []byte(s), nil
}

type principalIn struct {
	kind, name, arn string
	policies        []int
	groups          []string
	boundaryArn     string
	trust           json.RawMessage
}

func (a *account) report(done int) {
	if a.progress != nil {
		n := len(a.groups) + len(a.users) + len(a.roles)
		a.progress(Progress{Read: a.readBytes, Size: a.size, Principals: n, Done: done})
	}
}

// read streams the input: each managed policy's default version and each
// principal's inline policies are analysed as they come (each distinct
// document once); attachments and groups are kept as names.
func (a *account) read(src []byte) error {
	inline := func(list []inlinePolicy, owner, path string, rank policyRank) ([]int, error) {
		var out []int
		for j, ip := range list {
			rank[2] = j
			i, err := a.policyIndex(ip.PolicyDocument, owner+" inline policy "+ip.PolicyName, fmt.Sprintf("%s[%d].PolicyDocument", path, j), rank)
			if err != nil {
				return nil, err
			}
			if i >= 0 {
				out = append(out, i)
			}
		}
		return out, nil
	}
	arns := func(list []attachedPolicy) []string {
		out := make([]string, len(list))
		for i, ap := range list {
			out[i] = ap.PolicyArn
		}
		return out
	}
	read := func(n int) {
		a.readBytes = n
		if (len(a.groups)+len(a.users)+len(a.roles))%progressEvery == 0 {
			a.report(0)
		}
	}
	v := authVisitor{
		policy: func(i int, p *authPolicy, n int) error {
			for j, ver := range p.PolicyVersionList {
				if !ver.IsDefaultVersion && ver.VersionId != p.DefaultVersionId {
					continue
				}
				name := fmt.Sprintf("policy/%s (%s)", p.PolicyName, ver.VersionId)
				idx, err := a.policyIndex(ver.Document, name, fmt.Sprintf("$.Policies[%d].PolicyVersionList[%d].Document", i, j), policyRank{0, i})
				if err != nil {
					return err
				}
				if idx >= 0 {
					a.byArn[p.Arn] = idx
				}
				break
			}
			a.readBytes = n
			if i%progressEvery == progressEvery-1 {
				a.report(0)
			}
			return nil
		},
		group: func(i int, g *authGroup, n int) error {
			owner := "group/" + g.GroupName
			in, err := inline(g.GroupPolicyList, owner, fmt.Sprintf("$.GroupDetailList[%d].GroupPolicyList", i), policyRank{1, i})
			if err != nil {
				return err
			}
			a.groups = append(a.groups, &pendingPrincipal{principalIn: principalIn{kind: "group", name: owner, arn: g.Arn},
				name: g.GroupName, inline: in, attached: arns(g.AttachedManagedPolicies)})
			read(n)
			return nil
		},
		user: func(i int, u *authUser, n int) error {
			owner := "user/" + u.UserName
			in, err := inline(u.UserPolicyList, owner, fmt.Sprintf("$.UserDetailList[%d].UserPolicyList", i), policyRank{2, i})
			if err != nil {
				return err
			}
			p := &pendingPrincipal{principalIn: principalIn{kind: "user", name: owner, arn: u.Arn, groups: u.GroupList},
				name: u.UserName, inline: in, attached: arns(u.AttachedManagedPolicies)}
			if u.PermissionsBoundary != nil {
				p.boundaryArn = u.PermissionsBoundary.PermissionsBoundaryArn
			}
			a.users = append(a.users, p)
			read(n)
			return nil
		},
		role: func(i int, r *authRole, n int) error {
			owner := "role/" + r.RoleName
			in, err := inline(r.RolePolicyList, owner, fmt.Sprintf("$.RoleDetailList[%d].RolePolicyList", i), policyRank{3, i})
			if err != nil {
				return err
			}
			p := &pendingPrincipal{principalIn: principalIn{kind: "role", name: owner, arn: r.Arn},
				name: r.RoleName, inline: in, attached: arns(r.AttachedManagedPolicies)}
			if r.PermissionsBoundary != nil {
				p.boundaryArn = r.PermissionsBoundary.PermissionsBoundaryArn
			}
			// The trust policy is assessed now, so that its text is not kept.
			if len(r.AssumeRolePolicyDocument) > 0 && !a.excl.ExcludesPrincipal("role", r.RoleName) {
				p.trust = r.AssumeRolePolicyDocument
				fs, err := a.trustFindings(p.principalIn)
				if err != nil {
					return err
				}
				p.trust, p.trustFs = nil, fs
			}
			a.roles = append(a.roles, p)
			read(n)
			return nil
		},
	}
	return decodeAuthDetails(src, a.file, v)
}

// renumber puts the policies in report order (managed, then groups',
// users' and roles' inline policies, each in input order) whatever the
// order of the lists in the input, and remaps every index held.
func (a *account) renumber() {
	n := len(a.rep.Policies)
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	sort.SliceStable(perm, func(i, j int) bool { return a.order[perm[i]].less(a.order[perm[j]]) })
	newIdx := make([]int, n)
	pols := make([]*PolicyReport, n)
	for to, from := range perm {
		newIdx[from] = to
		pols[to] = a.rep.Policies[from]
	}
	a.rep.Policies = pols
	for k, i := range a.byArn {
		a.byArn[k] = newIdx[i]
	}
	for _, list := range [][]*pendingPrincipal{a.groups, a.users, a.roles} {
		for _, p := range list {
			for j, i := range p.inline {
				p.inline[j] = newIdx[i]
			}
		}
	}
	a.byContent, a.order = nil, nil
}

// pendingDoc is a distinct document whose analysis waits for the end of
// reading: its report, already in the report's list, and the document.
type pendingDoc struct {
	pr  *PolicyReport
	doc *policy.Document
}

// analyzePending analyses the documents reading left pending on the
// machine's cores and fills in their reports: the same reports as when
// each is analysed as it is read. The name a report took while reading
// (a shared document is named after its first place) is kept.
func (a *account) analyzePending() {
	docs := make([]*policy.Document, len(a.pending))
	for i, p := range a.pending {
		docs[i] = p.doc
	}
	for i, pr := range a.analyzeDocs(docs, true) {
		name := a.pending[i].pr.Name
		*a.pending[i].pr = *pr
		a.pending[i].pr.Name = name
	}
	a.pending = nil
}

func (a *account) analyze() (*Report, error) {
	a.analyzePending()
	a.renumber()
	attached := func(p *pendingPrincipal) []int {
		out := p.inline
		for _, i := range out {
			a.rep.Policies[i].AttachedTo = append(a.rep.Policies[i].AttachedTo, p.principalIn.name)
		}
		for _, arn := range p.attached {
			if i, ok := a.byArn[arn]; ok {
				out = append(out, i)
				a.rep.Policies[i].AttachedTo = append(a.rep.Policies[i].AttachedTo, p.principalIn.name)
			}
		}
		return out
	}
	groupPolicies := map[string][]int{}
	var ps []principalIn
	var trust [][]Finding
	for _, g := range a.groups {
		g.policies = attached(g)
		groupPolicies[g.name] = g.policies
		if !a.excl.ExcludesPrincipal("group", g.name) {
			ps = append(ps, g.principalIn)
			trust = append(trust, nil)
		}
	}
	for _, u := range a.users {
		u.policies = attached(u)
		for _, g := range u.groups {
			u.policies = append(u.policies, groupPolicies[g]...)
		}
		if !a.excl.ExcludesPrincipal("user", u.name) {
			ps = append(ps, u.principalIn)
			trust = append(trust, nil)
		}
	}
	for _, r := range a.roles {
		r.policies = attached(r)
		if !a.excl.ExcludesPrincipal("role", r.name) {
			ps = append(ps, r.principalIn)
			trust = append(trust, r.trustFs)
		}
	}
	a.groups, a.users, a.roles = nil, nil, nil
	for _, pr := range a.rep.Policies {
		sort.Strings(pr.AttachedTo)
		pr.AttachedTo = dedupeSorted(pr.AttachedTo)
	}
	a.memo = map[string]*evalResult{}
	a.rep.Principals = make([]*PrincipalReport, 0, len(ps))
	for i, p := range ps {
		rep := a.principal(p, trust[i])
		a.rep.Principals = append(a.rep.Principals, rep)
		if a.progress != nil && ((i+1)%progressEvery == 0 || i+1 == len(ps)) {
			a.progress(Progress{Read: a.size, Size: a.size, Principals: len(ps), Done: i + 1})
		}
	}
	for _, pr := range a.rep.Policies {
		sort.Strings(pr.AtRisk)
		pr.AtRisk = dedupeSorted(pr.AtRisk)
		if pr.risk != nil && pr.risk.allowed == nil {
			pr.risk = nil // keep boundaries' sets only while evaluating
		}
	}
	sort.SliceStable(a.rep.Principals, func(i, j int) bool {
		x, y := a.rep.Principals[i], a.rep.Principals[j]
		for k := range x.Counts {
			if x.Counts[k] != y.Counts[k] {
				return x.Counts[k] > y.Counts[k]
			}
		}
		return x.Name < y.Name
	})
	return a.rep, nil
}

func dedupeSorted(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// evalResult is the evaluation shared by principals with the same
// policies and boundary.
type evalResult struct {
	suppressed []FindingRef
	combined   []Finding
	atRisk     []int   // policies with a surviving finding
	counts     *[4]int // distinct risks per severity, trust policy aside
}

// risks returns the worst severity of each distinct risk (list entry or
// path) that survives for an evaluation.
func (a *account) risks(pols []int, res *evalResult) map[string]Severity {
	sup := make(map[FindingRef]bool, len(res.suppressed))
	for _, s := range res.suppressed {
		sup[s] = true
	}
	worst := map[string]Severity{}
	count := func(f *Finding) {
		k := f.List + "/" + f.whyKey() + "/" + f.Detail
		if w, ok := worst[k]; !ok || !w.AtLeast(f.Severity) {
			worst[k] = f.Severity
		}
	}
	for _, pi := range pols {
		fs := a.rep.Policies[pi].Findings
		for fi := range fs {
			if !sup[FindingRef{pi, fi}] {
				count(&fs[fi])
			}
		}
	}
	for i := range res.combined {
		count(&res.combined[i])
	}
	return worst
}

func (a *account) principal(p principalIn, trustFs []Finding) *PrincipalReport {
	sort.Ints(p.policies)
	pols := p.policies[:0]
	for i, x := range p.policies {
		if i == 0 || x != p.policies[i-1] {
			pols = append(pols, x)
		}
	}
	rep := &PrincipalReport{Name: p.name, Policies: pols, Groups: p.groups}
	if rep.Policies == nil {
		rep.Policies = []int{}
	}
	boundary := -1
	if p.boundaryArn != "" {
		if i, ok := a.byArn[p.boundaryArn]; ok {
			boundary = i
			b := i
			rep.Boundary = &b
		} else {
			rep.Notes = append(rep.Notes, "permissions boundary "+p.boundaryArn+" is not in the input (AWS managed policies are included only with --filter AWSManagedPolicy): not applied")
		}
	}
	key := fmt.Sprint(pols, boundary)
	res, ok := a.memo[key]
	if !ok {
		res = a.evaluate(pols, boundary)
		a.memo[key] = res
	}
	rep.Suppressed = res.suppressed
	rep.Findings = append([]Finding(nil), res.combined...)
	var trust []Finding
	for _, pi := range res.atRisk {
		a.rep.Policies[pi].AtRisk = append(a.rep.Policies[pi].AtRisk, p.name)
	}
	if len(trustFs) > 0 {
		trust = trustFs
		rep.Findings = append(rep.Findings, trustFs...)
	}
	sortFindings(rep.Findings)
	// Counts are of distinct risks: the same list entry or path from
	// several policies counts once, at its worst. The policies' part is
	// shared by principals with the same evaluation.
	if res.counts == nil {
		res.counts = &[4]int{}
		for _, sev := range a.risks(pols, res) {
			res.counts[4-severityRank[sev]]++
		}
	}
	rep.Counts = *res.counts
	for _, f := range trust {
		rep.Counts[4-severityRank[f.Severity]]++
	}
	for i, n := range rep.Counts {
		if n > 0 {
			rep.Worst = []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow}[i]
			break
		}
	}
	return rep
}

// evaluate combines policies: union of their grants, minus the union of
// their outright Denies, within the boundary.
func (a *account) evaluate(pols []int, boundary int) *evalResult {
	e := a.env
	some, all, uncond, best, deny := e.newRiskSet(), e.newRiskSet(), e.newRiskSet(), e.newRiskSet(), e.newRiskSet()
	var denied actionSet
	for _, pi := range pols {
		rs := a.rep.Policies[pi].risk
		some.or(rs.some)
		all.or(rs.all)
		uncond.or(rs.uncond)
		best.or(rs.best)
		deny.or(rs.deny)
		if rs.denied != nil {
			if denied == nil {
				denied = e.newSet()
			}
			denied.or(rs.denied)
		}
	}
	var bAllowed actionSet
	if boundary >= 0 {
		b := a.rep.Policies[boundary].risk
		if b.allowed == nil {
			// The boundary's whole allowed set, for level findings.
			d, _ := a.boundaryDoc(boundary)
			b.allowed = d
		}
		bAllowed = b.allowed
		bs := b.some.clone()
		bs.andNot(b.deny)
		some.and(bs)
		deny.or(b.deny)
	}
	eff := some.clone()
	eff.andNot(deny)
	res := &evalResult{}
	inEff := func(r int32) bool {
		k, ok := e.interest[int(r)]
		return ok && eff.has(k)
	}
	for _, pi := range pols {
		pr := a.rep.Policies[pi]
		surviving := false
		for fi, f := range pr.Findings {
			gone := false
			switch {
			case f.key == "levels" || !e.isInterest(f.ranks):
				gone = true
				for _, r := range f.ranks {
					if (denied == nil || !denied.has(int(r))) && (bAllowed == nil || bAllowed.has(int(r))) {
						gone = false
						break
					}
				}
			default:
				for _, r := range f.ranks {
					if !inEff(r) {
						gone = true
						break
					}
				}
			}
			if gone {
				res.suppressed = append(res.suppressed, FindingRef{pi, fi})
			} else {
				surviving = true
			}
		}
		if surviving {
			res.atRisk = append(res.atRisk, pi)
		}
	}
	// Escalation paths that only the combination of policies completes.
	gone := make(map[FindingRef]bool, len(res.suppressed))
	for _, r := range res.suppressed {
		gone[r] = true
	}
	have := map[string]bool{}
	for _, pi := range pols {
		for fi, f := range a.rep.Policies[pi].Findings {
			if f.Path != "" && !gone[FindingRef{pi, fi}] {
				have[f.Path] = true
			}
		}
	}
	for _, l := range a.lists {
		for _, m := range l.Methods {
			if have[m.ID] {
				continue
			}
			var acts []string
			var gs []*grant
			var ranks []int32
			ok := true
			for _, name := range m.Actions {
				act := e.db.Action(name)
				if act == nil {
					ok = false
					break
				}
				r := e.rank(act)
				k, isInt := e.interest[r]
				if !isInt || !eff.has(k) {
					ok = false
					break
				}
				g := &grant{unconstrained: all.has(k), unconditioned: uncond.has(k), best: best.has(k)}
				for _, pi := range pols {
					if a.rep.Policies[pi].risk.some.has(k) {
						g.statements = append(g.statements, a.rep.Policies[pi].Name)
					}
				}
				acts = append(acts, e.name(act))
				gs = append(gs, g)
				ranks = append(ranks, int32(r))
			}
			if ok {
				f := newFinding(l, m.Name, m.Why, acts, gs, false)
				f.Path, f.key, f.ranks = m.ID, m.ID, ranks
				res.combined = append(res.combined, f)
			}
		}
	}
	return res
}

func (e *env) isInterest(ranks []int32) bool {
	for _, r := range ranks {
		if _, ok := e.interest[int(r)]; !ok {
			return false
		}
	}
	return true
}

// boundaryDoc is a policy's whole allowed set (for boundaries). The
// documents are not kept, so it is recomputed from the risk sets' source:
// the report's allowed levels.
func (a *account) boundaryDoc(i int) (actionSet, error) {
	e := a.env
	s := e.newSet()
	for _, la := range a.rep.Policies[i].Allowed {
		lv, err := iamdb.ParseAccessLevel(la.Level)
		if err != nil {
			return nil, err
		}
		for _, name := range la.Actions {
			if strings.HasSuffix(name, ":*") {
				got := e.expandSet(name)
				if got != nil {
					t := got.clone()
					t.and(e.levelMask(lv))
					s.or(t)
				}
				continue
			}
			if act := e.db.Action(name); act != nil {
				s.add(e.rank(act))
			}
		}
	}
	return s, nil
}
