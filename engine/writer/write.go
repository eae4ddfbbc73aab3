package writer

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/minimize"
	"github.com/leastpriv/policysentry/engine/template"
)

// PolicyVersion is the IAM policy language version of every policy.
const PolicyVersion = "2012-10-17"

// Write turns a template into a policy, the way Policy Sentry 0.16 does:
// statement order, Sids and action casing are the same for the same data.
// Problems in the template's content (an unknown action, a malformed
// action name) are returned as a diag.List of every one, in template
// order. Front ends call it through engine/workbench.
func Write(db *iamdb.DB, t *template.Template, opts Options) (*Result, error) {
	if db == nil || t == nil {
		return nil, fmt.Errorf("writer: nil dataset or template")
	}
	effect := t.Effect
	if effect == "" {
		effect = "Allow"
	}
	if effect != "Allow" && effect != "Deny" {
		d := diag.Errorf(diag.Position{File: t.File}, "effect %q: use Allow or Deny", t.Effect)
		d.Code = CodeInvalidEffect
		return nil, diag.List{d}
	}
	if opts.MinLength < 0 {
		return nil, fmt.Errorf("minimize length %d: must be 0 or more", opts.MinLength)
	}
	b := newBuilder(db, t.File)
	b.initConditions(t.Conditions)
	switch t.Mode {
	case template.ModeCRUD:
		b.crud(t)
	case template.ModeActions:
		b.addActions(t.Actions)
	default:
		d := diag.Errorf(diag.Position{File: t.File}, "unknown mode %q: use crud or actions", t.Mode)
		d.Code = CodeUnknownMode
		return nil, diag.List{d}
	}
	if len(b.problems) > 0 {
		return nil, b.problems
	}
	p := b.render(effect, opts)
	if b.conds != nil {
		// The condition warnings come last: put them in template order.
		b.warnConditions()
		b.warnings.Sort()
	}
	return &Result{Policy: p, Warnings: b.warnings}, nil
}

// crud processes a CRUD template in Policy Sentry's order.
func (b *builder) crud(t *template.Template) {
	if ex := nonEmpty(t.ExcludeActions); len(ex) > 0 {
		b.exclude = map[string]bool{}
		for _, a := range b.expand(ex) {
			b.exclude[strings.ToLower(a)] = true
		}
	}
	b.section = "wildcard-only"
	b.wildcardOnly(t.WildcardOnly)
	for _, sec := range []struct {
		name    string
		entries []template.Entry
		level   iamdb.AccessLevel
	}{
		{"read", t.Read, iamdb.Read}, {"write", t.Write, iamdb.Write}, {"list", t.List, iamdb.List},
		{"tagging", t.Tagging, iamdb.Tagging}, {"permissions-management", t.PermissionsManagement, iamdb.PermissionsManagement},
	} {
		b.section = sec.name
		b.addARNs(sec.entries, sec.level, true)
	}
	b.section = "skip-resource-constraints"
	for _, e := range nonEmpty(t.SkipResourceConstraints) {
		if len(b.db.Expand(e.Value)) == 0 {
			b.warn(e.Pos, CodeInvalidAction, "skip-resource-constraints: %s matches no action of the dataset; kept as written", e.Value)
		}
		b.skip = append(b.skip, e.Value)
	}
	for _, a := range b.skip {
		b.addUnconstrained(a, sidSkipResourceConstraints)
	}
	b.section = "sts"
	b.sts(t.STS)
}

// expand expands wildcards in action names against the dataset
// (case-insensitive); names without a wildcard are kept as written.
func (b *builder) expand(entries []template.Entry) []string {
	var out []string
	for _, e := range entries {
		if !strings.ContainsAny(e.Value, "*?") {
			out = append(out, e.Value)
			continue
		}
		got := ExpandAction(b.db, e.Value)
		if len(got) == 0 {
			b.warn(e.Pos, CodeInvalidAction, "%s matches no action", e.Value)
			out = append(out, e.Value)
		}
		out = append(out, got...)
	}
	sort.Strings(out)
	return out
}

