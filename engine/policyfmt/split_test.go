package policyfmt

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/writer"
)

// grants expands a policy to what it grants: one entry per statement
// shape (every element but Sid, Action and Resource, as JSON) × action ×
// resource.
func grants(t *testing.T, p *writer.Policy) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, s := range p.Statement {
		b, _ := json.Marshal(s)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "Sid")
		delete(m, "Action")
		delete(m, "Resource")
		rest, _ := json.Marshal(m)
		actions, resources := s.Action, s.Resource
		if actions == nil {
			actions = []string{""}
		}
		if resources == nil {
			resources = []string{""}
		}
		for _, a := range actions {
			for _, r := range resources {
				out[string(rest)+"\x00"+a+"\x00"+r] = true
			}
		}
	}
	return out
}

// randomPolicy makes a policy of n statements of random shapes: a few
// actions or hundreds, one resource or dozens, Allow and Deny, long and
// short names, some characters JSON escapes.
func randomPolicy(r *rand.Rand, n int) *writer.Policy {
	word := func(min, max int) string {
		const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/<>&é\""
		rs := []rune(letters)
		b := make([]rune, min+r.IntN(max-min+1))
		for i := range b {
			b[i] = rs[r.IntN(len(rs))]
		}
		return string(b)
	}
	p := &writer.Policy{Version: "2012-10-17"}
	for i := range n {
		s := writer.Statement{Sid: fmt.Sprintf("S%d", i), Effect: "Allow"}
		if r.IntN(5) == 0 {
			s.Effect = "Deny"
		}
		na := 1 + r.IntN(4)
		if r.IntN(3) == 0 {
			na = 1 + r.IntN(250)
		}
		for range na {
			s.Action = append(s.Action, "svc"+word(1, 3)+":"+word(3, 30))
		}
		nr := 1 + r.IntN(3)
		if r.IntN(3) == 0 {
			nr = 1 + r.IntN(40)
		}
		for range nr {
			s.Resource = append(s.Resource, "arn:aws:svc:us-east-1:123456789012:"+word(5, 120))
		}
		p.Statement = append(p.Statement, s)
	}
	return p
}

// TestSplitProperty checks, for random policies and every quota, that
// each part fits, that the parts together grant exactly what the policy
// grants, that a statement fitting the quota is kept whole, that no
// fewer parts than the size allows are written, and that splitting again
// gives the same parts.
func TestSplitProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 2026))
	limits := append(slices.Clone(Limits), Limit{Name: "tiny", Chars: 900})
	for iter := range 40 {
		p := randomPolicy(r, 1+r.IntN(12))
		want := grants(t, p)
		for _, l := range limits {
			res, err := Split(p, l)
			if err != nil {
				// Only when one action with one resource is too long.
				if !strings.Contains(err.Error(), "one action with one resource") {
					t.Fatalf("policy %d, %s: %v", iter, l.Name, err)
				}
				continue
			}
			got := map[string]bool{}
			whole := map[string]bool{}
			total := 0
			for i, part := range res.Parts {
				if part.Name != fmt.Sprintf("policy-%d", i+1) {
					t.Errorf("part %d named %q", i, part.Name)
				}
				if n := Size(part.Policy).Chars; n > l.Chars || n != res.Sizes[i] {
					t.Errorf("policy %d, %s: part %s has %d characters (reported %d)", iter, l.Name, part.Name, n, res.Sizes[i])
				}
				total += res.Sizes[i]
				maps.Copy(got, grants(t, part.Policy))
				for _, s := range part.Policy.Statement {
					b, _ := json.Marshal(s)
					whole[string(b)] = true
				}
			}
			if !maps.Equal(got, want) {
				t.Errorf("policy %d, %s: the parts grant %d (action, resource) pairs, the policy %d", iter, l.Name, len(got), len(want))
			}
			for _, s := range p.Statement {
				b, _ := json.Marshal(s)
				if sizeOf(s)+41 <= l.Chars && !whole[string(b)] {
					t.Errorf("policy %d, %s: statement %s fits alone but was divided", iter, l.Name, s.Sid)
				}
			}
			if Size(p).Chars <= l.Chars && len(res.Parts) != 1 {
				t.Errorf("policy %d, %s: a policy within the quota was split into %d", iter, l.Name, len(res.Parts))
			}
			again, _ := Split(p, l)
			if !reflect.DeepEqual(again, res) {
				t.Errorf("policy %d, %s: a second split differs", iter, l.Name)
			}
		}
	}
}

