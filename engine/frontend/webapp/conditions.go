package webapp

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/template"
)

// ConditionKeyChoice is a condition key the condition editor offers.
type ConditionKeyChoice struct {
	// Name is the key; a key that takes a suffix (a tag key) ends in "/"
	// ("aws:ResourceTag/"), for the user to complete.
	Name string
	// Type is its type as AWS writes it ("String", "ArrayOfString", ...;
	// "" when the dataset gives none).
	Type string
	// Description is a one-line summary.
	Description string
}

// ConditionTargets are the blocks a condition can be added to: the whole
// template (Key "") and, for a CRUD template, each section.
func ConditionTargets(mode template.Mode) []Choice {
	out := []Choice{{"", "Whole template (condition:)"}}
	if mode == template.ModeActions {
		return out
	}
	for _, s := range template.ConditionSections {
		out = append(out, Choice{s, s + " (" + template.ConditionKey(s) + ":)"})
	}
	return out
}

// TemplateServices returns the service prefixes a template uses, sorted:
// those of its ARNs, actions and wildcard-only services.
func TemplateServices(t *template.Template) []string {
	seen := map[string]bool{}
	for _, key := range template.ListKeys {
		for _, e := range *t.Entries(key) {
			v := strings.TrimSpace(e.Value)
			var svc string
			switch {
			case strings.HasPrefix(v, "arn:"):
				parts := strings.SplitN(v, ":", 4)
				if len(parts) >= 3 {
					svc = parts[2]
				}
			case strings.Contains(v, ":"):
				svc, _, _ = strings.Cut(v, ":")
			case strings.HasPrefix(key, "wildcard-only.service-"):
				svc = v
			}
			if svc = strings.ToLower(svc); svc != "" && !strings.ContainsAny(svc, "*? ") {
				seen[svc] = true
			}
		}
	}
	if len(t.STS.AssumeRole)+len(t.STS.AssumeRoleWithSAML)+len(t.STS.AssumeRoleWithWebIdentity) > 0 {
		seen["sts"] = true
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// ConditionKeys returns the keys the condition editor offers for a
// template: the global aws: keys, then the condition keys of each service
// the template uses (TemplateServices) that the dataset knows, in the
// dataset's order.
func ConditionKeys(db *iamdb.DB, t *template.Template) []ConditionKeyChoice {
	var out []ConditionKeyChoice
	for _, g := range condition.GlobalKeys() {
		out = append(out, ConditionKeyChoice{Name: g.Name, Type: g.Type.String(), Description: g.Description})
	}
	if db == nil {
		return out
	}
	seen := map[string]bool{}
	for _, prefix := range TemplateServices(t) {
		s := db.Service(prefix)
		if s == nil {
			continue
		}
		for _, c := range s.Conditions {
			name := c.Name
			if i := condition.TemplateStart(name); i > 0 {
				name = name[:i]
			}
			if condition.IsGlobal(name) || seen[strings.ToLower(name)] {
				continue // aws: keys come from AWS's list above
			}
			seen[strings.ToLower(name)] = true
			typ := ""
			if c.Type != "" {
				typ = condition.ParseKeyType(c.Type).String()
			}
			out = append(out, ConditionKeyChoice{Name: name, Type: typ, Description: c.Description})
		}
	}
	return out
}

// ConditionKeyType is a key's type as AWS writes it ("ArrayOfString"),
// or "" for a key neither AWS's global list nor the dataset knows.
func ConditionKeyType(db *iamdb.DB, key string) string {
	if kt, ok := condition.LookupKey(db, key); ok && kt.Type != condition.Unknown {
		return kt.String()
	}
	return ""
}

// ConditionOperators returns the operators that fit a key's type: the
// operators of its type (and those AWS lets compare it: String on ARN
// keys, ARN on String keys, Numeric on Date keys and back), each with its
// IfExists form, then Null. A multivalued key (ArrayOf...) gets them with
// ForAnyValue: and ForAllValues:, as IAM requires; a key of unknown type
// gets every operator.
func ConditionOperators(db *iamdb.DB, key string) []string {
	kt, ok := condition.LookupKey(db, key)
	if !ok {
		kt = condition.KeyType{Type: condition.Unknown}
	}
	var bases []string
	for _, b := range condition.Bases() {
		if b.Type == condition.Null || !condition.Fits(b.Type, kt.Type) {
			continue
		}
		bases = append(bases, b.Name, b.Name+"IfExists")
	}
	var out []string
	if kt.MultiValued {
		for _, q := range []string{"ForAnyValue:", "ForAllValues:"} {
			for _, b := range bases {
				out = append(out, q+b)
			}
		}
	} else {
		out = bases
	}
	return append(out, "Null")
}

// ParseConditionValues splits what the user typed into values: one per
// line or comma-separated, trimmed, empty ones left out.
func ParseConditionValues(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		for _, v := range strings.Split(line, ",") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// ConditionRow is one clause of a template's condition blocks, as the
// editor lists it (with a remove button).
type ConditionRow struct {
	// Section and Index locate the clause (RemoveCondition's arguments).
	Section string
	Index   int
	// Block is the template key ("read-condition").
	Block string
	// Text is the clause: "StringEquals aws:ResourceTag/team: payments".
	Text string
	// Shortcut is the shortcut it came from (removing it removes the
	// shortcut's other clauses too), or "".
	Shortcut string
}

// ConditionRows lists a template's condition clauses, block by block.
func ConditionRows(t *template.Template) []ConditionRow {
	var out []ConditionRow
	for _, b := range t.Conditions {
		for i, c := range b.Clauses {
			vals := make([]string, len(c.Values))
			for j, v := range c.Values {
				vals[j] = v.Value
			}
			text := c.Operator + " " + c.Key + ": " + strings.Join(vals, ", ")
			if c.Shortcut != "" {
				text += " (" + c.Shortcut + ")"
			}
			out = append(out, ConditionRow{Section: b.Section, Index: i, Block: template.ConditionKey(b.Section), Text: text, Shortcut: c.Shortcut})
		}
	}
	return out
}

// AddCondition adds a clause (operator, key, values) to a condition
// block of the template text src and of t, its parsed model, and returns
// the new text. The text keeps the user's comments and formatting (see
// template.EditConditionSource); a first-format template is rewritten in
// the current format. On an error neither src nor t changes.
func AddCondition(src string, t *template.Template, section, operator, key string, values []string) (string, error) {
	return editCondition(src, t, template.ConditionEdit{Section: section, Operator: operator, Key: strings.TrimSpace(key), Values: values})
}

// RemoveCondition removes clause i of a condition block (a shortcut's
// clause removes the shortcut) from src and t and returns the text.
func RemoveCondition(src string, t *template.Template, section string, i int) (string, error) {
	return editCondition(src, t, template.ConditionEdit{Remove: true, Section: section, Index: i})
}

func editCondition(src string, t *template.Template, e template.ConditionEdit) (string, error) {
	next := clone(t)
	if err := next.ApplyCondition(e); err != nil {
		return "", err
	}
	if strings.TrimSpace(src) == "" {
		mode := t.Mode
		if mode == "" {
			mode = template.ModeCRUD
		}
		src = "mode: " + string(mode) + "\n"
	}
	out, err := template.EditConditionSource([]byte(src), "template", e)
	switch {
	case errors.Is(err, template.ErrFirstFormat):
		if out, err = next.Marshal(); err != nil {
			return "", fmt.Errorf("rewriting the first-format template: %w", err)
		}
	case err != nil:
		return "", err
	}
	*t = *next
	return string(out), nil
}

// ConditionShortcuts are the template's shortcuts the editor offers
// (Key the shortcut name, Label with what it is for); picking one fills
// the form with its operator and key (ShortcutFill).
func ConditionShortcuts() []Choice {
	var out []Choice
	for _, s := range template.Shortcuts() {
		out = append(out, Choice{s.Name, s.Name + ": " + s.Help})
	}
	return out
}

// ShortcutFill returns what a shortcut writes: its operator and key, and
// "true" as the values of a shortcut that takes only true. ok is false
// for a name that is not a shortcut.
func ShortcutFill(name string) (operator, key, values string, ok bool) {
	for _, s := range template.Shortcuts() {
		if s.Name == name {
			if s.OnlyTrue {
				values = "true"
			}
			return s.Operator, s.Key, values, true
		}
	}
	return "", "", "", false
}
