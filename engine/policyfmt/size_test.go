package policyfmt

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/writer"
)

// policyOfSize returns a policy whose whitespace-free JSON has exactly n
// characters (n must be at least the size of the empty-resource policy).
func policyOfSize(t *testing.T, n int) *writer.Policy {
	t.Helper()
	p := &writer.Policy{Version: "2012-10-17", Statement: []writer.Statement{{
		Sid: "S", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{""}}}}
	b, _ := json.Marshal(p)
	if n < len(b) {
		t.Fatalf("a policy cannot be shorter than %d characters", len(b))
	}
	p.Statement[0].Resource[0] = strings.Repeat("a", n-len(b))
	return p
}

// TestSizeLimits checks each AWS quota at its boundary: a policy of
// exactly the quota is within it, one character more is over.
func TestSizeLimits(t *testing.T) {
	for _, l := range Limits {
		at := Size(policyOfSize(t, l.Chars))
		if at.Chars != l.Chars {
			t.Fatalf("Size counted %d characters, want %d", at.Chars, l.Chars)
		}
		for _, o := range at.Over {
			if o.Name == l.Name {
				t.Errorf("a policy of %d characters is reported over the %s quota", l.Chars, l.Name)
			}
		}
		over := Size(policyOfSize(t, l.Chars+1))
		found := false
		for _, o := range over.Over {
			found = found || o.Name == l.Name
			if o.Chars >= l.Chars+1 {
				t.Errorf("%d characters reported over the %s quota of %d", l.Chars+1, o.Name, o.Chars)
			}
		}
		if !found {
			t.Errorf("a policy of %d characters is not reported over the %s quota", l.Chars+1, l.Name)
		}
		if !strings.Contains(over.Summary(), l.Name+" "+itoa(l.Chars)+" (over)") {
			t.Errorf("summary does not flag %s: %s", l.Name, over.Summary())
		}
	}
}

// TestSizeIgnoresWhitespace checks that whitespace, even inside strings,
// is not counted, as AWS counts.
func TestSizeIgnoresWhitespace(t *testing.T) {
	a := policyOfSize(t, 300)
	b := policyOfSize(t, 300)
	b.Statement[0].Sid = " S  "
	if Size(a).Chars != Size(b).Chars {
		t.Errorf("whitespace counted: %d vs %d", Size(a).Chars, Size(b).Chars)
	}
	if got := len(JSON(a)); got <= Size(a).Chars {
		t.Errorf("the indented JSON (%d bytes) should be longer than the counted size (%d)", got, Size(a).Chars)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
