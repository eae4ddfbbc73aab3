package webapp

import (
	"strings"

	"github.com/leastpriv/policysentry/engine/diff"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// What the screens with must-not-grant guardrails (Compare, Validate)
// share: the built-in guardrail checkboxes and the must-not-grant list.

// GuardrailChoice is one built-in guardrail as a checkbox.
type GuardrailChoice struct {
	// Name is the built-in's name (diff.BuiltinNames); Why what it
	// forbids and why (diff.BuiltinWhy).
	Name, Why string
	// On is set when the name is in the list.
	On bool
}

// GuardrailChoices are the built-in guardrails, sorted by name, each On
// when list (GuardrailNames' format) names it.
func GuardrailChoices(list string) []GuardrailChoice {
	on := map[string]bool{}
	for _, n := range GuardrailNames(list) {
		on[n] = true
	}
	var out []GuardrailChoice
	for _, n := range diff.BuiltinNames() {
		out = append(out, GuardrailChoice{Name: n, Why: diff.BuiltinWhy(n), On: on[n]})
	}
	return out
}

// GuardrailNames splits a list of built-in guardrail names (commas,
// spaces or new lines between them), keeping the first of duplicates.
func GuardrailNames(list string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r' }) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// ToggleGuardrail adds a built-in name to a list, or removes it, keeping
// the list's order.
func ToggleGuardrail(list, name string, on bool) string {
	names := GuardrailNames(list)
	out := make([]string, 0, len(names)+1)
	for _, n := range names {
		if n != name {
			out = append(out, n)
		}
	}
	if on {
		out = append(out, name)
	}
	return strings.Join(out, ",")
}

// MustNotGrantPlaceholder is the must-not-grant box's example text.
const MustNotGrantPlaceholder = "must-not-grant:\n  - name: prod-deletes\n    actions: [\"s3:Delete*\"]\n    resources: [\"arn:aws:s3:::prod-*\"]"

// ResolveGuards gathers the guardrails of a must-not-grant list's text
// (the format of the CLI's --must-not-grant file; blank for none) and the
// built-in names of list. A problem comes back as a message
// "line:column: what" (no guardrails then).
func ResolveGuards(db *iamdb.DB, list, mustNotGrant string) ([]diff.Guardrail, string) {
	guards, err := diff.ResolveGuardrails(db, []byte(mustNotGrant), "must-not-grant", GuardrailNames(list))
	if err != nil {
		return nil, strings.TrimSpace(strings.TrimPrefix(err.Error(), "must-not-grant:"))
	}
	return guards, ""
}
