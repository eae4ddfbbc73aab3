// Package paths is the catalogue of AWS privilege-escalation paths the
// auditor checks: each path's required actions, the resource type each
// action must reach, the sources that publish it and how it works. The
// catalogue is data (paths.yml, embedded); Check validates it against a
// dataset.
package paths

import (
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"go.yaml.in/yaml/v3"
)

//go:embed paths.yml
var pathsYAML []byte

// Path is one privilege-escalation path.
type Path struct {
	// ID is pathfinding.cloud's id (e.g. iam-001) when it publishes the
	// path, else a local id (rhino-*, local-*).
	ID string `yaml:"id" json:"id"`
	// Name is a short name (Rhino Security Labs' method name if any).
	Name string `yaml:"name" json:"name"`
	// Actions must all be allowed for the path to apply.
	Actions []string `yaml:"actions" json:"actions"`
	// Resources names, per action, the resource type the grant must reach.
	Resources map[string]string `yaml:"resources" json:"resources,omitempty"`
	// Sources name who publishes the path.
	Sources []string `yaml:"sources" json:"sources"`
	// Why explains how the escalation works.
	Why string `yaml:"why" json:"why"`
}

// All returns the built-in catalogue, in file order. It never fails on
// the shipped file (a test decodes it); an error means a broken build.
func All() ([]*Path, error) {
	var ps []*Path
	dec := yaml.NewDecoder(bytes.NewReader(pathsYAML))
	dec.KnownFields(true)
	if err := dec.Decode(&ps); err != nil {
		return nil, fmt.Errorf("paths.yml: %w", err)
	}
	seen := map[string]bool{}
	for i, p := range ps {
		if p.ID == "" || p.Name == "" || len(p.Actions) == 0 || p.Why == "" || len(p.Sources) == 0 {
			return nil, fmt.Errorf("paths.yml: path %d (%s) lacks id, name, actions, sources or why", i, p.ID)
		}
		if seen[p.ID] {
			return nil, fmt.Errorf("paths.yml: path id %s appears twice", p.ID)
		}
		seen[p.ID] = true
		for a := range p.Resources {
			if !containsFold(p.Actions, a) {
				return nil, fmt.Errorf("paths.yml: path %s names a resource for %s, which is not one of its actions", p.ID, a)
			}
		}
	}
	return ps, nil
}

// Check returns one message per action or resource type that a path
// names and the dataset lacks (sorted; empty when all is well).
func Check(db *iamdb.DB, ps []*Path) []string {
	var out []string
	for _, p := range ps {
		for _, name := range p.Actions {
			if db.Action(name) == nil {
				out = append(out, fmt.Sprintf("path %s: action %s is not in the dataset", p.ID, name))
			}
		}
		for name, res := range p.Resources {
			a := db.Action(name)
			if a != nil && !a.SupportsResource(res) {
				out = append(out, fmt.Sprintf("path %s: %s has no resource type %s (it has %s)", p.ID, name, res, strings.Join(a.ResourceNames(), ", ")))
			}
		}
	}
	sort.Strings(out)
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
