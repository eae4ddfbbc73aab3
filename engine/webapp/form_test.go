package webapp

import (
	"testing"

	"github.com/leastpriv/policysentry/engine/template"
)

func TestFormRowsRoundTrip(t *testing.T) {
	tm, err := template.Parse([]byte(DefaultCRUD), "t")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range CRUDSections {
		y, err := AddRow(tm, s.Key, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s\n%s", s.Key, y)
		tm, err = template.Parse([]byte(y), "t")
		if err != nil {
			t.Fatalf("%s: %v\n%s", s.Key, err, y)
		}
		if n := len(*Entries(tm, s.Key)); n == 0 {
			t.Errorf("%s: the empty row did not survive YAML", s.Key)
		}
	}
}
