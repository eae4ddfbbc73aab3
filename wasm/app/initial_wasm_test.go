//go:build js && wasm

package main

import (
	"reflect"
	"testing"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/writer"
)

// TestInitialFromJS checks that the app's reader of the shipped policy
// (JSON.parse, encoding/json only for non-empty lists of structures)
// gives what encoding/json gives, with every field set or empty. Run it
// with GOOS=js GOARCH=wasm go test -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./wasm/app.
func TestInitialFromJS(t *testing.T) {
	base := initialOutput{Screen: "crud", YAML: "mode: crud\nname: x <&>\n", Dataset: "abc", Formats: []string{"json", "yaml"},
		Texts: []string{"{\n  \"a\": \"</script>\"\n}\n", "a: 1\n"}, Size: policyfmt.SizeReport{Chars: 1245}, SizeText: "1,245 characters", Checks: webapp.Checks{Summary: "No findings"}}
	full := base
	full.Options = webapp.OutputOptions{Options: writer.Options{Minimize: true, MinLength: 4}, Split: "managed"}
	full.Size.Over = []policyfmt.Limit{{Name: "user inline policy", Chars: 2048}}
	full.Warnings = diag.List{{Severity: diag.Warning, Code: "X", Message: "m", Start: diag.Position{File: "template", Line: 2, Column: 3}}}
	full.Added = []string{"s3:GetObject"}
	full.SplitText = "2 parts"
	full.Checks = webapp.Checks{Summary: "1 warning", Worst: "warning", Findings: []webapp.ValidateFinding{{Type: "WARNING", Class: "warning", Message: "m", Line: 3, Start: 4, End: 9}}}
	for _, c := range []struct {
		name string
		rec  initialOutput
	}{{"empty lists", base}, {"every field", full}, {"nothing", initialOutput{}}} {
		b, err := encodeInitialOutput(c.rec)
		if err != nil {
			t.Fatal(err)
		}
		want, err := decodeInitialOutput(b)
		if err != nil {
			t.Fatal(err)
		}
		got, err := initialFromJS(string(b))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: JSON.parse reader gives\n%+v\nencoding/json\n%+v", c.name, got, want)
		}
	}
	if _, err := initialFromJS("{not json"); err == nil {
		t.Error("bad JSON: no error")
	}
}
