package writer

import (
	"reflect"
	"testing"
)

// TestEqualConditionsAsDeepEqual checks equalConditions against
// reflect.DeepEqual on every pair of a set of Condition elements that
// differ in nil against empty at each level, in keys and in values.
func TestEqualConditionsAsDeepEqual(t *testing.T) {
	conds := []Condition{
		nil,
		{},
		{"StringEquals": nil},
		{"StringEquals": {}},
		{"StringEquals": {"aws:SourceVpc": nil}},
		{"StringEquals": {"aws:SourceVpc": {}}},
		{"StringEquals": {"aws:SourceVpc": {"vpc-1"}}},
		{"StringEquals": {"aws:SourceVpc": {"vpc-2"}}},
		{"StringEquals": {"aws:SourceVpc": {"vpc-1", "vpc-2"}}},
		{"StringEquals": {"aws:SourceVpce": {"vpc-1"}}},
		{"StringLike": {"aws:SourceVpc": {"vpc-1"}}},
		{"StringEquals": {"aws:SourceVpc": {"vpc-1"}, "aws:SourceAccount": {"1"}}},
		{"StringEquals": {"aws:SourceVpc": {"vpc-1"}}, "Bool": {"aws:SecureTransport": {"true"}}},
	}
	for i, a := range conds {
		for j, b := range conds {
			// a copy of b, so that equal pairs are not the same map
			var c Condition
			if b != nil {
				c = Condition{}
				for op, m := range b {
					if m == nil {
						c[op] = nil
						continue
					}
					c[op] = map[string][]string{}
					for k, v := range m {
						c[op][k] = append([]string(nil), v...)
						if v != nil && len(v) == 0 {
							c[op][k] = []string{}
						}
					}
				}
			}
			if got, want := equalConditions(a, c), reflect.DeepEqual(a, c); got != want {
				t.Errorf("equalConditions(#%d %v, #%d %v) = %v, reflect.DeepEqual gives %v", i, a, j, c, got, want)
			}
			if i == j && !equalConditions(a, c) {
				t.Errorf("equalConditions(#%d %v, a copy) = false", i, a)
			}
		}
	}
}
