package grant

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/arn"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
	"github.com/leastpriv/policysentry/engine/validate"
)

// WrittenPolicyName is the file name the validator's findings about a
// written policy carry (their positions are in its JSON rendering).
const WrittenPolicyName = "(written policy)"

// Result is a written grant policy.
type Result struct {
	// Policy is the written policy.
	Policy *Policy
	// Options are what the policy was validated as: its policy type and,
	// for a resource policy, its resource type.
	Options validate.Options
	// Findings are the validator's findings on the policy (never an
	// ERROR), positioned in its JSON rendering (file WrittenPolicyName),
	// after the writer's own warnings (KEY_POLICY_LOCKOUT), positioned
	// in the template.
	Findings diag.List
}

// Write writes the template's policy and validates it. The error is the
// template's problems as a diag.List, each at its line and column (or,
// should the written policy have an ERROR finding, that finding).
func Write(db *iamdb.DB, t *Template) (*Result, error) {
	if db == nil {
		return nil, fmt.Errorf("grant: no dataset")
	}
	b := &builder{db: db, t: t, partition: "aws"}
	p := &Policy{Version: "2012-10-17"}
	opts := validate.Options{PolicyType: validate.Trust}
	if t.Mode == ModeResource {
		opts = validate.Options{PolicyType: validate.Resource, ResourceType: t.ResourceType.Name}
		b.resources()
	}
	for i := range t.Grants {
		p.Statement = append(p.Statement, b.grant(i)...)
	}
	if t.DenyInsecureTransport && t.Mode == ModeResource {
		p.Statement = append(p.Statement, b.denyInsecureTransport())
	}
	b.uniqueSids(p)
	if len(b.errs) > 0 {
		b.errs.Sort()
		return nil, b.errs
	}
	// CheckPublic too: a grant never makes the resource or role public
	// (Access Analyzer's CheckNoPublicAccess).
	check := opts
	check.CheckPublic = true
	findings := validate.Validate(db, JSON(p), WrittenPolicyName, check)
	if bad := findings.AtLeast(diag.Error); len(bad) > 0 {
		d := diag.Errorf(diag.Position{File: t.File}, "the written policy does not validate as a %s policy (please report it): %s", opts.PolicyType, bad[0].Error())
		d.Code = CodeInvalidPolicy
		return nil, append(diag.List{d}, bad...)
	}
	if w, ok := b.lockout(p); ok {
		findings = append(diag.List{w}, findings...)
	}
	return &Result{Policy: p, Options: opts, Findings: findings}, nil
}

// CodeKeyPolicyLockout: a KMS key policy that lets nobody change it.
const CodeKeyPolicyLockout = "KEY_POLICY_LOCKOUT"

// lockout warns when a KMS key policy allows nobody kms:PutKeyPolicy:
// the key's policy could then never be changed, and KMS refuses such a
// policy unless BypassPolicyLockoutSafetyCheck is set (AWS KMS Developer
// Guide, "Default key policy": allow the account's root to keep the key
// manageable).
func (b *builder) lockout(p *Policy) (diag.Diagnostic, bool) {
	if b.t.Mode != ModeResource || b.t.ResourceType.Service != "kms" {
		return diag.Diagnostic{}, false
	}
	for _, st := range p.Statement {
		if st.Effect == "Allow" && slices.Contains(st.Action, "kms:PutKeyPolicy") {
			return diag.Diagnostic{}, false
		}
	}
	w := diag.Warningf(diag.Position{File: b.t.File, Line: 1, Column: 1}, "no grant allows kms:PutKeyPolicy: nobody could change this key policy, and KMS refuses a key policy that does not let the principal setting it call PutKeyPolicy (unless BypassPolicyLockoutSafetyCheck is set); grant permissions-management to the key's administrators or the account (accounts: ['ACCOUNT'])")
	w.Code = CodeKeyPolicyLockout
	return w, true
}

type builder struct {
	db        *iamdb.DB
	t         *Template
	errs      diag.List
	partition string
	// partARNs are the Resource values of each of the resource type's
	// parts (nil: no Resource element).
	partARNs [][]string
}

