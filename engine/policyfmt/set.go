package policyfmt

import "strings"

// JSONSet renders the parts of a split as one JSON object, each policy
// under its name ({"policy-1": {...}, "policy-2": {...}}), in
// write-policy's JSON style.
func JSONSet(set []Named) []byte {
	o := make(Object, len(set))
	for i, n := range set {
		o[i] = Field{n.Name, object(n.Policy)}
	}
	return []byte(PyJSON(o, 4) + "\n")
}

// YAMLSet renders the parts of a split as one YAML mapping, each policy
// (as YAML renders it) under its name.
func YAMLSet(set []Named) []byte {
	var b strings.Builder
	for _, n := range set {
		b.WriteString(yamlScalar(n.Name) + ":\n")
		for _, line := range strings.Split(strings.TrimRight(string(YAML(n.Policy)), "\n"), "\n") {
			b.WriteString("  " + line + "\n")
		}
	}
	b.WriteString("\n")
	return []byte(b.String())
}

// TerraformSet renders the parts of a split as the external data
// source's result: one object of strings, each policy's one-line JSON
// under its name ({"policy-1": "...", "policy-2": "..."}).
func TerraformSet(set []Named) []byte {
	o := make(Object, len(set))
	for i, n := range set {
		o[i] = Field{n.Name, PyJSON(object(n.Policy), -1)}
	}
	return []byte(PyJSON(o, -1) + "\n")
}
