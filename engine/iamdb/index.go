package iamdb

import (
	"sort"
	"strings"
)

// New links the services into a DB and builds its indexes: owner pointers,
// case-insensitive look-ups, and resolved ActionResource.Resource pointers.
// Manifest counts are recomputed from the data.
func New(m Manifest, services []*Service) *DB {
	db := &DB{Manifest: m, Services: services, byPrefix: make(map[string]*Service, len(services))}
	var c Counts
	for _, s := range services {
		db.byPrefix[strings.ToLower(s.Prefix)] = s
		s.index()
		c.Services++
		c.Actions += len(s.Actions)
		c.ResourceTypes += len(s.Resources)
		c.ConditionKeys += len(s.Conditions)
		for _, a := range s.Actions {
			if a.WildcardOnly() {
				c.WildcardOnly++
			}
		}
	}
	db.Manifest.Counts = c
	return db
}

func (s *Service) index() {
	s.actionByLower = make(map[string]*Action, len(s.Actions))
	s.resourceByLower = make(map[string]*Resource, len(s.Resources))
	s.conditionByLower = make(map[string]*Condition, len(s.Conditions))
	for _, r := range s.Resources {
		r.Service = s
		k := strings.ToLower(r.Name)
		if _, dup := s.resourceByLower[k]; !dup {
			s.resourceByLower[k] = r
		}
	}
	for _, c := range s.Conditions {
		k := strings.ToLower(c.Name)
		if _, dup := s.conditionByLower[k]; !dup {
			s.conditionByLower[k] = c
		}
	}
	for _, a := range s.Actions {
		a.Service = s
		k := strings.ToLower(a.Name)
		if _, dup := s.actionByLower[k]; !dup {
			s.actionByLower[k] = a
		}
		for i := range a.Resources {
			if n := a.Resources[i].Name; n != "" {
				a.Resources[i].Resource = s.resourceByLower[strings.ToLower(n)]
			}
		}
	}
}

// Service returns the service with the prefix (case-insensitive), or nil.
func (db *DB) Service(prefix string) *Service {
	return db.byPrefix[strings.ToLower(prefix)]
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
	return s.actionByLower[strings.ToLower(name)]
}

// Resource returns the resource type by name (case-insensitive), or nil.
func (s *Service) Resource(name string) *Resource {
	return s.resourceByLower[strings.ToLower(name)]
}

// Condition returns the service condition key by name (case-insensitive), or nil.
func (s *Service) Condition(name string) *Condition {
	return s.conditionByLower[strings.ToLower(name)]
}