func (b *builder) fail(pos diag.Position, code, format string, args ...any) {
	d := diag.Errorf(pos, format, args...)
	d.Code = code
	b.errs.Add(d)
}

// resources checks the template's resource ARNs against the resource
// type's ARN format and derives each part's Resource values.
func (b *builder) resources() {
	rt := b.t.ResourceType
	svc := b.db.Service(rt.Service)
	b.partARNs = make([][]string, len(rt.Parts))
	switch {
	case rt.Resource == ImpliedResource && len(b.t.Resources) > 0:
		b.fail(b.t.Resources[0].Pos, CodeInvalidTemplate, "%s policies have no Resource element (the policy is attached to the %s): remove resources", rt.Name, rt.Noun)
		return
	case rt.Resource == ImpliedResource:
		return
	case rt.Resource == NamedResource && len(b.t.Resources) == 0:
		b.fail(diag.Position{File: b.t.File, Line: 1, Column: 1}, CodeInvalidTemplate, "missing key resources: list the ARNs of the %s the policy is attached to (for example %s)", rt.Noun, rt.Example)
		return
	case len(b.t.Resources) == 0:
		for i := range b.partARNs {
			b.partARNs[i] = []string{"*"}
		}
		return
	}
	if svc != nil {
		if r := svc.Resource(rt.Parts[0].Name); r != nil {
			var formats []*iamdb.Resource
			for _, n := range append([]string{rt.Parts[0].Name}, rt.Also...) {
				if x := svc.Resource(n); x != nil {
					formats = append(formats, x)
				}
			}
			for _, e := range b.t.Resources {
				if !slices.ContainsFunc(formats, func(x *iamdb.Resource) bool { return x.Format().MatchString(e.Value) }) {
					b.fail(e.Pos, CodeInvalidARN, "%q is not the ARN of a %s: it has the form %s (for example %s)", e.Value, rt.Noun, r.ARN, rt.Example)
				}
			}
		}
	}
	b.checkARNs(rt)
	if part, _, ok := strings.Cut(strings.TrimPrefix(b.t.Resources[0].Value, "arn:"), ":"); ok && strings.HasPrefix(b.t.Resources[0].Value, "arn:") {
		b.partition = part
	}
	for i, part := range rt.Parts {
		for _, e := range b.t.Resources {
			b.partARNs[i] = append(b.partARNs[i], e.Value+part.Suffix)
		}
	}
}

// statement is a statement with the name that tells it from the grant's
// other statements.
type statement struct {
	kind string
	st   Statement
}

// grant writes the statements of grant i.
func (b *builder) grant(i int) []Statement {
	g := &b.t.Grants[i]
	var out []statement
	if b.t.Mode == ModeResource {
		out = b.resourceGrant(g)
	} else {
		out = b.trustGrant(g)
	}
	base := g.Sid.Value
	if base == "" {
		base = fmt.Sprintf("Grant%d", i+1)
	}
	sts := make([]Statement, len(out))
	for j, s := range out {
		s.st.Sid = base
		if len(out) > 1 {
			s.st.Sid += s.kind
		}
		sts[j] = s.st
	}
	return sts
}

// principals are the AWS principals of a grant: account roots and ARNs,
// or "*" narrowed by the organization condition.
func (b *builder) awsPrincipals(g *Grant) (Strings, Condition) {
	var aws Strings
	for _, a := range g.Accounts {
		aws = append(aws, fmt.Sprintf("arn:%s:iam::%s:root", b.partition, a.Value))
	}
	for _, a := range g.ARNs {
		aws = append(aws, a.Value)
	}
	cond := Condition{}
	if g.Organization.Value != "" {
		if len(aws) == 0 {
			aws = Strings{"*"}
		}
		cond.add("StringEquals", "aws:PrincipalOrgID", g.Organization.Value)
	}
	return aws, cond
}