// TestSplitCases checks the decisions on small cases: statements packed
// into the fewest parts (where first-fit decreasing alone would take
// more), a statement divided by its resources or its actions, and the
// errors.
func TestSplitCases(t *testing.T) {
	stmt := func(sid string, actions, resources int, pad int) writer.Statement {
		s := writer.Statement{Sid: sid, Effect: "Allow"}
		for i := range actions {
			s.Action = append(s.Action, fmt.Sprintf("s3:Action%03d", i))
		}
		for i := range resources {
			s.Resource = append(s.Resource, fmt.Sprintf("arn:aws:s3:::bucket-%03d-%s", i, strings.Repeat("x", pad)))
		}
		return s
	}
	limit := Limit{Name: "test", Chars: 1000}
	t.Run("whole statements, fewest parts", func(t *testing.T) {
		// Weights chosen so that first-fit decreasing needs three parts
		// and two suffice.
		p := &writer.Policy{Version: "2012-10-17"}
		for i, n := range []int{500, 400, 300, 300, 300, 200} {
			s := stmt(fmt.Sprintf("S%d", i), 1, 1, 0)
			s.Resource[0] += strings.Repeat("y", n-sizeOf(s)-1)
			p.Statement = append(p.Statement, s)
		}
		res, err := Split(p, Limit{Name: "test", Chars: 1038})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Parts) != 2 || !res.Optimal || len(res.Divided) != 0 {
			t.Fatalf("got %d parts (optimal %v, divided %v): %s", len(res.Parts), res.Optimal, res.Divided, res.Summary())
		}
		if weights := []int{500, 400, 300, 300, 300, 200}; len(mustPack(weights, 1000)) != 2 {
			t.Errorf("pack did not find two bins")
		}
	})
	t.Run("divided by actions", func(t *testing.T) {
		p := &writer.Policy{Version: "2012-10-17", Statement: []writer.Statement{stmt("Many", 200, 1, 0)}}
		res, err := Split(p, limit)
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range res.Parts {
			for _, s := range part.Policy.Statement {
				if len(s.Resource) != 1 {
					t.Errorf("resources divided: %v", s.Resource)
				}
			}
		}
		if len(res.Parts) < 2 || !slices.Equal(res.Divided, []string{"Many"}) || !strings.Contains(res.Summary(), "divided: Many") {
			t.Errorf("%s", res.Summary())
		}
	})
	t.Run("divided by resources", func(t *testing.T) {
		p := &writer.Policy{Version: "2012-10-17", Statement: []writer.Statement{stmt("Wide", 2, 40, 10)}}
		res, err := Split(p, limit)
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range res.Parts {
			for _, s := range part.Policy.Statement {
				if len(s.Action) != 2 {
					t.Errorf("actions divided: %v", s.Action)
				}
			}
		}
	})
	t.Run("divided by both", func(t *testing.T) {
		p := &writer.Policy{Version: "2012-10-17", Statement: []writer.Statement{stmt("Both", 60, 40, 10)}}
		res, err := Split(p, limit)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(grants(t, p), unionGrants(t, res)) {
			t.Errorf("grants differ")
		}
	})
	t.Run("one pair too long", func(t *testing.T) {
		p := &writer.Policy{Version: "2012-10-17", Statement: []writer.Statement{stmt("Huge", 1, 1, 1200)}}
		_, err := Split(p, limit)
		if err == nil || !strings.Contains(err.Error(), `statement 1 (Sid "Huge"): one action with one resource is already`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("empty policy", func(t *testing.T) {
		res, err := Split(&writer.Policy{Version: "2012-10-17"}, limit)
		if err != nil || len(res.Parts) != 1 {
			t.Errorf("%v %v", res, err)
		}
	})
}

func unionGrants(t *testing.T, res *SplitResult) map[string]bool {
	out := map[string]bool{}
	for _, p := range res.Parts {
		maps.Copy(out, grants(t, p.Policy))
	}
	return out
}

func mustPack(weights []int, capacity int) [][]int {
	b, _ := pack(weights, capacity)
	return b
}

// TestLookupLimit checks the quota names users type and the errors.
func TestLookupLimit(t *testing.T) {
	for in, want := range map[string]int{
		"managed": 6144, "managed-policy": 6144, "Managed Policy": 6144, "role-inline": 10240,
		"user_inline": 2048, "group inline policy": 5120, "4000": 4000,
	} {
		l, err := LookupLimit(in)
		if err != nil || l.Chars != want {
			t.Errorf("LookupLimit(%q) = %v, %v", in, l, err)
		}
	}
	for in, want := range map[string]string{
		"manged": "use user-inline (2048), group-inline (5120), managed (6144), role-inline (10240)",
		"10":     "at least 200",
	} {
		if _, err := LookupLimit(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LookupLimit(%q): %v, want %q", in, err, want)
		}
	}
	if got := LimitKeys(); !slices.Equal(got, []string{"user-inline", "group-inline", "managed", "role-inline"}) {
		t.Errorf("LimitKeys = %v", got)
	}
}
