package workbench_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/golden"
	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/workbench"
	"github.com/leastpriv/policysentry/engine/writer"
)

// pairs expands a policy to its (effect, action, resource) triples.
func pairs(p *writer.Policy) map[string]bool {
	out := map[string]bool{}
	for _, s := range p.Statement {
		for _, a := range s.Action {
			for _, r := range s.Resource {
				out[s.Effect+" "+a+" "+r] = true
			}
		}
	}
	return out
}

// TestWriteSplit writes testdata/split/big.yml (5,936 characters) split
// for each quota: every part fits, the parts grant together exactly what
// the whole policy grants, every format renders the parts, no size
// warning is given, and the result for the user inline quota matches its
// golden file.
func TestWriteSplit(t *testing.T) {
	db := defaultDB(t)
	src, err := os.ReadFile("testdata/split/big.yml")
	if err != nil {
		t.Fatal(err)
	}
	whole, err := workbench.Write(db, src, "big.yml", workbench.WriteOptions{Formats: []string{"json"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range policyfmt.LimitKeys() {
		t.Run(key, func(t *testing.T) {
			limit, err := policyfmt.LookupLimit(key)
			if err != nil {
				t.Fatal(err)
			}
			res, err := workbench.Write(db, src, "big.yml", workbench.WriteOptions{Split: limit})
			if err != nil || res.Split == nil {
				t.Fatalf("%v", err)
			}
			got := map[string]bool{}
			for i, part := range res.Split.Parts {
				if n := policyfmt.Size(part.Policy).Chars; n > limit.Chars {
					t.Errorf("%s has %d characters, over %d", part.Name, n, limit.Chars)
				}
				for k := range pairs(part.Policy) {
					got[k] = true
				}
				if part.Name != fmt.Sprintf("policy-%d", i+1) {
					t.Errorf("part %d named %s", i, part.Name)
				}
			}
			want := pairs(whole.Policy)
			if len(got) != len(want) {
				t.Errorf("the parts grant %d triples, the policy %d", len(got), len(want))
			}
			for k := range want {
				if !got[k] {
					t.Errorf("the parts do not grant %s", k)
				}
			}
			if len(res.Renderings) != len(policyfmt.Formats()) {
				t.Errorf("%d renderings", len(res.Renderings))
			}
			for _, r := range res.Renderings {
				if !bytes.Equal(r.Text, r.Format.RenderSet(res.Split.Parts)) {
					t.Errorf("%s rendering is not of the parts", r.Format.Name)
				}
			}
			for _, d := range res.Diagnostics {
				if d.Code == workbench.CodePolicySize {
					t.Errorf("size warning with a split: %s", d.Message)
				}
			}
			if key == "user-inline" {
				if len(res.Split.Parts) < 3 || len(res.Split.Divided) == 0 {
					t.Errorf("%s", res.Split.Summary())
				}
				golden.Check(t, "testdata/split/big.user-inline.golden",
					[]byte(res.Split.Summary()+"\n--- json\n"+string(res.Text("json"))), "")
			}
			if key == "role-inline" && len(res.Split.Parts) != 1 {
				t.Errorf("a policy within the quota split into %d", len(res.Split.Parts))
			}
		})
	}
}

// TestWriteSplitImpossible checks the error for a policy that no split
// can fit: one action with its one resource is over the quota.
func TestWriteSplitImpossible(t *testing.T) {
	db := defaultDB(t)
	path := filepath.Join("testdata", "split", "too-long.yml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	limit, _ := policyfmt.LookupLimit("200")
	res, err := workbench.Write(db, src, "too-long.yml", workbench.WriteOptions{Split: limit})
	if err == nil || res.Policy != nil || len(res.Errors()) != 1 {
		t.Fatalf("err %v, policy %v", err, res.Policy != nil)
	}
	d := res.Errors()[0]
	if d.Code != workbench.CodeSplitImpossible || !strings.Contains(d.Message, "one action with one resource is already") || d.Start.File != "too-long.yml" {
		t.Errorf("%+v", d)
	}
}
