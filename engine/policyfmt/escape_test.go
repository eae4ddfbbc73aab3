package policyfmt

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestEscapingProperty renders 300 random policies whose strings mix
// the characters each language treats specially ($ % & { } \ " ' # : -
// ! * newlines, tabs, control characters, non-ASCII, YAML 1.1 words and
// numbers) as terraform-hcl, cloudformation and cloudformation-json, and
// reads each back with its parser: every string must come back as it
// was. (The cdk output's escaping is checked by the TypeScript compiler
// on the escaping case, in TestCDKTypeScript.)
func TestEscapingProperty(t *testing.T) {
	for i, c := range randomCases(300) {
		want := c.want(t)

		compare(t, "terraform-hcl", hclReadBack(t, hclRender(c.docs)), want)

		var n yaml.Node
		src := cfnYAML(c.docs)
		if err := yaml.Unmarshal(src, &n); err != nil {
			t.Fatalf("policy %d: YAML does not parse: %v\n%s", i, err, src)
		}
		compare(t, "cloudformation", cfnPolicies(t, c, cfnYAMLValue(t, n.Content[0]).(map[string]any)), want)

		d := json.NewDecoder(bytes.NewReader(cfnJSON(c.docs)))
		d.UseNumber()
		var tmpl map[string]any
		if err := d.Decode(&tmpl); err != nil {
			t.Fatalf("policy %d: JSON does not parse: %v", i, err)
		}
		compare(t, "cloudformation-json", cfnPolicies(t, c, tmpl), want)
		if t.Failed() {
			t.Fatalf("policy %d: %#v", i, plain(c.docs[0].doc))
		}
	}
}

// randomCases makes n one-statement policies whose strings mix the
// characters each language treats specially.
func randomCases(n int) []iacCase {
	r := rand.New(rand.NewPCG(7, 15))
	pieces := []string{"$", "${", "$${", "%", "%{", "%%{", "&{", "&", "{", "}", "\\", "\"", "'", "#", " #", ":", ": ", "-", "!", "*", "?",
		"\n", "\t", "\r", "\x01", "\x7f", "\u0085", "\u009f", "\ufeff", "\u00a0", "é", "中", "🚀", "\u2028", " ", "yes", "on", "null", "~", "0777", "1e3", "0x1F", "2026-01-01",
		"aws:username", "arn:aws:s3:::", "/", "<", ">", "=", "[", "]", ",", "|", ">", "@", "`"}
	word := func() string {
		var b strings.Builder
		for range r.IntN(6) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	var out []iacCase
	for range n {
		stmt := Object{{"Sid", "S"}, {"Effect", "Allow"}, {"Action", []Value{word(), "s3:" + word()}}, {"Resource", []Value{word(), word()}}}
		if r.IntN(2) == 0 {
			stmt = append(stmt, Field{"Condition", Object{{"StringLike", Object{{"aws:PrincipalTag/" + word(), []Value{word(), word()}}}}}})
		}
		out = append(out, iacCase{name: "random", docs: []namedDoc{{"policy", Object{{"Version", "2012-10-17"}, {"Statement", []Value{stmt}}}}}})
	}
	return out
}
