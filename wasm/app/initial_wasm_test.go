//go:build js && wasm

package main

import (
	"reflect"
	"testing"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/template"
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
	// Every field of a template set, as the form's model comes from
	// template.Parse; a template with condition blocks is read apart.
	every, err := template.Parse([]byte(everySection), "template")
	if err != nil {
		t.Fatal(err)
	}
	full.Template = every
	withConds := base
	if withConds.Template, err = template.Parse([]byte("mode: crud\nread:\n- arn:aws:s3:::b\ncondition:\n  StringEquals:\n    aws:ResourceTag/team: [a, b]\n"), "template"); err != nil {
		t.Fatal(err)
	}
	emptyLists := base
	emptyLists.Template = &template.Template{Mode: template.ModeCRUD, Read: []template.Entry{}, Conditions: []template.ConditionBlock{}}
	for _, c := range []struct {
		name string
		rec  initialOutput
	}{{"empty lists", base}, {"every field", full}, {"nothing", initialOutput{}}, {"template with conditions", withConds}, {"template with empty lists", emptyLists}} {
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

// everySection is a CRUD template with an entry in every section.
const everySection = `mode: crud
name: every
effect: Allow
read:
- arn:aws:s3:::b/*
write:
- arn:aws:s3:::b/*
- ""
list:
- arn:aws:s3:::b
tagging:
- arn:aws:ssm:us-east-1:111122223333:parameter/p
permissions-management:
- arn:aws:kms:us-east-1:111122223333:key/k
wildcard-only:
  single-actions:
  - s3:ListAllMyBuckets
  service-read:
  - ec2
  service-write:
  - sqs
  service-list:
  - s3
  service-tagging:
  - ssm
  service-permissions-management:
  - kms
skip-resource-constraints:
- s3:GetObject
exclude-actions:
- kms:Delete*
sts:
  assume-role:
  - arn:aws:iam::111122223333:role/a
  assume-role-with-saml:
  - arn:aws:iam::111122223333:role/s
  assume-role-with-web-identity:
  - arn:aws:iam::111122223333:role/w
`
