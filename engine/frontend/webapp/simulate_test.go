package webapp

import (
	"encoding/json"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// TestSimulate runs every case of testdata/simulate: a YAML file with
// the screen's fields (the policy boxes, action, arn, principal, context)
// against the view in its .golden file (-update rewrites them). Every
// statement a view points to is checked to be selected by its span.
func TestSimulate(t *testing.T) {
	eachCase(t, "simulate", func(t *testing.T, db *iamdb.DB, base string, src []byte) {
		// The case's keys are the state's JSON names (as saved).
		var m map[string]any
		if err := yaml.Unmarshal(src, &m); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(m)
		var s SimulateState
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			t.Fatal(err)
		}
		v := Simulate(db, s)
		boxes := map[string]string{}
		for _, b := range SimulateBoxes {
			boxes[b.Key] = s.Text(b.Key)
		}
		var locs []Loc
		for _, r := range v.Results {
			for _, m := range r.Deciding {
				locs = append(locs, m.At)
			}
			if r.Nearest != nil {
				locs = append(locs, r.Nearest.At)
			}
		}
		checkLocs(t, boxes, locs)
		got, _ := json.MarshalIndent(v, "", "  ")
		golden.Check(t, base+".golden", append(got, '\n'), "")
	})
}

func TestParseContextLines(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, want, err string }{
		{"", "{}", ""},
		{"# comment\n\n  aws:SourceIp=10.0.0.1  \n", `{"aws:SourceIp":["10.0.0.1"]}`, ""},
		{"aws:TagKeys=a,b\naws:TagKeys=c", `{"aws:TagKeys":["a","b","c"]}`, ""},
		{"s3:prefix=home/", `{"s3:prefix":["home/"]}`, ""},
		{"aws:SecureTransport=true\r\naws:CurrentTime=2026-12-01T00:00:00Z", `{"aws:CurrentTime":["2026-12-01T00:00:00Z"],"aws:SecureTransport":["true"]}`, ""},
		{"aws:SecureTransport=yes", "", "line 1: aws:SecureTransport"},
		{"ok:key=1\nno equals sign", "", "line 2: \"no equals sign\": expected key=value"},
		{"=x", "", "line 1:"},
	} {
		ctx, err := ParseContextLines(db, tc.in)
		if tc.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("ParseContextLines(%q): error %v, want one starting %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseContextLines(%q): %v", tc.in, err)
			continue
		}
		got, _ := json.Marshal(ctx)
		if string(got) != tc.want {
			t.Errorf("ParseContextLines(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestSimulateContextKeys(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	s := SimulateState{Action: " s3:GetObject ", ResourceARN: "arn:aws:s3:::b/k"}
	var names []string
	for _, k := range s.ContextKeys(db) {
		names = append(names, k.Name)
	}
	for _, want := range []string{"aws:SourceIp", "s3:ExistingObjectTag/<key>"} {
		found := false
		for _, n := range names {
			found = found || strings.EqualFold(n, want) || strings.HasPrefix(want, "s3:ExistingObjectTag") && strings.HasPrefix(n, "s3:ExistingObjectTag")
		}
		if !found {
			t.Errorf("ContextKeys of s3:GetObject lack %s: %v", want, names)
		}
	}
}

// TestScreenStatesSaved: both screens' inputs travel in a share link and
// the saved state (State.Screens), and a state without them reads as
// empty inputs.
func TestScreenStatesSaved(t *testing.T) {
	c := CompareState{Old: "{}", New: "{\"Statement\": []}", Guardrails: "iam-write", MustNotGrant: "builtin: [organizations]", Public: true}
	sim := SimulateState{Identity: "{}", SCP: "{}", Action: "s3:GetObject", ResourceARN: "arn:aws:s3:::b/k", Principal: "arn:aws:iam::1:user/u", Context: "aws:SourceIp=10.0.0.1"}
	var s State
	s.SetScreen("compare", c)
	s.SetScreen("simulate", sim)
	for _, enc := range []func(State) string{EncodeFragment, EncodeSaved} {
		d, err := DecodeSaved(enc(s))
		if err != nil {
			t.Fatal(err)
		}
		var gc CompareState
		var gs SimulateState
		d.Screen("compare", &gc)
		d.Screen("simulate", &gs)
		if gc != c || gs != sim {
			t.Errorf("round trip: %+v %+v", gc, gs)
		}
	}
	var gc CompareState
	State{}.Screen("compare", &gc)
	if gc != (CompareState{}) {
		t.Errorf("no saved compare state read as %+v", gc)
	}
}
