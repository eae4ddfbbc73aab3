package policyfmt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/leastpriv/policysentry/engine/writer"
)

// The CloudFormation templates hold one AWS::IAM::ManagedPolicy per
// policy, its logical ID the policy's name in CamelCase ("Policy",
// "Policy1", ...), and an output with its ARN (!Ref). The policy document
// is written as it is: CloudFormation reads "${...}" only inside Fn::Sub,
// which these templates do not use, so IAM policy variables such as
// "${aws:username}" need no escaping.

// cfnTemplate builds the template as ordered Values; ref makes the value
// of a Ref to a logical ID (the short tag !Ref in YAML, {"Ref": id} in
// JSON).
func cfnTemplate(set []namedDoc, ref func(id string) Value) Object {
	var resources, outputs Object
	for i, n := range set {
		id := identifier(n.name, true)
		props := Object{}
		if len(set) > 1 {
			props = append(props, Field{"Description", fmt.Sprintf("%s (%d of %d), written by policy-sentry", n.name, i+1, len(set))})
		}
		props = append(props, Field{"PolicyDocument", n.doc})
		resources = append(resources, Field{id, Object{{"Type", "AWS::IAM::ManagedPolicy"}, {"Properties", props}}})
		outputs = append(outputs, Field{id + "Arn", Object{
			{"Description", "The ARN of the managed policy " + n.name},
			{"Value", ref(id)},
		}})
	}
	return Object{
		{"AWSTemplateFormatVersion", "2010-09-09"},
		{"Description", "IAM managed policies written by policy-sentry (write-policy --fmt cloudformation)"},
		{"Resources", resources},
		{"Outputs", outputs},
	}
}

// cfnRef is a YAML !Ref to a logical ID.
type cfnRef string

// CloudFormation renders the policy as a CloudFormation template in YAML.
func CloudFormation(p *writer.Policy) []byte { return CloudFormationSet(single(p)) }

// CloudFormationSet renders several policies as one CloudFormation
// template in YAML.
func CloudFormationSet(set []Named) []byte { return cfnYAML(docsOf(set)) }

// cfnYAML is CloudFormationSet on policy trees. Block style, two-space
// indentation; a string is plain when YAML 1.1 (CloudFormation's reader)
// reads it back as the same string (needsQuotes: not yes, on, 0777,
// 2026-01-01, null, ~, no indicator first, no ": " or " #", printable
// ASCII), otherwise double-quoted with JSON's escapes, which YAML's
// double-quoted style shares.
func cfnYAML(set []namedDoc) []byte {
	var b strings.Builder
	yamlBlock(&b, cfnTemplate(set, func(id string) Value { return cfnRef(id) }), 0)
	return []byte(b.String())
}

// yamlBlock writes an object's fields, or a list's items, at indent; the
// caller has written the first line's indentation.
func yamlBlock(b *strings.Builder, v Value, indent int) {
	pad := strings.Repeat(" ", indent)
	switch x := v.(type) {
	case Object:
		for i, f := range x {
			if i > 0 {
				b.WriteString(pad)
			}
			b.WriteString(yamlString(f.Key) + ":")
			yamlAfterKey(b, f.Value, indent)
		}
	case []Value:
		for i, e := range x {
			if i > 0 {
				b.WriteString(pad)
			}
			b.WriteString("- ")
			switch y := e.(type) {
			case Object:
				if len(y) > 0 {
					yamlBlock(b, y, indent+2)
					continue
				}
			case []Value:
				if len(y) > 0 {
					yamlBlock(b, y, indent+2)
					continue
				}
			}
			b.WriteString(yamlInline(e) + "\n")
		}
	}
}

// yamlAfterKey writes a field's value after "key:".
func yamlAfterKey(b *strings.Builder, v Value, indent int) {
	switch x := v.(type) {
	case Object:
		if len(x) > 0 {
			b.WriteString("\n" + strings.Repeat(" ", indent+2))
			yamlBlock(b, x, indent+2)
			return
		}
	case []Value:
		if len(x) > 0 {
			b.WriteString("\n" + strings.Repeat(" ", indent+2))
			yamlBlock(b, x, indent+2)
			return
		}
	}
	b.WriteString(" " + yamlInline(v) + "\n")
}

// yamlInline is a scalar, an empty collection or a !Ref on one line.
func yamlInline(v Value) string {
	switch x := v.(type) {
	case cfnRef:
		return "!Ref " + yamlString(string(x))
	case string:
		return yamlString(x)
	case json.Number:
		return x.String()
	case bool:
		return fmt.Sprint(x)
	case Object:
		return "{}"
	case []Value:
		return "[]"
	}
	return "null"
}

// yaml12Number matches the plain scalars YAML 1.2's core schema reads
// as numbers that YAML 1.1 reads as strings (1e3, 0o17, +.5): quoted
// too, so that either reader gets a string.
var yaml12Number = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+)$`)
})

// yamlString is s plain when YAML 1.1 and 1.2 read it back unchanged,
// else double-quoted.
func yamlString(s string) string {
	if needsQuotes(s) || strings.ContainsAny(s, "\"'\\") || yaml12Number().MatchString(s) {
		return yamlQuote(s)
	}
	return s
}

// yamlQuote double-quotes s with JSON's escapes, and escapes too the
// characters YAML does not allow raw (DEL, the C1 controls, U+FEFF,
// U+FFFE, U+FFFF), which JSON allows.
func yamlQuote(s string) string {
	q := jsonString(s)
	if !strings.ContainsFunc(q, yamlNotPrintable) {
		return q
	}
	var b strings.Builder
	for _, r := range q {
		if yamlNotPrintable(r) {
			fmt.Fprintf(&b, `\u%04x`, r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// yamlNotPrintable reports a character outside YAML's printable set
// that JSON writes raw.
func yamlNotPrintable(r rune) bool {
	return r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0xfeff || r == 0xfffe || r == 0xffff
}

// CloudFormationJSON renders the policy as a CloudFormation template in
// JSON.
func CloudFormationJSON(p *writer.Policy) []byte { return CloudFormationJSONSet(single(p)) }

// CloudFormationJSONSet renders several policies as one CloudFormation
// template in JSON, indented by two spaces, characters outside ASCII as
// they are.
func CloudFormationJSONSet(set []Named) []byte { return cfnJSON(docsOf(set)) }

// cfnJSON is CloudFormationJSONSet on policy trees.
func cfnJSON(set []namedDoc) []byte {
	doc := cfnTemplate(set, func(id string) Value { return Object{{"Ref", id}} })
	var b strings.Builder
	jsonLiteral.write(&b, doc, 0)
	b.WriteString("\n")
	return []byte(b.String())
}

// jsonString quotes s as a JSON string without HTML escaping.
func jsonString(s string) string {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		plain = s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\'
	}
	if plain {
		return `"` + s + `"`
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(buf.String(), "\n")
}