// ExpandAction returns every "prefix:Action" that the pattern (with * and
// ?, case-insensitive) matches; "*" alone matches every action, and a
// pattern without a colon ("*Object*") is matched against full names.
func ExpandAction(db *iamdb.DB, pattern string) []string {
	var out []string
	for _, a := range expandPattern(db, pattern) {
		out = append(out, a.FullName())
	}
	return out
}

// wildcardOnly adds the wildcard-only section: single actions and every
// wildcard-only action of a service at an access level.
func (b *builder) wildcardOnly(w template.WildcardOnly) {
	var provided []template.Entry
	provided = append(provided, nonEmpty(w.SingleActions)...)
	for _, sec := range []struct {
		entries []template.Entry
		level   iamdb.AccessLevel
	}{
		{w.ServiceRead, iamdb.Read}, {w.ServiceList, iamdb.List}, {w.ServiceWrite, iamdb.Write},
		{w.ServiceTagging, iamdb.Tagging}, {w.ServicePermissionsManagement, iamdb.PermissionsManagement},
	} {
		for _, e := range nonEmpty(sec.entries) {
			svc := b.db.Service(e.Value)
			if svc == nil {
				b.warn(e.Pos, CodeInvalidService, "unknown service %q, nothing granted%s", e.Value, suggestService(b.db, e.Value))
				continue
			}
			for _, a := range svc.Actions() {
				if a.AccessLevel == sec.level && a.WildcardOnly() {
					provided = append(provided, template.Entry{Value: e.Value + ":" + a.Name, Pos: e.Pos})
				}
			}
		}
	}
	var verified []template.Entry
	seen := map[string]bool{}
	for _, e := range provided {
		if seen[e.Value] {
			continue
		}
		seen[e.Value] = true
		a := b.db.Action(e.Value)
		if a == nil {
			b.warn(e.Pos, CodeInvalidAction, "wildcard-only: unknown action %q, skipped", e.Value)
			continue
		}
		if !a.WildcardOnly() {
			b.warn(e.Pos, CodeNeedsResource, "wildcard-only: %s supports resource types (%s), so it is not granted on \"*\"; list its ARNs under an access level instead",
				a.FullName(), strings.Join(a.ResourceNames(), ", "))
			continue
		}
		verified = append(verified, e)
	}
	if len(verified) > 0 {
		b.addActions(verified)
	}
}

// sts adds the assume-role statements on the given role ARNs.
func (b *builder) sts(s template.STS) {
	svc := b.db.Service("sts")
	for _, sec := range []struct {
		action  string
		entries []template.Entry
	}{
		{"AssumeRole", s.AssumeRole}, {"AssumeRoleWithSAML", s.AssumeRoleWithSAML},
		{"AssumeRoleWithWebIdentity", s.AssumeRoleWithWebIdentity},
	} {
		entries := nonEmpty(sec.entries)
		if len(entries) == 0 {
			continue
		}
		a := (*iamdb.Action)(nil)
		if svc != nil {
			a = svc.Action(sec.action)
		}
		if a == nil {
			b.warn(entries[0].Pos, CodeInvalidAction, "the dataset has no sts:%s action, nothing granted", sec.action)
			continue
		}
		matched := map[int]bool{}
		var formats []string
		for _, r := range rowsOf(a) {
			if a.AccessLevel != iamdb.Write || r.res == nil {
				continue
			}
			formats = append(formats, r.format)
			f := compiled(r.res)
			for i, e := range entries {
				if !f.MatchString(e.Value) {
					continue
				}
				matched[i] = true
				sid := a.Name
				if g := b.group(sid); g != nil {
					if !contains(g.arns, e.Value) {
						g.arns = append(g.arns, e.Value)
					}
					continue
				}
				b.addGroup(&group{sid: sid, arns: []string{e.Value}, arnFormat: r.format, actions: []string{a.FullName()}})
			}
		}
		for i, e := range entries {
			if !matched[i] {
				b.warn(e.Pos, CodeInvalidARNResource, "%s matches no resource type of sts:%s, nothing granted; expected %s",
					e.Value, sec.action, strings.Join(formats, " or "))
			}
		}
	}
}

