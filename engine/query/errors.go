package query

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
)

// NotFoundError says that a queried service, action, resource type or
// condition key does not exist, with the nearest names that do.
type NotFoundError struct {
	// Kind is "service", "action", "resource type" or "condition key".
	Kind string
	// Name is what was asked for; Service is the service it was looked up
	// in ("" for a service).
	Name, Service string
	// Suggestions are the nearest existing names, nearest first.
	Suggestions []string
	// Hint says which query lists every name of this kind.
	Hint string
}

func (e *NotFoundError) Error() string {
	var b strings.Builder
	if e.Service != "" {
		fmt.Fprintf(&b, "unknown %s %q in service %s", e.Kind, e.Name, e.Service)
	} else {
		fmt.Fprintf(&b, "unknown %s %q", e.Kind, e.Name)
	}
	if len(e.Suggestions) > 0 {
		b.WriteString("; did you mean " + strings.Join(e.Suggestions, ", ") + "?")
	}
	if e.Hint != "" {
		b.WriteString(" (run `" + e.Hint + "` for the list)")
	}
	return b.String()
}

// CheckService returns a *NotFoundError unless the service prefix exists
// exactly as given, as Policy Sentry requires. "catalog" (Service
// Catalog's ARN name) is accepted; so is "all" where allowAll.
func CheckService(db *iamdb.DB, name string, allowAll bool) error {
	if (allowAll && name == "all") || name == "catalog" {
		return nil
	}
	if s := db.Service(name); s != nil && s.Prefix == name {
		return nil
	}
	return &NotFoundError{Kind: "service", Name: name, Suggestions: suggest.Nearest(name, db.Prefixes(), 3),
		Hint: "policy-sentry query service-table"}
}

func notFound(kind, name string, svc *iamdb.Service, candidates []string, hint string) error {
	return &NotFoundError{Kind: kind, Name: name, Service: svc.Prefix,
		Suggestions: suggest.Nearest(name, candidates, 3), Hint: hint}
}

// checkAction fails unless name (case-insensitive, or a prefix ending in
// "*") names at least one action of svc.
func checkAction(svc *iamdb.Service, name string) error {
	if svc == nil {
		return nil
	}
	if prefix, ok := strings.CutSuffix(name, "*"); ok {
		for _, a := range svc.Actions() {
			if strings.HasPrefix(a.Name, prefix) {
				return nil
			}
		}
	} else if svc.Action(name) != nil {
		return nil
	}
	names := make([]string, 0, len(svc.Actions()))
	for _, a := range svc.Actions() {
		names = append(names, a.Name)
	}
	return notFound("action", name, svc, names, "policy-sentry query action-table --service "+svc.Prefix)
}

// checkResourceType fails unless svc defines the resource type or one of
// its actions uses it (case-insensitive); "*" always passes.
func checkResourceType(svc *iamdb.Service, name string) error {
	if svc == nil || name == "*" || svc.Resource(name) != nil {
		return nil
	}
	for _, a := range svc.Actions() {
		if a.SupportsResource(name) {
			return nil
		}
	}
	names := make([]string, 0, len(svc.Resources))
	for _, r := range svc.Resources {
		names = append(names, r.Name)
	}
	return notFound("resource type", name, svc, names, "policy-sentry query arn-table --list-arn-types --service "+svc.Prefix)
}

// checkCondition fails unless the condition key is one of svc's keys or
// is used by one of its actions (exact match, as the query matches).
func checkCondition(svc *iamdb.Service, name string) error {
	if svc == nil {
		return nil
	}
	for _, c := range svc.Conditions {
		if c.Name == name {
			return nil
		}
	}
	var names []string
	for _, a := range svc.Actions() {
		for _, r := range a.Resources {
			if containsExact(r.ConditionKeys, name) {
				return nil
			}
			names = append(names, r.ConditionKeys...)
		}
	}
	for _, c := range svc.Conditions {
		names = append(names, c.Name)
	}
	return notFound("condition key", name, svc, names, "policy-sentry query condition-table --service "+svc.Prefix)
}
