package grant_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/grant"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// TestRandomResourceGrants writes random resource templates (a fixed
// seed: the same every run) for every resource type and checks, against
// the dataset, that the policy grants exactly the asked access levels'
// actions that act on the resource, each on the ARNs of the resource
// types it acts on, and that service principals always carry a source
// condition.
func TestRandomResourceGrants(t *testing.T) {
	db := defaultDB(t)
	r := rand.New(rand.NewPCG(15, 129))
	levels := []string{"read", "write", "list", "tagging", "permissions-management"}
	for _, rt := range grant.ResourceTypes() {
		svc := db.Service(rt.Service)
		written := 0
		for i := 0; i < 20; i++ {
			var asked []string
			for _, l := range levels {
				if r.IntN(2) == 0 {
					asked = append(asked, l)
				}
			}
			if len(asked) == 0 {
				asked = []string{levels[r.IntN(len(levels))]}
			}
			service := r.IntN(2) == 0
			var b strings.Builder
			fmt.Fprintf(&b, "mode: resource\nresource-type: %s\n", rt.Name)
			if rt.Resource != grant.ImpliedResource {
				fmt.Fprintf(&b, "resources: %s\n", rt.Example)
			}
			fmt.Fprintf(&b, "grants:\n- access: [%s]\n", strings.Join(asked, ", "))
			if service {
				b.WriteString("  services: events.amazonaws.com\n  source-account: '111122223333'\n")
			} else {
				b.WriteString("  accounts: '444455556666'\n")
			}
			src := b.String()
			res, err := write(db, []byte(src), "random.yml")
			if err != nil {
				// A level with no action on the resource is an error;
				// it must be one of the asked levels.
				if !strings.Contains(err.Error(), "access level") {
					t.Fatalf("%s\n%v", src, err)
				}
				continue
			}
			written++
			want := map[string]bool{}
			for _, a := range svc.Actions() {
				if slices.Contains(asked, a.AccessLevel.Key()) && slices.ContainsFunc(rt.Parts, func(p grant.Part) bool { return a.SupportsResource(p.Name) }) {
					want[a.FullName()] = true
				}
			}
			got := map[string]bool{}
			for _, st := range res.Policy.Statement {
				if service && (st.Condition == nil || st.Condition["StringEquals"]["aws:SourceAccount"] == nil) {
					t.Errorf("%s: a service statement without aws:SourceAccount: %+v", src, st)
				}
				for _, name := range st.Action {
					got[name] = true
					checkResources(t, db, rt, name, st.Resource)
				}
			}
			if len(got) != len(want) {
				t.Errorf("%s: %d actions written, %d asked", src, len(got), len(want))
			}
			for a := range want {
				if !got[a] {
					t.Errorf("%s: %s not written", src, a)
				}
			}
		}
		if written < 5 {
			t.Errorf("%s: only %d of 20 random templates written", rt.Name, written)
		}
	}
}

// checkResources: an action is written on exactly the ARNs of the parts
// it acts on (or "*", or nothing, as the resource type names resources).
func checkResources(t *testing.T, db *iamdb.DB, rt grant.ResourceType, name string, res grant.Strings) {
	t.Helper()
	a := db.Action(name)
	var want grant.Strings
	for _, p := range rt.Parts {
		if a.SupportsResource(p.Name) {
			want = append(want, rt.Example+p.Suffix)
		}
	}
	if rt.Resource == grant.ImpliedResource {
		want = nil
	}
	if !slices.Equal(want, res) {
		t.Errorf("%s on %v, want %v", name, res, want)
	}
}
