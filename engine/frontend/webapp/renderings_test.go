package webapp

import (
	"testing"

	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// TestLazyRenderings checks that the renderings made on first use (Text,
// File, AllRenderings) are the bytes workbench.Write makes with every
// format, for a whole policy and for a split one, and that asking twice
// or from a copy of the output gives the same bytes.
func TestLazyRenderings(t *testing.T) {
	db, src := crudCase(t)
	for _, split := range []string{"", policyfmt.LimitKeys()[0]} {
		opts := OutputOptions{Split: split}
		out := WritePolicyWith(db, string(src), opts)
		if len(out.Renderings) != 1 || out.Renderings[0].Format.Name != "json" {
			t.Fatalf("split %q: %d renderings made with the policy, want the json one only", split, len(out.Renderings))
		}
		wo := workbench.WriteOptions{Options: opts.Options}
		if split != "" {
			l, err := policyfmt.LookupLimit(split)
			if err != nil {
				t.Fatal(err)
			}
			wo.Split = l
		}
		want, err := workbench.Write(db, src, "template", wo)
		if err != nil {
			t.Fatal(err)
		}
		all := out.AllRenderings()
		if len(all) != len(want.Renderings) {
			t.Fatalf("split %q: %d renderings, want %d", split, len(all), len(want.Renderings))
		}
		cp := out
		for i, w := range want.Renderings {
			name := w.Format.Name
			if all[i].Format.Name != name || string(all[i].Text) != string(w.Text) {
				t.Errorf("split %q: rendering %d is %s, differs from workbench's %s", split, i, all[i].Format.Name, name)
			}
			if got := cp.Text(name); got != string(w.Text) {
				t.Errorf("split %q: Text(%q) of a copy differs", split, name)
			}
			if _, _, got := out.File(name); got != string(w.Text) {
				t.Errorf("split %q: File(%q) differs", split, name)
			}
		}
	}
	if got := (PolicyOutput{}).AllRenderings(); got != nil {
		t.Errorf("AllRenderings of an output without a policy: %d", len(got))
	}
}
