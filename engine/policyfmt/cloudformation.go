package policyfmt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/writer"
	"go.yaml.in/yaml/v3"
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
// template in YAML (yaml.v3 quotes what YAML would read as another type).
func CloudFormationSet(set []Named) []byte { return cfnYAML(docsOf(set)) }

// cfnYAML is CloudFormationSet on policy trees.
func cfnYAML(set []namedDoc) []byte {
	doc := cfnTemplate(set, func(id string) Value { return cfnRef(id) })
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(yamlNode(doc)); err != nil {
		return []byte("# " + strings.ReplaceAll(err.Error(), "\n", " ") + "\n")
	}
	_ = enc.Close()
	return buf.Bytes()
}

// yamlNode converts a Value to a yaml.v3 node.
func yamlNode(v Value) *yaml.Node {
	switch x := v.(type) {
	case Object:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, f := range x {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: f.Key}, yamlNode(f.Value))
		}
		return n
	case []Value:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		if len(x) == 0 {
			n.Style = yaml.FlowStyle
		}
		for _, e := range x {
			n.Content = append(n.Content, yamlNode(e))
		}
		return n
	case cfnRef:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!Ref", Value: string(x)}
	case string:
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: x}
		// CloudFormation reads YAML 1.1, where yes, on, 0777 and
		// 2026-01-01 are not strings: quote what PyYAML would.
		if strings.ContainsAny(x, "\n\r\t") || hasControl(x) || implicit().MatchString(x) {
			n.Style = yaml.DoubleQuotedStyle
		}
		return n
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(x.String(), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: x.String()}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(x)}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
}

// hasControl reports a control character or a line separator, which are
// safest double-quoted.
func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 || r == 0xfeff {
			return true
		}
	}
	return false
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
	writeJSON(&b, doc, 0)
	b.WriteString("\n")
	return []byte(b.String())
}

// writeJSON writes v as indented JSON (two spaces), keys in order.
func writeJSON(b *strings.Builder, v Value, depth int) {
	pad := strings.Repeat("  ", depth)
	switch x := v.(type) {
	case Object:
		if len(x) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, f := range x {
			b.WriteString(pad + "  " + jsonString(f.Key) + ": ")
			writeJSON(b, f.Value, depth+1)
			if i < len(x)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(pad + "}")
	case []Value:
		if len(x) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, e := range x {
			b.WriteString(pad + "  ")
			writeJSON(b, e, depth+1)
			if i < len(x)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(pad + "]")
	case string:
		b.WriteString(jsonString(x))
	case json.Number:
		b.WriteString(x.String())
	case bool:
		fmt.Fprint(b, x)
	default:
		b.WriteString("null")
	}
}

// jsonString quotes s as a JSON string without HTML escaping.
func jsonString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(buf.String(), "\n")
}
