package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/overrides"
	"github.com/leastpriv/policysentry/engine/sources"
)

// Files in dataset/ that the build applies on top of the source.
const (
	dependentsFile = "dependent-actions.json"
	overridesFile  = "overrides.yml"
)

// dependents maps "service:Action" → resource type name ("" for the
// action-wide entry) → dependent actions.
type dependents map[string]map[string][]string

// supplement applies dataset/dependent-actions.json and
// dataset/overrides.yml to a freshly imported source.
func supplement(db *iamdb.DB, dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, dependentsFile))
	if err != nil {
		return fmt.Errorf("dependent actions: %w", err)
	}
	var deps dependents
	if err := json.Unmarshal(b, &deps); err != nil {
		return fmt.Errorf("%s: %w", dependentsFile, err)
	}
	applied, skipped := applyDependents(db, deps)
	fmt.Fprintf(os.Stderr, "dependent actions: %d applied, %d skipped (action not in the source)\n", applied, skipped)

	path := filepath.Join(dir, overridesFile)
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("overrides: %w", err)
	}
	ovs, err := overrides.Parse(src, path)
	if err != nil {
		return err
	}
	changed, err := overrides.Apply(db, path, ovs)
	if err != nil {
		return err
	}
	db.Manifest.Overrides = changed
	fmt.Fprintf(os.Stderr, "access-level overrides: %d of %d entries changed a level\n", changed, len(ovs))
	return nil
}

func applyDependents(db *iamdb.DB, deps dependents) (applied, skipped int) {
	keys := make([]string, 0, len(deps))
	for k := range deps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a := db.Action(k)
		if a == nil {
			skipped++
			continue
		}
		rts := make([]string, 0, len(deps[k]))
		for rt := range deps[k] {
			rts = append(rts, rt)
		}
		sort.Strings(rts)
		for _, rt := range rts {
			i := indexOfResource(a, rt)
			if i < 0 {
				i = indexOfResource(a, "")
			}
			if i < 0 {
				a.Resources = append(a.Resources, iamdb.ActionResource{})
				i = len(a.Resources) - 1
			}
			r := &a.Resources[i]
			for _, d := range deps[k][rt] {
				if !contains(r.DependentActions, d) {
					r.DependentActions = append(r.DependentActions, d)
				}
			}
			applied++
		}
	}
	return applied, skipped
}

func indexOfResource(a *iamdb.Action, name string) int {
	for i, r := range a.Resources {
		if strings.EqualFold(r.Name, name) {
			return i
		}
	}
	return -1
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// extractDependents writes the dependent actions of a Policy Sentry
// dataset (AWS's "Dependent actions" column) as dataset/dependent-actions.json.
func extractDependents(input, output string) error {
	db, err := sources.OpenFile(input)
	if err != nil {
		return err
	}
	deps := dependents{}
	for _, s := range db.Services {
		for _, a := range s.Actions() {
			for _, r := range a.Resources {
				if len(r.DependentActions) == 0 {
					continue
				}
				k := a.FullName()
				if deps[k] == nil {
					deps[k] = map[string][]string{}
				}
				deps[k][r.Name] = r.DependentActions
			}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(deps); err != nil {
		return err
	}
	return os.WriteFile(output, buf.Bytes(), 0o644)
}
