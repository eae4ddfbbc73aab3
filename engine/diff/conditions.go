package diff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/leastpriv/policysentry/engine/condition"
)

// clause is one (operator, key, values) of a Condition element. Keys are
// compared case-insensitively (IAM key names are); values as written.
type clause struct {
	Op  string `json:"operator"`
	Key string `json:"key"`
	// key is Key lower-cased, for comparison.
	key    string
	Values []string `json:"values"`
}

func (c clause) String() string {
	return fmt.Sprintf("%s %s %v", c.Op, c.Key, c.Values)
}

// parseConditions reads a statement's raw Condition element into clauses,
// sorted, so equal conditions compare equal whatever their order.
func parseConditions(raw json.RawMessage) ([]clause, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var m map[string]map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("condition: %w", err)
	}
	var out []clause
	for op, keys := range m {
		for k, v := range keys {
			c := clause{Op: op, Key: k, key: strings.ToLower(k)}
			switch x := v.(type) {
			case []any:
				for _, e := range x {
					c.Values = append(c.Values, scalar(e))
				}
			default:
				c.Values = []string{scalar(x)}
			}
			slices.Sort(c.Values)
			c.Values = slices.Compact(c.Values)
			out = append(out, c)
		}
	}
	// sort.Slice: the same algorithm and order as slices.SortFunc, with code that every element type shares (the web app links one copy instead of one per struct type).
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.Op != b.Op {
			return a.Op < b.Op
		}
		return a.key < b.key
	})
	return out, nil
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return "null"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// conditionText is the canonical text of a clause list ("" for none).
func conditionText(cs []clause) string {
	if len(cs) == 0 {
		return ""
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strings.Join(parts, "; ")
}

// implied reports whether clause c (a restriction of the old statement)
// is at least as strictly enforced by one of the clauses in by. A clause
// implies another with the same operator and key when its values are a
// subset (for positive operators: fewer allowed values) or a superset (for
// negated operators: more excluded values). Anything else (a different
// operator, IfExists added, a numeric bound moved) is not recognised and
// counts as loosened: the comparison may report a change that is not one,
// never the reverse.
func implied(c clause, by []clause) bool {
	for _, n := range by {
		if n.Op != c.Op || n.key != c.key {
			continue
		}
		op, err := condition.ParseOperator(c.Op)
		if err != nil {
			return slices.Equal(n.Values, c.Values)
		}
		switch {
		case slices.Equal(n.Values, c.Values):
			return true
		case op.Base.Compare != "eq" || op.Base.Type == condition.Null || op.Base.Type == condition.Bool:
			continue
		case op.Base.Negated:
			if valuesCover(n.Values, c.Values, op.Base.Like) {
				return true
			}
		default:
			if valuesCover(c.Values, n.Values, op.Base.Like) {
				return true
			}
		}
	}
	return false
}

// valuesCover reports whether every value in sub is matched by a value in
// sup (as a pattern when like is set).
func valuesCover(sup, sub []string, like bool) bool {
	for _, s := range sub {
		ok := false
		for _, p := range sup {
			if p == s || (like && covers(p, s)) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// looserBy returns the clauses of old that new does not enforce: empty when
// new's conditions are the same as or stricter than old's.
func looserBy(old, new []clause) []clause {
	var out []clause
	for _, c := range old {
		if !implied(c, new) {
			out = append(out, c)
		}
	}
	return out
}
