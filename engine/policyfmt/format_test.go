package policyfmt

import (
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/writer"
)

// TestLookup checks lookup by name, any case, and the error for an
// unknown name: it suggests the nearest and lists every format.
func TestLookup(t *testing.T) {
	p := &writer.Policy{Version: "2012-10-17", Statement: []writer.Statement{{Sid: "S", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{"*"}}}}
	for _, tc := range []struct {
		name, want, ext, media string
		render                 func(*writer.Policy) []byte
	}{
		{"json", "json", ".json", "application/json", JSON},
		{"YAML", "yaml", ".yml", "application/yaml", YAML},
		{"Terraform", "terraform", ".tf.json", "application/json", Terraform},
	} {
		f, err := Lookup(tc.name)
		if err != nil || f.Name != tc.want || f.Ext != tc.ext || f.MediaType != tc.media || string(f.Render(p)) != string(tc.render(p)) {
			t.Errorf("Lookup(%q) = %+v, %v", tc.name, f, err)
		}
	}
	for _, tc := range []struct{ name, want string }{
		{"yml", `did you mean "yaml"?`},
		{"terrafrom", `did you mean "terraform"?`},
		{"", "formats: json, yaml, terraform"},
	} {
		if _, err := Lookup(tc.name); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Lookup(%q): %v, want it to say %q", tc.name, err, tc.want)
		}
	}
	if Default().Name != "json" || Names()[0] != "json" || len(Formats()) != len(Names()) {
		t.Errorf("default %q, names %v", Default().Name, Names())
	}
	seen := map[string]bool{}
	for _, f := range Formats() {
		if seen[f.Name] || f.Ext == "" || f.MediaType == "" || f.Render == nil || !strings.HasSuffix(string(f.Render(p)), "\n") {
			t.Errorf("format %+v: duplicate or incomplete", f)
		}
		seen[f.Name] = true
	}
}

// TestSizeWords checks the size warning and description, and that both
// carry the same hint.
func TestSizeWords(t *testing.T) {
	r := SizeReport{Chars: 3467, Over: []Limit{{Name: "user inline policy", Chars: 2048}}}
	for _, want := range []string{"3,467 characters", "fits a group inline policy (5,120)", "too long for a user inline policy (2,048)"} {
		if got := r.Describe(false); !strings.Contains(got, want) {
			t.Errorf("Describe = %q, lacks %q", got, want)
		}
	}
	if w := r.Warning(false); !strings.Contains(w, "3467 characters") || !strings.HasSuffix(w, HintMinimize) {
		t.Errorf("Warning = %q", w)
	}
	if w := r.Warning(true); !strings.HasSuffix(w, HintSplit) {
		t.Errorf("Warning(minimized) = %q", w)
	}
	if w := (SizeReport{Chars: 10}).Warning(false); w != "" {
		t.Errorf("Warning within quotas = %q", w)
	}
	huge := SizeReport{Chars: 20000, Over: Limits}
	if got := huge.Describe(false); !strings.HasSuffix(got, HintMinimize) || strings.Contains(got, "fits") {
		t.Errorf("Describe for an oversize policy = %q", got)
	}
	if got := huge.Describe(true); !strings.HasSuffix(got, HintSplit) {
		t.Errorf("Describe(minimized) for an oversize policy = %q", got)
	}
}
