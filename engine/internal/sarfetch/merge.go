package sarfetch

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/overrides"
	"github.com/leastpriv/policysentry/engine/sources/sar"
)

// Build imports the downloaded service files (sar.ParseDir) and merges
// into them what the Service Authorization Reference lacks, taken from
// base (the built-in dataset) where the same service, action, resource
// type or condition key is there: service names and documentation URLs,
// action descriptions and documentation URLs, the "required" marks,
// per-resource condition keys and dependent actions of an action's
// resource types, and condition key descriptions. The access levels are
// the reference's, then the access-level overrides (overridesSrc, the
// project's dataset/overrides.yml) are applied; overrides of actions the
// reference no longer has are skipped. m is the new dataset's manifest;
// an empty Integrity is set to a sha256 over the service files.
func Build(dir string, base *iamdb.DB, overridesSrc []byte, overridesName string, m iamdb.Manifest) (*iamdb.DB, error) {
	files, err := cacheFiles(dir)
	if err != nil {
		return nil, err
	}
	fsys := fstest.MapFS{}
	names := make([]string, 0, len(files))
	for name, b := range files {
		fsys[name] = &fstest.MapFile{Data: b}
		names = append(names, name)
	}
	if m.Integrity == "" {
		// The source's identity: one hash over the service files, by name.
		sort.Strings(names)
		h := sha256.New()
		for _, n := range names {
			fmt.Fprintf(h, "%s %d\n", n, len(files[n]))
			h.Write(files[n])
		}
		m.Integrity = "sha256-" + base64.StdEncoding.EncodeToString(h.Sum(nil))
	}
	db, err := sar.ParseDir(fsys, m)
	if err != nil {
		return nil, err
	}
	for _, s := range db.Services {
		if bs := base.Service(s.Prefix); bs != nil {
			mergeService(s, bs)
		}
	}
	// Rebuild the indexes (resource pointers, counts) after the merge.
	db = iamdb.New(db.Manifest, db.Services)
	if len(overridesSrc) > 0 {
		ovs, err := overrides.Parse(overridesSrc, overridesName)
		if err != nil {
			return nil, err
		}
		var known []overrides.Override
		for _, o := range ovs {
			if s := db.Service(o.Service); s != nil && s.Action(o.Action) != nil {
				known = append(known, o)
			}
		}
		n, err := overrides.Apply(db, overridesName, known)
		if err != nil {
			return nil, err
		}
		db.Manifest.Overrides = n
	}
	return db, nil
}

func mergeService(s, bs *iamdb.Service) {
	if bs.Name != "" {
		s.Name = bs.Name
	}
	if s.AuthorizationURL == "" {
		s.AuthorizationURL = bs.AuthorizationURL
	}
	for _, r := range s.Resources {
		if br := bs.Resource(r.Name); br != nil && len(r.ConditionKeys) == 0 {
			r.ConditionKeys = br.ConditionKeys
		}
	}
	for _, c := range s.Conditions {
		if bc := bs.Condition(c.Name); bc != nil {
			if c.Description == "" {
				c.Description = bc.Description
			}
			if c.Type == "" {
				c.Type = bc.Type
			}
		}
	}
	for _, a := range s.Actions() {
		ba := bs.Action(a.Name)
		if ba == nil {
			continue
		}
		if a.Description == "" {
			a.Description = ba.Description
		}
		if a.DocURL == "" {
			a.DocURL = ba.DocURL
		}
		for i := range a.Resources {
			r := &a.Resources[i]
			for _, br := range ba.Resources {
				if !strings.EqualFold(br.Name, r.Name) {
					continue
				}
				r.Required = r.Required || br.Required
				if r.Name != "" && len(r.ConditionKeys) == 0 {
					r.ConditionKeys = br.ConditionKeys
				}
				for _, d := range br.DependentActions {
					if !contains(r.DependentActions, d) {
						r.DependentActions = append(r.DependentActions, d)
					}
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Summary is what changed between two datasets.
type Summary struct {
	// ServicesAdded and ServicesRemoved are service prefixes, sorted.
	ServicesAdded, ServicesRemoved []string
	// ActionsAdded and ActionsRemoved are service:Action names, sorted.
	ActionsAdded, ActionsRemoved []string
	// LevelChanged are "service:Action: Old -> New", sorted.
	LevelChanged []string
	// Old and New are the two datasets' counts.
	Old, New iamdb.Counts
}

// Compare lists the services and actions added and removed, and the
// access levels changed, from old to new (names compared ignoring case).
func Compare(old, new *iamdb.DB) *Summary {
	sum := &Summary{Old: old.Manifest.Counts, New: new.Manifest.Counts}
	oa := actionLevels(old)
	na := actionLevels(new)
	for _, s := range new.Services {
		if old.Service(s.Prefix) == nil {
			sum.ServicesAdded = append(sum.ServicesAdded, s.Prefix)
		}
	}
	for _, s := range old.Services {
		if new.Service(s.Prefix) == nil {
			sum.ServicesRemoved = append(sum.ServicesRemoved, s.Prefix)
		}
	}
	for k, a := range na {
		o, ok := oa[k]
		switch {
		case !ok:
			sum.ActionsAdded = append(sum.ActionsAdded, a.name)
		case o.level != a.level:
			sum.LevelChanged = append(sum.LevelChanged, fmt.Sprintf("%s: %s -> %s", a.name, o.level, a.level))
		}
	}
	for k, o := range oa {
		if _, ok := na[k]; !ok {
			sum.ActionsRemoved = append(sum.ActionsRemoved, o.name)
		}
	}
	for _, l := range [][]string{sum.ServicesAdded, sum.ServicesRemoved, sum.ActionsAdded, sum.ActionsRemoved, sum.LevelChanged} {
		sort.Strings(l)
	}
	return sum
}

type namedLevel struct {
	name  string
	level iamdb.AccessLevel
}

func actionLevels(db *iamdb.DB) map[string]namedLevel {
	out := map[string]namedLevel{}
	for _, s := range db.Services {
		for _, a := range s.Actions() {
			name := s.Prefix + ":" + a.Name
			out[strings.ToLower(name)] = namedLevel{name, a.AccessLevel}
		}
	}
	return out
}

// Changed reports whether anything differs.
func (s *Summary) Changed() bool {
	return len(s.ServicesAdded)+len(s.ServicesRemoved)+len(s.ActionsAdded)+len(s.ActionsRemoved)+len(s.LevelChanged) > 0
}

// Text renders the summary; lists longer than max names are cut with a
// count of the rest (max <= 0: no cut).
func (s *Summary) Text(max int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Services: %d -> %d (%d added, %d removed)\n", s.Old.Services, s.New.Services, len(s.ServicesAdded), len(s.ServicesRemoved))
	fmt.Fprintf(&b, "Actions: %d -> %d (%d added, %d removed, %d changed access level)\n", s.Old.Actions, s.New.Actions, len(s.ActionsAdded), len(s.ActionsRemoved), len(s.LevelChanged))
	list := func(title string, names []string) {
		if len(names) == 0 {
			return
		}
		fmt.Fprintf(&b, "%s:\n", title)
		for i, n := range names {
			if max > 0 && i == max {
				fmt.Fprintf(&b, "  ... and %d more\n", len(names)-max)
				break
			}
			fmt.Fprintf(&b, "  %s\n", n)
		}
	}
	list("Services added", s.ServicesAdded)
	list("Services removed", s.ServicesRemoved)
	list("Actions added", s.ActionsAdded)
	list("Actions removed", s.ActionsRemoved)
	list("Access levels changed", s.LevelChanged)
	return b.String()
}
