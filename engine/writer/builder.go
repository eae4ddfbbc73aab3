package writer

import (
	"slices"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/arn"
	"github.com/leastpriv/policysentry/engine/template"
)

// group is one statement in the making, keyed by its Sid.
type group struct {
	sid       string
	arns      []string
	arnFormat string
	actions   []string
	// section is the template section the group was made for ("read",
	// "wildcard-only", ...; "" in actions mode), for its conditions.
	section string
	// origin lists, for actions of a shared "*" group (MultMultNone,
	// SkipResourceConstraints), every section that granted them.
	origin map[string][]string
	// has is the set of actions of a "*" group, for addUnconstrained;
	// nil until needed and after actions are removed.
	has map[string]bool
}

// builder accumulates statements the way Policy Sentry's SidGroup does.
type builder struct {
	db      *iamdb.DB
	groups  []*group
	bySid   map[string]*group
	skip    []string
	exclude map[string]bool
	// typeByFormat caches resourceTypeByFormat.
	typeByFormat map[string]typeName
	// file names the template in diagnostics without a position.
	file     string
	warnings diag.List
	problems diag.List
	// section is the template section being written, for conditions.
	section string
	// conds holds the template's condition clauses (nil without any).
	conds *conditions
}

func newBuilder(db *iamdb.DB, file string) *builder {
	return &builder{db: db, file: file, bySid: map[string]*group{}, typeByFormat: map[string]typeName{}}
}

type typeName struct {
	name string
	ok   bool
}

// resourceTypeByFormat is the package function, cached per builder.
func (b *builder) resourceTypeByFormat(raw string) (string, bool) {
	if t, ok := b.typeByFormat[raw]; ok {
		return t.name, t.ok
	}
	name, ok := resourceTypeByFormat(b.db, raw)
	b.typeByFormat[raw] = typeName{name, ok}
	return name, ok
}

func (b *builder) warn(pos diag.Position, code, format string, args ...any) {
	d := diag.Warningf(b.at(pos), format, args...)
	d.Code = code
	b.warnings.Add(d)
}

// problem records an input error: writing fails with every one.
func (b *builder) problem(pos diag.Position, code, format string, args ...any) {
	d := diag.Errorf(b.at(pos), format, args...)
	d.Code = code
	b.problems.Add(d)
}

// suggest adds did-you-mean replacements of the entry to the last problem.
func (b *builder) suggest(repl ...string) {
	if n := len(b.problems); n > 0 && len(repl) > 0 {
		b.problems[n-1].Suggestions = append(b.problems[n-1].Suggestions, repl...)
	}
}

// at names the template in positions that lack the file.
func (b *builder) at(pos diag.Position) diag.Position {
	if pos.File == "" {
		pos.File = b.file
	}
	return pos
}

func (b *builder) group(sid string) *group { return b.bySid[sid] }

func (b *builder) addGroup(g *group) {
	g.section = b.section
	b.groups = append(b.groups, g)
	b.bySid[g.sid] = g
}

func (b *builder) removeGroup(sid string) {
	delete(b.bySid, sid)
	for i, g := range b.groups {
		if g.sid == sid {
			b.groups = append(b.groups[:i], b.groups[i+1:]...)
			return
		}
	}
}

// addUnconstrained adds an action to the MultMultNone or
// SkipResourceConstraints statement (Resource "*").
func (b *builder) addUnconstrained(action, sid string) {
	g := b.group(sid)
	if g == nil {
		g = &group{sid: sid, arns: []string{"*"}, arnFormat: "*"}
		b.addGroup(g)
	}
	if g.has == nil {
		g.has = make(map[string]bool, len(g.actions)+1)
		for _, a := range g.actions {
			g.has[a] = true
		}
	}
	if !g.has[action] {
		g.has[action] = true
		g.actions = append(g.actions, action)
	}
	if b.conds != nil {
		if g.origin == nil {
			g.origin = map[string][]string{}
		}
		if !contains(g.origin[action], b.section) {
			g.origin[action] = append(g.origin[action], b.section)
		}
	}
}