// sourceConditions are the confused-deputy conditions of service
// principals (IAM User Guide, "The confused deputy problem").
func sourceConditions(g *Grant) Condition {
	c := Condition{}
	for _, a := range g.SourceAccounts {
		c.add("StringEquals", "aws:SourceAccount", a.Value)
	}
	for _, a := range g.SourceARNs {
		c.add("ArnLike", "aws:SourceArn", a.Value)
	}
	if g.SourceOrganization.Value != "" {
		c.add("StringEquals", "aws:SourceOrgID", g.SourceOrganization.Value)
	}
	return c
}

// checkSources reports source-* keys in a grant without services.
func (b *builder) checkSources(g *Grant) {
	if len(g.Services) > 0 {
		return
	}
	for _, k := range []string{"source-account", "source-arn", "source-organization"} {
		if pos, ok := g.keys[k]; ok {
			b.fail(pos, CodeInvalidTemplate, "%s restricts service principals: add services, or remove it", k)
		}
	}
}

func orNil(c Condition) Condition {
	if len(c) == 0 {
		return nil
	}
	return c
}

// resourceGrant writes a grant of a resource policy: the AWS principals'
// statements, then the services', one per set of resource parts.
func (b *builder) resourceGrant(g *Grant) []statement {
	b.checkSources(g)
	aws, awsCond := b.awsPrincipals(g)
	if len(aws) == 0 && len(g.Services) == 0 {
		b.fail(g.Pos, CodeInvalidTemplate, "the grant names no principal: add accounts, arns, services or organization")
		return nil
	}
	srcCond := sourceConditions(g)
	if len(g.Services) > 0 && len(srcCond) == 0 {
		b.fail(g.keys["services"], CodeMissingCondition, "a service principal in a resource policy needs source-account, source-arn or source-organization (aws:SourceAccount, aws:SourceArn, aws:SourceOrgID): without it any account's use of %s can reach this %s (the confused deputy problem)", g.Services[0].Value, b.t.ResourceType.Noun)
	}
	groups := b.actionGroups(g)
	if groups == nil {
		return nil
	}
	var out []statement
	add := func(kind string, p Principal, cond Condition) {
		for _, gr := range groups {
			k := kind
			if len(groups) > 1 {
				k += gr.kind
			}
			out = append(out, statement{kind: k, st: Statement{Effect: "Allow", Principal: p, Action: gr.actions, Resource: gr.resource, Condition: orNil(cond)}})
		}
	}
	both := len(aws) > 0 && len(g.Services) > 0
	if len(aws) > 0 {
		add(map[bool]string{true: "Principals"}[both], Principal{AWS: aws}, awsCond)
	}
	if len(g.Services) > 0 {
		add(map[bool]string{true: "Services"}[both], Principal{Service: values(g.Services)}, srcCond)
	}
	return out
}

// actionGroup is the actions that act on the same parts of the resource.
type actionGroup struct {
	kind     string
	parts    []int
	actions  Strings
	resource Strings
}

