package audit

import (
	"testing"

	"github.com/leastpriv/policysentry/dataset"
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
	for _, l := range lists {
		if l.ID == "" || l.Title == "" || l.Severity == "" {
			t.Errorf("list %+v lacks id, title or severity", l.ID)
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