// addARNs grants every action of the access level that applies to the
// resource types each ARN matches, scoped to that ARN.
func (b *builder) addARNs(entries []template.Entry, level iamdb.AccessLevel, warnUnmatched bool) {
	for _, e := range entries {
		if e.Value == "" {
			continue
		}
		b.addARN(e, level, warnUnmatched)
	}
}

func (b *builder) addARN(e template.Entry, level iamdb.AccessLevel, warnUnmatched bool) {
	svcName := arn.ServiceOf(e.Value)
	if strings.Contains(svcName, "$") {
		if warnUnmatched {
			b.warn(e.Pos, CodeInvalidService, "%s: the service part is a placeholder, so it matches no service; nothing granted", e.Value)
		}
		return
	}
	parsed, err := arn.Parse(e.Value)
	if err != nil {
		b.problem(e.Pos, CodeInvalidARN, "%s", err.Error())
		return
	}
	svc := lookupService(b.db, svcName)
	if svc == nil {
		if warnUnmatched {
			b.warn(e.Pos, CodeInvalidService, "%s: unknown service %q, nothing granted%s", e.Value, svcName, suggestService(b.db, svcName))
		}
		return
	}
	matched := false
	// Many actions share a resource type: match the ARN against each
	// type once.
	// Once a resource type has been granted for this ARN, later actions
	// on it add nothing.
	matches := map[*iamdb.Resource]bool{}
	done := map[*iamdb.Resource]bool{}
	for _, a := range svc.Actions() {
		if a.AccessLevel != level {
			continue
		}
		for i := range a.Resources {
			res := a.Resources[i].Resource
			if res == nil || done[res] {
				continue
			}
			m, seen := matches[res]
			if !seen {
				m = compiled(res).Match(parsed)
				matches[res] = m
			}
			if !m {
				continue
			}
			done[res] = true
			r := row{action: a, format: res.ARN, res: res}
			rtName, ok := b.resourceTypeByFormat(r.format)
			if !ok {
				continue
			}
			matched = true
			sid := sidFor(svcName, level.String(), rtName)
			if g := b.group(sid); g != nil {
				if !contains(g.arns, e.Value) {
					g.arns = append(g.arns, e.Value)
				}
				continue
			}
			ta := typeActionsOf(b.db, svc, rtName, level)
			for _, dep := range ta.unconstrained {
				b.addUnconstrained(dep, sidMultMultNone)
			}
			b.addGroup(&group{sid: sid, arns: []string{e.Value}, arnFormat: r.format, actions: slices.Clone(ta.actions)})
		}
	}
	if !matched && warnUnmatched {
		b.warnUnmatched(e, svc, parsed, level)
	}
}

// warnUnmatched explains why an ARN granted nothing: it matches no resource
// type of its service, or no action of that access level applies to it.
func (b *builder) warnUnmatched(e template.Entry, svc *iamdb.Service, parsed arn.ARN, level iamdb.AccessLevel) {
	var types []string
	for _, r := range svc.Resources {
		if compiled(r).Match(parsed) {
			types = append(types, r.Name)
		}
	}
	if len(types) > 0 {
		b.warn(e.Pos, CodeNoActionAtLevel, "%s matches resource type %s of %s, but no %s action applies to it: nothing granted at this level",
			e.Value, strings.Join(types, ", "), svc.Prefix, level)
		return
	}
	b.warn(e.Pos, CodeInvalidARNResource, "%s matches no resource type of service %s, nothing granted; nearest ARN formats: %s",
		e.Value, svc.Prefix, strings.Join(NearestFormats(svc, e.Value, 3), ", "))
}

// actionsWithType lists "prefix:Action" for the service's actions that
// support the resource type, at the access level (0 for any level).
func actionsWithType(svc *iamdb.Service, rtName string, level iamdb.AccessLevel) []string {
	var out []string
	for _, a := range svc.Actions() {
		if (level == 0 || a.AccessLevel == level) && a.SupportsResource(rtName) {
			out = append(out, svc.Prefix+":"+a.Name)
		}
	}
	return out
}

// dependentsOf returns the dependent actions of the named actions, sorted
// and deduplicated.
func dependentsOf(db *iamdb.DB, actions []string) []string {
	set := map[string]bool{}
	for _, name := range actions {
		if a := db.Action(name); a != nil {
			for _, d := range a.DependentActions() {
				set[d] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