// actionGroups resolves a grant's access levels and actions against the
// dataset: only the resource type's service's actions that act on one
// of its parts; nil after an error.
func (b *builder) actionGroups(g *Grant) []actionGroup {
	rt := b.t.ResourceType
	svc := b.db.Service(rt.Service)
	if svc == nil {
		b.fail(g.Pos, CodeInvalidTemplate, "the dataset has no service %s", rt.Service)
		return nil
	}
	if len(g.Access) == 0 && len(g.Actions) == 0 {
		b.fail(g.Pos, CodeInvalidTemplate, "the grant names no access: add access (read, write, list, tagging, permissions-management) or actions (%s:...)", rt.Service)
		return nil
	}
	partsOf := func(a *iamdb.Action) []int {
		var ps []int
		for i, p := range rt.Parts {
			if a.SupportsResource(p.Name) {
				ps = append(ps, i)
			}
		}
		return ps
	}
	chosen := map[*iamdb.Action]bool{}
	var order []*iamdb.Action
	take := func(a *iamdb.Action) {
		if !chosen[a] {
			chosen[a] = true
			order = append(order, a)
		}
	}
	nerr := len(b.errs)
	for _, e := range g.Access {
		level, err := iamdb.ParseAccessLevel(e.Value)
		if err != nil {
			b.fail(e.Pos, CodeInvalidTemplate, "%v", err)
			continue
		}
		n := 0
		for _, a := range svc.Actions() {
			if a.AccessLevel == level && len(partsOf(a)) > 0 {
				take(a)
				n++
			}
		}
		if n == 0 {
			b.fail(e.Pos, CodeInvalidTemplate, "no %s action acts on a %s at the %s access level", rt.Service, rt.Noun, level)
		}
	}
	for _, e := range g.Actions {
		prefix, _, ok := strings.Cut(e.Value, ":")
		if !ok {
			b.fail(e.Pos, CodeInvalidAction, "%q is not an action: write service:ActionName (%s:...)", e.Value, rt.Service)
			continue
		}
		if !strings.EqualFold(prefix, rt.Service) {
			b.fail(e.Pos, CodeInvalidAction, "%s is not an action of %s: a %s policy grants only %s actions", e.Value, rt.Service, rt.Noun, rt.Service)
			continue
		}
		found := b.db.Expand(strings.ToLower(prefix) + e.Value[len(prefix):])
		if len(found) == 0 {
			var names []string
			for _, a := range svc.Actions() {
				names = append(names, a.FullName())
			}
			msg := fmt.Sprintf("%s: no such action", e.Value)
			if near := suggest.Nearest(e.Value, names, 3); len(near) > 0 {
				msg += fmt.Sprintf("; did you mean %s?", strings.Join(near, ", "))
			}
			b.fail(e.Pos, CodeInvalidAction, "%s", msg)
			continue
		}
		n := 0
		for _, a := range found {
			if len(partsOf(a)) > 0 {
				take(a)
				n++
			}
		}
		if n == 0 {
			b.fail(e.Pos, CodeInvalidAction, "%s does not act on %s (its resource types: %s): a %s policy cannot grant it", e.Value, partNames(rt), resourceNames(found[0]), rt.Noun)
		}
	}
	if len(b.errs) > nerr {
		return nil
	}
	byKey := map[string]*actionGroup{}
	var groups []*actionGroup
	for _, a := range order {
		ps := partsOf(a)
		key := fmt.Sprint(ps)
		gr := byKey[key]
		if gr == nil {
			gr = &actionGroup{parts: ps}
			for _, i := range ps {
				gr.kind += capitalize(rt.Parts[i].Name)
				gr.resource = append(gr.resource, b.partARNs[i]...)
			}
			gr.resource = Strings(uniq(gr.resource))
			byKey[key] = gr
			groups = append(groups, gr)
		}
		gr.actions = append(gr.actions, a.FullName())
	}
	// sort.SliceStable: the same algorithm and order as slices.SortStableFunc, with code that every element type shares (the web app links one copy instead of one per struct type).
	sort.SliceStable(groups, func(i, j int) bool { return slices.Compare(groups[i].parts, groups[j].parts) < 0 })
	out := make([]actionGroup, len(groups))
	for i, gr := range groups {
		slices.Sort(gr.actions)
		out[i] = *gr
	}
	return out
}

