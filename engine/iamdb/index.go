package iamdb

import (
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/internal/arn"
)

// New links the services into a DB and builds its indexes: owner pointers,
// resolved ActionResource.Resource pointers, resource types by the
// service field of their ARN format, and (on first
// use, per service) case-insensitive look-ups of actions, resource types
// and condition keys. Manifest counts are recomputed from the data.
func New(m Manifest, services []*Service) *DB {
	return link(m, services, true, false)
}

// link is New; resolve says whether ActionResource.Resource pointers still
// need resolving by name (Decode sets them from the file's references).
// lazy says that the services' actions are not decoded yet: they are not
// linked (decoding does it), and the wildcard-only count is the file's.
func link(m Manifest, services []*Service, resolve, lazy bool) *DB {
	db := &DB{Manifest: m, Services: services, byPrefix: make(map[string]*Service, len(services)),
		byARNService: make(map[string][]*Resource, len(services))}
	var c Counts
	for _, s := range services {
		db.byPrefix[lower(s.Prefix)] = s
		for _, r := range s.Resources {
			r.Service = s
			if svc := arnService(r.ARN); svc != "" {
				db.byARNService[svc] = append(db.byARNService[svc], r)
			}
		}
		c.Services++
		c.ResourceTypes += len(s.Resources)
		c.ConditionKeys += len(s.Conditions)
		if s.lazy != nil {
			c.Actions += s.lazy.n
			continue
		}
		c.Actions += len(s.actions)
		for _, a := range s.actions {
			a.Service = s
			if resolve {
				for i := range a.Resources {
					if n := a.Resources[i].Name; n != "" {
						a.Resources[i].Resource = s.Resource(n)
					}
				}
			}
			if a.WildcardOnly() {
				c.WildcardOnly++
			}
		}
	}
	if lazy {
		c.WildcardOnly = m.Counts.WildcardOnly
	}
	db.Manifest.Counts = c
	return db
}

// index builds the service's look-up maps, once, on first use (most runs
// look up names in a few services only, so the load skips this work).
func (s *Service) index() {
	s.indexOnce.Do(s.buildIndex)
}

func (s *Service) buildIndex() {
	// The look-up keys are lower-cased into one buffer: one allocation per
	// service instead of one per mixed-case name.
	n := 0
	for _, r := range s.Resources {
		n += len(r.Name)
	}
	for _, c := range s.Conditions {
		n += len(c.Name)
	}
	for _, a := range s.Actions() {
		n += len(a.Name)
	}
	buf := make([]byte, 0, n)
	for _, r := range s.Resources {
		buf = appendLower(buf, r.Name)
	}
	for _, c := range s.Conditions {
		buf = appendLower(buf, c.Name)
	}
	for _, a := range s.Actions() {
		buf = appendLower(buf, a.Name)
	}
	keys := string(buf)
	next := func(name string) string {
		k := keys[:len(name)]
		keys = keys[len(name):]
		return k
	}
	resources := make(map[string]*Resource, len(s.Resources))
	conditions := make(map[string]*Condition, len(s.Conditions))
	actions := make(map[string]*Action, len(s.Actions()))
	for _, r := range s.Resources {
		if k := next(r.Name); resources[k] == nil {
			resources[k] = r
		}
	}
	for _, c := range s.Conditions {
		if k := next(c.Name); conditions[k] == nil {
			conditions[k] = c
		}
	}
	for _, a := range s.Actions() {
		if k := next(a.Name); actions[k] == nil {
			actions[k] = a
		}
	}
	s.resourceByLower, s.conditionByLower, s.actionByLower = resources, conditions, actions
}

// appendLower appends s with ASCII letters lower-cased (the same bytes
// as strings.ToLower for the ASCII names IAM uses; other bytes are kept).
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// lower lower-cases ASCII letters, allocating only when needed.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return string(appendLower(make([]byte, 0, len(s)), s))
		}
	}
	return s
}

// Service returns the service with the prefix (case-insensitive), or nil.
func (db *DB) Service(prefix string) *Service {
	return db.byPrefix[lower(prefix)]
}

// Action returns the action named "service:Action" (case-insensitive), or
// nil when the service or the action is unknown.
func (db *DB) Action(full string) *Action {
	prefix, name, ok := strings.Cut(full, ":")
	if !ok {
		return nil
	}
	s := db.Service(prefix)
	if s == nil {
		return nil
	}
	return s.Action(name)
}

// Prefixes returns every service prefix, sorted.
func (db *DB) Prefixes() []string {
	out := make([]string, 0, len(db.Services))
	for _, s := range db.Services {
		out = append(out, s.Prefix)
	}
	sort.Strings(out)
	return out
}

// Action returns the action by name without prefix (case-insensitive), or nil.
func (s *Service) Action(name string) *Action {
	s.index()
	return s.actionByLower[lower(name)]
}

// Resource returns the resource type by name (case-insensitive), or nil.
func (s *Service) Resource(name string) *Resource {
	s.index()
	return s.resourceByLower[lower(name)]
}

// Condition returns the service condition key by name (case-insensitive), or nil.
func (s *Service) Condition(name string) *Condition {
	s.index()
	return s.conditionByLower[lower(name)]
}

// Format returns the resource type's ARN format compiled for matching.
// It is compiled on first use and kept, so the load does not pay for the
// formats a run never matches; it is safe for concurrent use.
func (r *Resource) Format() *arn.Format {
	if f := r.format.Load(); f != nil {
		return f
	}
	f := arn.Compile(r.ARN)
	if r.format.CompareAndSwap(nil, f) {
		return f
	}
	return r.format.Load()
}

// arnService returns the service field of an ARN format, or "" when the
// format does not have the six fields of an ARN (as arn.Compile decides).
func arnService(format string) string {
	if format == "*" {
		return ""
	}
	start, field := 0, 0
	svc := ""
	for i := 0; i < len(format) && field < 5; i++ {
		if format[i] == ':' {
			if field == 2 {
				svc = format[start:i]
			}
			field++
			start = i + 1
		}
	}
	if field < 5 {
		return ""
	}
	return svc
}

// MatchARN returns the resource types whose ARN format matches the ARN
// (Policy Sentry's rules, see package arn), in dataset order. The
// candidates are found by the ARN's service field, which is not always
// the owning service's prefix. An ARN that does not parse matches nothing.
func (db *DB) MatchARN(s string) []*Resource {
	a, err := arn.Parse(s)
	if err != nil {
		return nil
	}
	var out []*Resource
	for _, r := range db.byARNService[a.Service] {
		if r.Format().Match(a) {
			out = append(out, r)
		}
	}
	return out
}
