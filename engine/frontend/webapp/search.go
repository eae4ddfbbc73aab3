package webapp

import (
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// ActionHit is one autocomplete suggestion.
type ActionHit struct {
	Name          string // service:Action
	AccessLevel   string
	ResourceTypes []string
	Description   string
}

// SearchActions finds actions for the autocomplete: "s3:getob" matches by
// prefix, "getobject" matches action names anywhere, case-insensitive.
// Prefix matches come first, then by name; at most limit hits.
func SearchActions(db *iamdb.DB, q string, limit int) []ActionHit {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return nil
	}
	type scored struct {
		a     *iamdb.Action
		score int
	}
	var hits []scored
	svcPart, actPart, hasColon := strings.Cut(q, ":")
	for _, s := range db.Services {
		lp := strings.ToLower(s.Prefix)
		if hasColon && lp != svcPart && !strings.HasPrefix(lp, svcPart) {
			continue
		}
		for _, a := range s.Actions() {
			ln := strings.ToLower(a.Name)
			full := lp + ":" + ln
			switch {
			case hasColon && lp == svcPart && strings.HasPrefix(ln, actPart):
				hits = append(hits, scored{a, 0})
			case hasColon && strings.HasPrefix(full, q):
				hits = append(hits, scored{a, 1})
			case !hasColon && strings.HasPrefix(ln, q):
				hits = append(hits, scored{a, 1})
			case !hasColon && strings.HasPrefix(lp, q):
				hits = append(hits, scored{a, 2})
			case !hasColon && strings.Contains(ln, q):
				hits = append(hits, scored{a, 3})
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score < hits[j].score
		}
		return hits[i].a.FullName() < hits[j].a.FullName()
	})
	out := make([]ActionHit, 0, min(limit, len(hits)))
	for i := 0; i < len(hits) && i < limit; i++ {
		a := hits[i].a
		out = append(out, ActionHit{Name: a.FullName(), AccessLevel: a.AccessLevel.String(),
			ResourceTypes: a.ResourceNames(), Description: a.Description})
	}
	return out
}

// ServiceHit is one service in the Browse list. (It has no action count:
// counting would decode every service's actions of a lazily loaded DB.)
type ServiceHit struct {
	Prefix, Name string
}

// SearchServices filters services by prefix or name (case-insensitive).
func SearchServices(db *iamdb.DB, q string) []ServiceHit {
	q = strings.ToLower(strings.TrimSpace(q))
	var out []ServiceHit
	for _, s := range db.Services {
		if q == "" || strings.Contains(strings.ToLower(s.Prefix), q) || strings.Contains(strings.ToLower(s.Name), q) {
			out = append(out, ServiceHit{Prefix: s.Prefix, Name: s.Name})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Prefix < out[j].Prefix })
	return out
}

// ActionFilter narrows a service's actions on the Browse page.
type ActionFilter struct {
	AccessLevel  string // "" or read, write, ...
	ResourceType string // "" or a resource type name, "*" for wildcard-only
	Condition    string // "" or a condition key
	Text         string // substring of name or description
}

// FilterActions lists a service's actions that pass the filter, by name.
func FilterActions(svc *iamdb.Service, f ActionFilter) []*iamdb.Action {
	var level iamdb.AccessLevel
	if f.AccessLevel != "" {
		level, _ = iamdb.ParseAccessLevel(f.AccessLevel)
	}
	text := strings.ToLower(f.Text)
	var out []*iamdb.Action
	for _, a := range svc.Actions() {
		if level != 0 && a.AccessLevel != level {
			continue
		}
		if f.ResourceType == "*" && !a.WildcardOnly() {
			continue
		}
		if f.ResourceType != "" && f.ResourceType != "*" && !a.SupportsResource(f.ResourceType) {
			continue
		}
		if f.Condition != "" && !hasCondition(a, f.Condition) {
			continue
		}
		if text != "" && !strings.Contains(strings.ToLower(a.Name), text) && !strings.Contains(strings.ToLower(a.Description), text) {
			continue
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func hasCondition(a *iamdb.Action, key string) bool {
	for _, k := range a.ConditionKeys() {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	if a.Service != nil {
		for _, r := range a.Resources {
			if r.Resource != nil {
				for _, k := range r.Resource.ConditionKeys {
					if strings.EqualFold(k, key) {
						return true
					}
				}
			}
		}
	}
	return false
}
