package webapp

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// TestCompare runs every case of testdata/compare: a YAML file with the
// screen's fields (old, new, guardrails, mustNotGrant, public) against
// the view in its .golden file (-update rewrites them).
func TestCompare(t *testing.T) {
	eachCase(t, "compare", func(t *testing.T, db *iamdb.DB, base string, src []byte) {
		var c struct {
			Old          string `yaml:"old"`
			New          string `yaml:"new"`
			Guardrails   string `yaml:"guardrails"`
			MustNotGrant string `yaml:"mustNotGrant"`
			Public       bool   `yaml:"public"`
		}
		decodeCase(t, src, &c)
		s := CompareState(c)
		v := Compare(db, s)
		checkLocs(t, map[string]string{"old": s.Old, "new": s.New}, compareLocs(v))
		got, _ := json.MarshalIndent(v, "", "  ")
		golden.Check(t, base+".golden", append(got, '\n'), "")
	})
}

// compareLocs lists every location of a view.
func compareLocs(v CompareView) []Loc {
	var out []Loc
	for _, cs := range [][]ChangeView{v.New, v.May, v.Removed} {
		for _, c := range cs {
			out = append(out, c.At)
			out = append(out, c.Related...)
		}
	}
	for _, h := range v.Hits {
		out = append(out, h.At)
	}
	for _, p := range v.Public {
		out = append(out, p.At)
	}
	return out
}

// checkLocs checks that each location's Start:End selects, in its box's
// text as a browser holds it (UTF-16), a statement: an object starting at
// Line:Column.
func checkLocs(t *testing.T, boxes map[string]string, locs []Loc) {
	t.Helper()
	for _, l := range locs {
		text, ok := boxes[l.Box]
		if !ok {
			t.Errorf("%s: no box %q", l.Text(), l.Box)
			continue
		}
		u := utf16.Encode([]rune(text))
		if l.Start < 0 || l.End > len(u) || l.Start >= l.End {
			t.Errorf("%s: span %d:%d outside the text (%d units)", l.Text(), l.Start, l.End, len(u))
			continue
		}
		sel := string(utf16.Decode(u[l.Start:l.End]))
		if !strings.HasPrefix(sel, "{") || !strings.HasSuffix(sel, "}") {
			t.Errorf("%s: selects %q, not a statement", l.Text(), sel)
		}
		lines := strings.Split(text, "\n")
		if l.Line < 1 || l.Line > len(lines) || len([]rune(lines[l.Line-1])) < l.Column {
			t.Errorf("%s: line:column outside the text", l.Text())
			continue
		}
		if at := string([]rune(lines[l.Line-1])[l.Column-1:]); !strings.HasPrefix(sel, at[:min(len(at), 1)]) {
			t.Errorf("%s: line:column is at %q, not the statement", l.Text(), at)
		}
		if got := strings.Count(sel, "\n") + l.Line; got != l.EndLine {
			t.Errorf("%s: EndLine %d, the statement ends on line %d", l.Text(), l.EndLine, got)
		}
	}
}
