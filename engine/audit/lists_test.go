package audit

import (
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// TestBuiltinListsExist checks that every action named in a built-in risk
// list exists in the default dataset, so that no list entry is dead.
func TestBuiltinListsExist(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	lists, err := BuiltinLists()
	if err != nil {
		t.Fatal(err)
	}
	infra, err := InfrastructureModificationList()
	if err != nil {
		t.Fatal(err)
	}
	lists = append(lists, infra)
	if len(lists) != 5 {
		t.Fatalf("%d lists, want 5", len(lists))
	}
	if infra.Levels == nil || len(infra.Levels.Levels) == 0 || infra.Levels.Why == "" {
		t.Errorf("infrastructure-modification has no documented level rule: %+v", infra.Levels)
	} else {
		for _, l := range infra.Levels.Levels {
			if _, err := iamdb.ParseAccessLevel(l); err != nil {
				t.Errorf("infrastructure-modification: %v", err)
			}
		}
	}
	ids := map[string]bool{}
	for _, l := range lists {
		if l.ID == "" || l.Title == "" || l.Severity == "" || l.Description == "" {
			t.Errorf("list %+v lacks id, title, severity or description", l.ID)
		}
		if _, err := ParseSeverity(string(l.Severity)); err != nil {
			t.Errorf("list %s: %v", l.ID, err)
		}
		if ids[l.ID] {
			t.Errorf("two lists with id %s", l.ID)
		}
		ids[l.ID] = true
		if len(l.Actions)+len(l.Methods) < 20 {
			t.Errorf("list %s has only %d entries", l.ID, len(l.Actions)+len(l.Methods))
		}
		seen := map[string]bool{}
		for _, e := range l.Actions {
			if seen[strings.ToLower(e.Action)] {
				t.Errorf("%s: %s listed twice", l.ID, e.Action)
			}
			seen[strings.ToLower(e.Action)] = true
			// A why cut short by YAML (a comma in a flow mapping) ends
			// without a full stop.
			if !strings.HasSuffix(e.Why, ".") {
				t.Errorf("%s: %s: explanation %q looks truncated", l.ID, e.Action, e.Why)
			}
		}
		for _, m := range l.Methods {
			if m.Why == "" {
				t.Errorf("%s: method %s has no explanation", l.ID, m.Name)
			}
			for _, a := range m.Actions {
				if db.Action(a) == nil {
					t.Errorf("%s: method %s: unknown action %s", l.ID, m.Name, a)
				}
			}
		}
		for _, e := range l.Actions {
			if e.Why == "" {
				t.Errorf("%s: %s has no explanation", l.ID, e.Action)
			}
			if len(db.Expand(e.Action)) == 0 {
				t.Errorf("%s: unknown action %s", l.ID, e.Action)
			}
		}
	}
}
