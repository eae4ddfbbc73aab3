package writer

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
	"github.com/leastpriv/policysentry/engine/template"
)

// addActions grants a list of actions (actions mode, and the wildcard-only
// section of CRUD mode): each on its resource types' ARN formats, those
// without a resource type on "*", plus their dependent actions on "*".
func (b *builder) addActions(supplied []template.Entry) {
	var names []string
	var resolved []*iamdb.Action
	seen := map[*iamdb.Action]bool{}
	for _, e := range supplied {
		if e.Value == "" {
			continue
		}
		if strings.ContainsAny(e.Value, "*?") {
			// A pattern grants every action it matches, each like a
			// listed one (in dataset order, each once).
			for _, a := range b.expandPattern(e) {
				if !seen[a] {
					seen[a] = true
					names = append(names, a.FullName())
					resolved = append(resolved, a)
				}
			}
			continue
		}
		a, ok := b.resolveAction(e)
		if !ok || seen[a] {
			continue
		}
		seen[a] = true
		names = append(names, e.Value)
		resolved = append(resolved, a)
	}
	if len(names) == 0 {
		return
	}
	deps := []string{}
	for _, d := range dependentsOf(b.db, names) {
		if !contains(names, d) {
			deps = append(deps, d)
		}
	}
	var unconstrained []string
	for _, a := range resolved {
		for _, r := range rowsOf(a) {
			if r.format != "*" {
				b.addARN(template.Entry{Value: r.format}, a.AccessLevel, false)
			} else {
				unconstrained = append(unconstrained, a.FullName())
			}
		}
	}
	for _, d := range deps {
		b.addUnconstrained(d, sidMultMultNone)
	}
	b.keepOnly(append(append([]string{}, names...), deps...))
	for _, a := range unconstrained {
		b.addUnconstrained(a, sidMultMultNone)
	}
	b.removeDuplicatedInWildcard()
}

// resolveAction looks up "service:Action"; unknown names become problems
// with did-you-mean suggestions.
func (b *builder) resolveAction(e template.Entry) (*iamdb.Action, bool) {
	svcName, name, ok := strings.Cut(e.Value, ":")
	if !ok || name == "" || strings.Contains(name, ":") {
		b.problem(e.Pos, CodeInvalidAction, "%q is not an action: expected service:ActionName, e.g. s3:GetObject", e.Value)
		return nil, false
	}
	svc := b.db.Service(svcName)
	if svc == nil {
		b.problem(e.Pos, CodeInvalidServiceInAction, "unknown service %q in action %q%s", svcName, e.Value, suggestService(b.db, svcName))
		for _, near := range nearServices(b.db, svcName) {
			b.suggest(near + ":" + name)
		}
		return nil, false
	}
	a := svc.Action(name)
	if a == nil {
		var cands []string
		for _, x := range svc.Actions() {
			cands = append(cands, x.FullName())
		}
		msg := fmt.Sprintf("unknown action %q", e.Value)
		near := suggest.Nearest(e.Value, cands, 3)
		if len(near) > 0 {
			msg += "; did you mean " + strings.Join(near, ", ") + "?"
		}
		b.problem(e.Pos, CodeInvalidAction, "%s", msg)
		b.suggest(near...)
		return nil, false
	}
	return a, true
}

// nearServices are the service prefixes nearest an unknown one.
func nearServices(db *iamdb.DB, name string) []string {
	var near []string
	for _, c := range suggest.Nearest(name, db.Prefixes(), 3) {
		// A short prefix inside a long unknown name ("ce" in
		// "nosuchservice") is no suggestion.
		if 2*len(c) >= len(name) {
			near = append(near, c)
		}
	}
	return near
}

func suggestService(db *iamdb.DB, name string) string {
	near := nearServices(db, name)
	if len(near) == 0 {
		return ""
	}
	return "; did you mean " + strings.Join(near, ", ") + "?"
}

// keepOnly removes from every statement the actions not in keep
// (case-insensitive) and drops statements left empty.
func (b *builder) keepOnly(keep []string) {
	set := make(map[string]bool, len(keep))
	for _, k := range keep {
		set[strings.ToLower(k)] = true
	}
	var empty []string
	for _, g := range b.groups {
		kept := g.actions[:0:0]
		for _, a := range g.actions {
			if set[strings.ToLower(a)] {
				kept = append(kept, a)
			}
		}
		g.actions = kept
		g.has = nil
		if len(kept) == 0 {
			empty = append(empty, g.sid)
		}
	}
	for _, sid := range empty {
		b.removeGroup(sid)
	}
}

// removeDuplicatedInWildcard removes from the "*" statements the actions
// that a resource-bound statement already grants (least privilege), except
// those the user asked to skip resource constraints for. It counts with
// sets, so that an actions list of every action (*) stays fast: each
// resource-bound statement holding an action removes one occurrence of it
// from each "*" statement per time the "*" statements list it, as a scan
// of the lists would.
func (b *builder) removeDuplicatedInWildcard() {
	wild := map[string]int{}
	for _, g := range b.groups {
		if g.arnFormat == "*" {
			for _, a := range g.actions {
				wild[a]++
			}
		}
	}
	if len(wild) == 0 {
		return
	}
	skip := make(map[string]bool, len(b.skip))
	for _, a := range b.skip {
		skip[a] = true
	}
	nuke := map[string]int{}
	for _, g := range b.groups {
		if strings.Contains(g.arnFormat, "*") {
			continue
		}
		seen := make(map[string]bool, len(g.actions))
		for _, a := range g.actions {
			if seen[a] {
				continue
			}
			seen[a] = true
			if n := wild[a]; n > 0 && !skip[a] {
				nuke[a] += n
			}
		}
	}
	if len(nuke) == 0 {
		return
	}
	for _, g := range b.groups {
		if !strings.Contains(g.arnFormat, "*") {
			continue
		}
		removed := map[string]int{}
		kept := g.actions[:0]
		for _, a := range g.actions {
			if removed[a] < nuke[a] {
				removed[a]++
				continue
			}
			kept = append(kept, a)
		}
		g.actions = kept
		g.has = nil
	}
}