func nonEmpty(entries []template.Entry) []template.Entry {
	var out []template.Entry
	for _, e := range entries {
		if strings.TrimSpace(e.Value) != "" {
			out = append(out, e)
		}
	}
	return out
}

// render turns the groups into statements: excluded actions removed, empty
// statements dropped, actions sorted; with minimize, actions are minimized
// and statements with identical Resource lists merged.
func (b *builder) render(effect string, opts Options) *Policy {
	p := &Policy{Version: PolicyVersion, Statement: []Statement{}}
	var all *minimize.Universe
	if opts.Minimize {
		all = minimize.For(b.db)
	}
	merged := map[int]bool{}
	used := map[string]bool{}
	for _, g := range b.groups {
		var actions []string
		for _, a := range g.actions {
			if b.exclude != nil && b.exclude[strings.ToLower(a)] {
				continue
			}
			if b.exclude == nil || !contains(actions, a) {
				actions = append(actions, a)
			}
		}
		if len(actions) == 0 {
			continue
		}
		for _, pt := range b.partition(g, actions, used) {
			b.addStatement(p, g, pt, effect, opts, all, merged)
		}
	}
	for i := range p.Statement {
		if !merged[i] {
			continue
		}
		st := &p.Statement[i]
		st.Sid = mergedSid(st.Resource[0], st.Sid)
		st.Action = all.Minimize(st.Action, opts.MinLength)
		sort.Strings(st.Action)
	}
	if b.conds != nil {
		uniqueSids(p)
	}
	return p
}

// uniqueSids numbers the Sids that repeat (statements on one resource
// with different conditions that minimize named alike): the second
// S3MultBucket becomes S3MultBucket2.
func uniqueSids(p *Policy) {
	seen := map[string]bool{}
	for i := range p.Statement {
		sid := p.Statement[i].Sid
		for n := 2; seen[sid]; n++ {
			sid = p.Statement[i].Sid + strconv.Itoa(n)
		}
		seen[sid] = true
		p.Statement[i].Sid = sid
	}
}

// addStatement adds one part of a group as a statement; with minimize,
// its actions are minimized and it is merged into a statement with the
// same Resource list and Condition, if there is one.
func (b *builder) addStatement(p *Policy, g *group, pt part, effect string, opts Options, all *minimize.Universe, merged map[int]bool) {
	actions := pt.actions
	if opts.Minimize {
		actions = all.Minimize(actions, opts.MinLength)
		found := false
		for i := range p.Statement {
			if equalStrings(p.Statement[i].Resource, g.arns) && equalConditions(p.Statement[i].Condition, pt.cond) {
				for _, a := range actions {
					if !contains(p.Statement[i].Action, a) {
						p.Statement[i].Action = append(p.Statement[i].Action, a)
					}
				}
				merged[i] = true
				found = true
				break
			}
		}
		if found {
			return
		}
		actions = dedupe(actions)
	}
	sort.Strings(actions)
	p.Statement = append(p.Statement, Statement{Sid: pt.sid, Effect: effect, Action: actions, Resource: append([]string(nil), g.arns...), Condition: pt.cond})
}

// mergedSid names a statement that minimize merged: Service + "Mult" +
// the resource, as Policy Sentry does. Statements on "*" keep their Sid
// (Policy Sentry crashes there).
func mergedSid(resource, old string) string {
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) < 6 {
		return old
	}
	res := parts[5]
	if i := strings.IndexAny(res, "/:"); i >= 0 {
		res = res[:i] + res[i+1:]
	}
	return sidFor(parts[2], "Mult", alnum(res))
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// equalConditions is reflect.DeepEqual for Condition elements (a nil
// map or list differs from an empty one, as there), without linking
// reflect's deep comparison into the web app (20 KB of wasm).
func equalConditions(a, b Condition) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for op, x := range a {
		y, ok := b[op]
		if !ok || (x == nil) != (y == nil) || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || (v == nil) != (w == nil) || !equalStrings(v, w) {
				return false
			}
		}
	}
	return true
}

func dedupe(list []string) []string {
	seen := make(map[string]bool, len(list))
	out := list[:0:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