// trustGrant writes a grant of a trust policy: a statement for the AWS
// principals, one for the services, one per federated provider.
func (b *builder) trustGrant(g *Grant) []statement {
	nerr := len(b.errs)
	b.checkSources(g)
	var out []statement
	aws, awsCond := b.awsPrincipals(g)
	extra := func(actions ...string) Strings {
		if g.TagSession {
			actions = append(actions, "sts:TagSession")
		}
		if g.SetSourceIdentity {
			actions = append(actions, "sts:SetSourceIdentity")
		}
		return uniq(actions)
	}
	if len(aws) > 0 {
		for _, id := range g.ExternalIDs {
			awsCond.add("StringEquals", "sts:ExternalId", id.Value)
		}
		if g.RequireMFA {
			awsCond.add("Bool", "aws:MultiFactorAuthPresent", "true")
		}
		out = append(out, statement{"Principals", Statement{Effect: "Allow", Principal: Principal{AWS: aws}, Action: extra("sts:AssumeRole"), Condition: orNil(awsCond)}})
	} else {
		for _, k := range []string{"external-id", "require-mfa"} {
			if pos, ok := g.keys[k]; ok {
				b.fail(pos, CodeInvalidTemplate, "%s applies to accounts and arns (sts:AssumeRole by AWS principals): add them, or remove it", k)
			}
		}
	}
	if len(g.Services) > 0 {
		actions := []string{"sts:AssumeRole"}
		if slices.ContainsFunc(g.Services, func(e Entry) bool { return e.Value == "rolesanywhere.amazonaws.com" }) {
			// IAM Roles Anywhere User Guide, "Trust model": the role
			// must trust all three.
			actions = append(actions, "sts:SetSourceIdentity", "sts:TagSession")
		}
		out = append(out, statement{"Services", Statement{Effect: "Allow", Principal: Principal{Service: values(g.Services)}, Action: extra(actions...), Condition: orNil(sourceConditions(g))}})
	}
	if o := g.OIDC; o != nil && o.Provider.Value != "" {
		host := o.Provider.Value
		if m := oidcProviderPattern.FindStringSubmatch(host); m != nil {
			host = m[1]
		}
		if len(o.Audiences) == 0 && len(o.Subjects) == 0 {
			b.fail(o.Provider.Pos, CodeMissingCondition, "oidc: name the audiences or subjects (%s:aud, %s:sub) accepted: without them any identity the provider issues can assume the role", host, host)
		}
		c := Condition{}
		claims(c, host+":aud", o.Audiences)
		claims(c, host+":sub", o.Subjects)
		out = append(out, statement{"OIDC", Statement{Effect: "Allow", Principal: Principal{Federated: Strings{o.Provider.Value}}, Action: extra("sts:AssumeRoleWithWebIdentity"), Condition: orNil(c)}})
	}
	if gh := g.GitHub; gh != nil && gh.Account.Value != "" {
		const host = "token.actions.githubusercontent.com"
		c := Condition{}
		aud := gh.Audiences
		if len(aud) == 0 {
			aud = []Entry{{Value: "sts.amazonaws.com"}}
		}
		claims(c, host+":aud", aud)
		claims(c, host+":sub", githubSubjects(gh))
		provider := fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", b.partition, gh.Account.Value, host)
		out = append(out, statement{"GitHub", Statement{Effect: "Allow", Principal: Principal{Federated: Strings{provider}}, Action: extra("sts:AssumeRoleWithWebIdentity"), Condition: c}})
	}
	if s := g.SAML; s != nil && s.Provider.Value != "" {
		aud := s.Audiences
		if len(aud) == 0 {
			aud = []Entry{{Value: "https://signin.aws.amazon.com/saml"}}
		}
		c := Condition{}
		c.add("StringEquals", "SAML:aud", values(aud)...)
		out = append(out, statement{"SAML", Statement{Effect: "Allow", Principal: Principal{Federated: Strings{s.Provider.Value}}, Action: extra("sts:AssumeRoleWithSAML"), Condition: c}})
	}
	if len(out) == 0 && len(b.errs) == nerr {
		b.fail(g.Pos, CodeInvalidTemplate, "the grant names no principal: add accounts, arns, services, organization, oidc, github or saml")
	}
	return out
}

// githubSubjects are GitHub's sub claims for the repositories' refs
// (GitHub Docs, "OpenID Connect reference": repo:OWNER/REPO:ref:refs/heads/BRANCH,
// :environment:NAME, :ref:refs/tags/TAG, :pull_request).
func githubSubjects(gh *GitHub) []Entry {
	var out []Entry
	for _, r := range gh.Repositories {
		pre := "repo:" + r.Value + ":"
		for _, x := range gh.Branches {
			out = append(out, Entry{Value: pre + "ref:refs/heads/" + x.Value, Pos: x.Pos})
		}
		for _, x := range gh.Environments {
			out = append(out, Entry{Value: pre + "environment:" + x.Value, Pos: x.Pos})
		}
		for _, x := range gh.Tags {
			out = append(out, Entry{Value: pre + "ref:refs/tags/" + x.Value, Pos: x.Pos})
		}
		if gh.PullRequests {
			out = append(out, Entry{Value: pre + "pull_request", Pos: r.Pos})
		}
	}
	return append(out, gh.Subjects...)
}

