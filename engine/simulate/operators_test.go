package simulate

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/leastpriv/policysentry/engine/condition"
	"go.yaml.in/yaml/v3"
)

type operatorRow struct {
	Op     string   `yaml:"op"`
	Values []string `yaml:"values"`
	Hit    string   `yaml:"hit"`
	Miss   string   `yaml:"miss"`
}

// TestOperators checks every documented operator, with and without
// IfExists and set operators, on present, absent and multivalued keys.
// The expected results follow from the IAM User Guide's rules:
//   - "If the key that you specify in a policy condition is not present in
//     the request context, the values do not match and the condition is
//     false. If the policy condition requires that the key is not matched,
//     such as StringNotLike or ArnNotLike, and the right key is not present,
//     the condition is true." (condition operators);
//   - IfExists: "If the key is not present, evaluate the condition element
//     as true." (condition operators);
//   - "If a single negated matching condition operator includes multiple
//     values for a context key, those values are evaluated using a logical
//     NOR." (multiple context keys or values);
//   - ForAllValues: "The condition returns true if every context key value
//     in the request matches at least one context key value in the policy.
//     It also returns true if there are no context keys in the request";
//     ForAnyValue: true "if any one of the context key values in the
//     request matches any one of the context key values in the policy",
//     false when the key is absent (single- vs multivalued context keys).
func TestOperators(t *testing.T) {
	src, err := os.ReadFile("testdata/operators.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var rows []operatorRow
	if err := yaml.Unmarshal(src, &rows); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.Op] = true
		op, err := condition.ParseOperator(r.Op)
		if err != nil {
			t.Fatal(err)
		}
		neg := op.Base.Negated
		type check struct {
			qualifier string
			vals      []string // nil: the key is absent
			want      bool
		}
		checks := []check{
			{"", []string{r.Hit}, !neg},
			{"", []string{r.Miss}, neg},
			{"", nil, neg},
			{"", []string{r.Hit, r.Miss}, !neg}, // any value matches (negated: NOR fails)
			{"IfExists", nil, true},             // absent key with IfExists
			{"IfExists", []string{r.Miss}, neg}, // present key: as the base operator
			{"ForAllValues:", nil, true},        // absent: true
			{"ForAllValues:", []string{}, true}, // empty: true
			{"ForAllValues:", []string{r.Hit, r.Miss}, false},
			{"ForAllValues:", []string{r.Hit, r.Hit}, !neg},
			{"ForAnyValue:", nil, false},        // absent: false
			{"ForAnyValue:", []string{}, false}, // empty: false
			{"ForAnyValue:", []string{r.Hit, r.Miss}, true},
			{"ForAnyValue:", []string{r.Miss, r.Miss}, neg},
		}
		for _, c := range checks {
			name := r.Op
			switch c.qualifier {
			case "IfExists":
				name += "IfExists"
			case "":
			default:
				name = c.qualifier + r.Op
			}
			vals, _ := json.Marshal(r.Values)
			conds, err := compileConditions(json.RawMessage(fmt.Sprintf(`{%q: {"k": %s}}`, name, vals)), true)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			keys := map[string][]string{}
			if c.vals != nil {
				keys["k"] = c.vals
			}
			if got, _, _ := conds[0].eval(keys); got != c.want {
				t.Errorf("%s with %q (absent: %v) = %v, want %v", name, c.vals, c.vals == nil, got, c.want)
			}
		}
	}
	for _, b := range condition.Bases() {
		if b.Name != "Null" && !seen[b.Name] {
			t.Errorf("operator %s has no row in testdata/operators.yaml", b.Name)
		}
	}
}
