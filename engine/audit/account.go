package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
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

// authDetails is the part of get-account-authorization-details output the
// per-principal analysis reads.
type authDetails struct {
	UserDetailList []struct {
		UserName                string
		Arn                     string
		GroupList               []string
		UserPolicyList          []inlinePolicy
		AttachedManagedPolicies []attachedPolicy
		PermissionsBoundary     *boundaryRef
	}
	GroupDetailList []struct {
		GroupName               string
		Arn                     string
		GroupPolicyList         []inlinePolicy
		AttachedManagedPolicies []attachedPolicy
	}
	RoleDetailList []struct {
		RoleName                 string
		Arn                      string
		AssumeRolePolicyDocument json.RawMessage
		RolePolicyList           []inlinePolicy
		AttachedManagedPolicies  []attachedPolicy
		PermissionsBoundary      *boundaryRef
	}
	Policies []struct {
		PolicyName        string
		Arn               string
		DefaultVersionId  string
		PolicyVersionList []struct {
			Document         json.RawMessage
			VersionId        string
			IsDefaultVersion bool
		}
	}
}

type inlinePolicy struct {
	PolicyName     string
	PolicyDocument json.RawMessage
}

type attachedPolicy struct {
	PolicyName string
	PolicyArn  string
}

type boundaryRef struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
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
	var ad authDetails
	if err := json.Unmarshal(src, &ad); err != nil {
		// The policy loader says where, with line and column.
		if _, lerr := policy.Load(src, name); lerr != nil {
			return nil, lerr
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			pos := diag.NewLines(name, src).Position(int(te.Offset))
			return nil, fmt.Errorf("%s: %s: expected %s, found %s", pos, te.Field, te.Type, te.Value)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	rn, err := newRun(db, opts)
	if err != nil {
		return nil, err
	}
	a := &account{run: rn, byContent: map[string]int{}, byArn: map[string]int{}, file: name,
		rep: &Report{Policies: []*PolicyReport{}, db: db, lists: rn.allLists()}}
	return a.analyze(&ad)
}

type account struct {
	*run
	file      string
	rep       *Report
	byContent map[string]int // document text -> policy index
	byArn     map[string]int // managed policy ARN -> policy index
	memo      map[string]*evalResult
}

// policyIndex analyzes a document once per distinct text and returns its
// index in the report; -1 when excluded.
func (a *account) policyIndex(raw json.RawMessage, docName, path string) (int, error) {
	if a.excl.ExcludesPolicy(docName) {
		return -1, nil
	}
	text, err := documentText(raw)
	if err != nil {
		return 0, fmt.Errorf("%s: %s: %w", a.file, path, err)
	}
	if i, ok := a.byContent[string(text)]; ok {
		return i, nil
	}
	d, err := policy.Parse(text, docName)
	if err != nil {
		return 0, fmt.Errorf("%s: %s: %w", a.file, path, err)
	}
	pr := a.analyzeDoc(d, true)
	a.rep.Policies = append(a.rep.Policies, pr)
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

func (a *account) analyze(ad *authDetails) (*Report, error) {
	// Managed policies first, so that attachments resolve by ARN.
	for i, p := range ad.Policies {
		for j, v := range p.PolicyVersionList {
			if !v.IsDefaultVersion && v.VersionId != p.DefaultVersionId {
				continue
			}
			name := fmt.Sprintf("policy/%s (%s)", p.PolicyName, v.VersionId)
			idx, err := a.policyIndex(v.Document, name, fmt.Sprintf("$.Policies[%d].PolicyVersionList[%d].Document", i, j))
			if err != nil {
				return nil, err
			}
			if idx >= 0 {
				a.byArn[p.Arn] = idx
			}
			break
		}
	}
	attached := func(list []attachedPolicy, owner string) []int {
		var out []int
		for _, ap := range list {
			if i, ok := a.byArn[ap.PolicyArn]; ok {
				out = append(out, i)
				a.rep.Policies[i].AttachedTo = append(a.rep.Policies[i].AttachedTo, owner)
			}
		}
		return out
	}
	inline := func(list []inlinePolicy, owner, path string) ([]int, error) {
		var out []int
		for j, ip := range list {
			i, err := a.policyIndex(ip.PolicyDocument, owner+" inline policy "+ip.PolicyName, fmt.Sprintf("%s[%d].PolicyDocument", path, j))
			if err != nil {
				return nil, err
			}
			if i >= 0 {
				out = append(out, i)
				a.rep.Policies[i].AttachedTo = append(a.rep.Policies[i].AttachedTo, owner)
			}
		}
		return out, nil
	}
	groupPolicies := map[string][]int{}
	var ps []principalIn
	for gi, g := range ad.GroupDetailList {
		owner := "group/" + g.GroupName
		in, err := inline(g.GroupPolicyList, owner, fmt.Sprintf("$.GroupDetailList[%d].GroupPolicyList", gi))
		if err != nil {
			return nil, err
		}
		pols := append(in, attached(g.AttachedManagedPolicies, owner)...)
		groupPolicies[g.GroupName] = pols
		if !a.excl.ExcludesPrincipal("group", g.GroupName) {
			ps = append(ps, principalIn{kind: "group", name: owner, arn: g.Arn, policies: pols})
		}
	}
	for ui, u := range ad.UserDetailList {
		owner := "user/" + u.UserName
		in, err := inline(u.UserPolicyList, owner, fmt.Sprintf("$.UserDetailList[%d].UserPolicyList", ui))
		if err != nil {
			return nil, err
		}
		pols := append(in, attached(u.AttachedManagedPolicies, owner)...)
		for _, g := range u.GroupList {
			pols = append(pols, groupPolicies[g]...)
		}
		p := principalIn{kind: "user", name: owner, arn: u.Arn, policies: pols, groups: u.GroupList}
		if u.PermissionsBoundary != nil {
			p.boundaryArn = u.PermissionsBoundary.PermissionsBoundaryArn
		}
		if !a.excl.ExcludesPrincipal("user", u.UserName) {
			ps = append(ps, p)
		}
	}
	for ri, r := range ad.RoleDetailList {
		owner := "role/" + r.RoleName
		in, err := inline(r.RolePolicyList, owner, fmt.Sprintf("$.RoleDetailList[%d].RolePolicyList", ri))
		if err != nil {
			return nil, err
		}
		p := principalIn{kind: "role", name: owner, arn: r.Arn, policies: append(in, attached(r.AttachedManagedPolicies, owner)...), trust: r.AssumeRolePolicyDocument}
		if r.PermissionsBoundary != nil {
			p.boundaryArn = r.PermissionsBoundary.PermissionsBoundaryArn
		}
		if !a.excl.ExcludesPrincipal("role", r.RoleName) {
			ps = append(ps, p)
		}
	}
	for _, pr := range a.rep.Policies {
		sort.Strings(pr.AttachedTo)
		pr.AttachedTo = dedupeSorted(pr.AttachedTo)
	}
	a.memo = map[string]*evalResult{}
	for _, p := range ps {
		rep, err := a.principal(p)
		if err != nil {
			return nil, err
		}
		a.rep.Principals = append(a.rep.Principals, rep)
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

func (a *account) principal(p principalIn) (*PrincipalReport, error) {
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
	if p.kind == "role" && len(p.trust) > 0 {
		fs, err := a.trustFindings(p)
		if err != nil {
			return nil, err
		}
		trust = fs
		rep.Findings = append(rep.Findings, fs...)
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
	return rep, nil
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