// claims adds a claim condition: StringEquals, or StringLike when a
// value has a wildcard.
func claims(c Condition, key string, vals []Entry) {
	if len(vals) == 0 {
		return
	}
	op := "StringEquals"
	if slices.ContainsFunc(vals, func(e Entry) bool { return strings.ContainsAny(e.Value, "*?") }) {
		op = "StringLike"
	}
	c.add(op, key, values(vals)...)
}

// denyInsecureTransport denies every action of the service on the
// resource to requests without TLS (Amazon S3 User Guide, "Security
// best practices": aws:SecureTransport).
func (b *builder) denyInsecureTransport() Statement {
	var res Strings
	for _, arns := range b.partARNs {
		res = append(res, arns...)
	}
	c := Condition{}
	c.add("Bool", "aws:SecureTransport", "false")
	return Statement{Sid: "DenyInsecureTransport", Effect: "Deny", Principal: Principal{AWS: Strings{"*"}},
		Action: Strings{b.t.ResourceType.Service + ":*"}, Resource: Strings(uniq(res)), Condition: c}
}

// uniqueSids reports a template sid that two statements would share.
func (b *builder) uniqueSids(p *Policy) {
	seen := map[string]bool{}
	for i, s := range p.Statement {
		if seen[s.Sid] {
			pos := diag.Position{File: b.t.File}
			for _, g := range b.t.Grants {
				if g.Sid.Value != "" && strings.HasPrefix(s.Sid, g.Sid.Value) {
					pos = g.Sid.Pos
				}
			}
			b.fail(pos, CodeInvalidTemplate, "two statements would have the Sid %q (statement %d): give the grants different sids", s.Sid, i+1)
		}
		seen[s.Sid] = true
	}
}

func values(es []Entry) Strings {
	out := make(Strings, len(es))
	for i, e := range es {
		out[i] = e.Value
	}
	return uniq(out)
}

// uniq drops repeated values, keeping the first.
func uniq(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func resourceNames(a *iamdb.Action) string {
	if n := a.ResourceNames(); len(n) > 0 {
		return strings.Join(n, ", ")
	}
	return "none: it is granted on \"*\" only"
}

// partNames lists a resource type's parts for messages: "bucket or object".
func partNames(rt *ResourceType) string {
	names := make([]string, len(rt.Parts))
	for i, p := range rt.Parts {
		names[i] = strings.ToLower(p.Name)
	}
	return "a " + strings.Join(names, " or ")
}

// checkARNs checks each resource ARN, with each part's suffix, as the
// validator will check the written policy's Resource (partition, region
// and account fields, the resource part against the service's ARN
// formats), so that an ARN the lenient format match accepted
// ("arn:aws:lambda:::function") is reported at its place in the template.
func (b *builder) checkARNs(rt *ResourceType) {
	for _, e := range b.t.Resources {
		if part, _, ok := strings.Cut(strings.TrimPrefix(e.Value, "arn:"), ":"); ok && strings.HasPrefix(e.Value, "arn:") && !arn.IsPartition(part) {
			b.fail(e.Pos, CodeInvalidARN, "%q: the partition %q is not an AWS partition (%s)", e.Value, part, strings.Join(arn.Partitions, ", "))
			continue
		}
		for _, p := range rt.Parts {
			res, _ := json.Marshal(e.Value + p.Suffix)
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + rt.Service + `:*","Resource":` + string(res) + `}]}`
			bad := validate.Validate(b.db, []byte(doc), "resource", validate.Options{PolicyType: validate.Identity}).AtLeast(diag.Error)
			if i := slices.IndexFunc(bad, func(d diag.Diagnostic) bool { return strings.Contains(d.Path, ".Resource") }); i >= 0 {
				b.fail(e.Pos, CodeInvalidARN, "%q: %s", e.Value, bad[i].Message)
				break
			}
		}
	}
}
