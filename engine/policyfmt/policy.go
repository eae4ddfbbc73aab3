package policyfmt

import (
	"maps"
	"slices"
	"strings"

	"github.com/leastpriv/policysentry/engine/writer"
)

// object returns the policy as an ordered JSON object.
func object(p *writer.Policy) Object {
	stmts := make([]Value, len(p.Statement))
	for i, s := range p.Statement {
		st := Object{
			{"Sid", s.Sid}, {"Effect", s.Effect}, {"Action", s.Action}, {"Resource", s.Resource},
		}
		if len(s.Condition) > 0 {
			st = append(st, Field{"Condition", conditionObject(s.Condition)})
		}
		stmts[i] = st
	}
	return Object{{"Version", p.Version}, {"Statement", stmts}}
}

// conditionObject is a Condition element with operators and keys sorted;
// one value as a string, several as an array.
func conditionObject(c writer.Condition) Object {
	var out Object
	for _, op := range slices.Sorted(maps.Keys(c)) {
		var keys Object
		for _, k := range slices.Sorted(maps.Keys(c[op])) {
			vs := c[op][k]
			if len(vs) == 1 {
				keys = append(keys, Field{k, vs[0]})
			} else {
				keys = append(keys, Field{k, vs})
			}
		}
		out = append(out, Field{op, keys})
	}
	return out
}

// JSON renders the policy as Policy Sentry prints it: json.dumps(indent=4)
// and a newline.
func JSON(p *writer.Policy) []byte {
	return []byte(PyJSON(object(p), 4) + "\n")
}

// Terraform renders {"policy": "<the policy as one-line JSON>"}, the
// shape Terraform's external data source reads, as Policy Sentry prints it.
func Terraform(p *writer.Policy) []byte {
	inner := PyJSON(object(p), -1)
	return []byte(PyJSON(Object{{"policy", inner}}, -1) + "\n")
}

// YAML renders the policy as PyYAML's yaml.dump(sort_keys=False) followed
// by print's newline, as Policy Sentry prints it.
func YAML(p *writer.Policy) []byte {
	var b strings.Builder
	b.WriteString("Version: " + yamlScalar(p.Version) + "\n")
	if len(p.Statement) == 0 {
		b.WriteString("Statement: []\n\n")
		return []byte(b.String())
	}
	b.WriteString("Statement:\n")
	for _, s := range p.Statement {
		b.WriteString("- Sid: " + yamlScalar(s.Sid) + "\n")
		b.WriteString("  Effect: " + yamlScalar(s.Effect) + "\n")
		yamlList(&b, "Action", s.Action)
		yamlList(&b, "Resource", s.Resource)
		if len(s.Condition) > 0 {
			b.WriteString("  Condition:\n")
			for _, op := range conditionObject(s.Condition) {
				b.WriteString("    " + yamlScalar(op.Key) + ":\n")
				for _, k := range op.Value.(Object) {
					if v, ok := k.Value.(string); ok {
						b.WriteString("      " + yamlScalar(k.Key) + ": " + yamlScalar(v) + "\n")
						continue
					}
					b.WriteString("      " + yamlScalar(k.Key) + ":\n")
					for _, v := range k.Value.([]string) {
						b.WriteString("      - " + yamlScalar(v) + "\n")
					}
				}
			}
		}
	}
	b.WriteString("\n")
	return []byte(b.String())
}

func yamlList(b *strings.Builder, key string, items []string) {
	if len(items) == 0 {
		b.WriteString("  " + key + ": []\n")
		return
	}
	b.WriteString("  " + key + ":\n")
	for _, it := range items {
		b.WriteString("  - " + yamlScalar(it) + "\n")
	}
}
