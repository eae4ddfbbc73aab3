package validate

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
)

// actionsOf checks Action and NotAction values and resolves Action's to
// dataset actions.
func (v *validator) actionsOf(st *statement) {
	for i := range st.actions {
		it := &st.actions[i]
		if it.s == "*" {
			st.allActions = true
			continue
		}
		st.granted = append(st.granted, v.action(it)...)
	}
	for i := range st.notActions {
		if st.notActions[i].s != "*" {
			v.action(&st.notActions[i])
		}
	}
}

// action checks one action string and returns the actions it names.
func (v *validator) action(it *item) []grant {
	s := it.s
	if strings.Contains(s, "${") {
		v.at("VARIABLE_UNSUPPORTED_IN_ELEMENT", it.n, it.path, fmt.Sprintf("the action %q holds a policy variable: variables work only in Resource, NotResource and Condition values", s))
		return nil
	}
	prefix, name, ok := strings.Cut(s, ":")
	if !ok || prefix == "" || name == "" {
		v.at("INVALID_ACTION", it.n, it.path, fmt.Sprintf("the action %q is not service:action (for example s3:GetObject)", s))
		return nil
	}
	if v.rt != nil && !strings.ContainsAny(prefix, "*?") && !v.rt.hasPrefix(prefix) {
		v.at("UNSUPPORTED_ACTION_IN_POLICY", it.n, it.path, fmt.Sprintf("the action %q is not supported in a %s policy: it names service %q, the resource's service is %s", s, v.rt.name, prefix, strings.Join(v.rt.prefixes, ", ")))
	}
	if v.db == nil {
		return nil
	}
	wild := strings.ContainsAny(s, "*?")
	if strings.ContainsAny(prefix, "*?") {
		v.at("WILDCARD_IN_SERVICE_NAME", it.n, it.path, fmt.Sprintf("the action %q has a wildcard in the service name: name the services it is meant for", s))
		found := v.db.Expand(s)
		if len(found) == 0 {
			v.at("INVALID_ACTION", it.n, it.path, fmt.Sprintf("the action pattern %q matches no action of any service", s))
		}
		return grants(found, it, true)
	}
	svc := v.db.Service(prefix)
	if svc == nil {
		sug := suggest.Nearest(prefix, v.idx.prefixes, 3)
		for i := range sug {
			sug[i] += ":" + name
		}
		v.at("INVALID_SERVICE_IN_ACTION", it.n, it.path, fmt.Sprintf("the service %q in the action %q does not exist", prefix, s), sug...)
		return nil
	}
	if !wild {
		a := svc.Action(name)
		if a == nil {
			sug := suggest.Nearest(name, v.idx.actions(svc), 3)
			for i := range sug {
				sug[i] = svc.Prefix + ":" + sug[i]
			}
			v.at("INVALID_ACTION", it.n, it.path, fmt.Sprintf("the action %q does not exist in service %s", s, svc.Prefix), sug...)
			return nil
		}
		return []grant{{a: a, it: it}}
	}
	lp := strings.ToLower(name)
	var found []*iamdb.Action
	lower := v.idx.lowerActions(svc)
	for i, a := range svc.Actions() {
		if iamdb.GlobLower(lp, lower[i]) {
			found = append(found, a)
		}
	}
	if len(found) == 0 {
		v.at("INVALID_ACTION", it.n, it.path, fmt.Sprintf("the action pattern %q matches no action of service %s", s, svc.Prefix))
	}
	return grants(found, it, true)
}

func grants(as []*iamdb.Action, it *item, pat bool) []grant {
	out := make([]grant, len(as))
	for i, a := range as {
		out[i] = grant{a: a, it: it, pat: pat}
	}
	return out
}

// covers reports whether the action pattern p (or "*") covers the
// action name full ("service:Action"), case-insensitively.
func covers(p, full string) bool {
	return iamdb.Glob(p, full)
}
