package webapp

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/template"
)

// alwaysShown is how many CRUD sections the form shows even when empty:
// the five access levels.
const alwaysShown = 5

// VisibleSections are the CRUD form's sections to show for a template:
// the access levels always, the others when they have rows or showAll is
// set.
func VisibleSections(t *template.Template, showAll bool) []Section {
	var out []Section
	for i, s := range CRUDSections {
		if showAll || i < alwaysShown || len(*t.Entries(s.Key)) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// Rows are the values of a template's list (a CRUD section's key).
func Rows(t *template.Template, key string) []string {
	var out []string
	for _, e := range *t.Entries(key) {
		out = append(out, e.Value)
	}
	return out
}

// SelectedActions are the non-empty actions of an actions template.
func SelectedActions(t *template.Template) []string {
	var out []string
	for _, e := range t.Actions {
		if e.Value != "" {
			out = append(out, e.Value)
		}
	}
	return out
}

// TemplateMode tells which write screen a template text belongs to: the
// actions screen for an actions template (current or first format), the
// CRUD screen otherwise. The text need not parse.
func TemplateMode(text string) template.Mode {
	if strings.Contains(text, "mode: actions") || strings.Contains(text, "roles_with_actions") {
		return template.ModeActions
	}
	return template.ModeCRUD
}

// IsTemplateFile tells whether a file name is a YAML template's
// (.yml or .yaml).
func IsTemplateFile(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".yaml")
}

// FileNames names files for a notice: "a.json, b.json, c.json and 2
// more files".
func FileNames(fs []File) string {
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
	}
	if len(names) > 3 {
		return fmt.Sprintf("%s and %d more files", strings.Join(names[:3], ", "), len(names)-3)
	}
	return strings.Join(names, ", ")
}

// AuditPage is how many policies the audit results show at a time: an
// account dump can hold thousands, and rendering them all would freeze
// the page.
const AuditPage = 20

// MorePoliciesLabel is the label of the button that shows the next page
// of audited policies.
func MorePoliciesLabel(total, shown int) string {
	n := total - shown
	return fmt.Sprintf("Show %d more (%d not shown)", min(n, AuditPage), n)
}

// findingsShown is how many findings of one policy the audit results list.
const findingsShown = 50

// TopFindings are the findings of a policy the audit results list.
func TopFindings(p *audit.PolicyReport) []audit.Finding {
	return p.Findings[:min(len(p.Findings), findingsShown)]
}

// MoreFindings says how many findings TopFindings left out ("" when none).
func MoreFindings(p *audit.PolicyReport) string {
	if len(p.Findings) <= findingsShown {
		return ""
	}
	return fmt.Sprintf("… and %d more findings (use the CLI's --fmt json for all).", len(p.Findings)-findingsShown)
}

// FindingWhere says where a finding's grant is: "in Statement[0]; every
// resource, with conditions".
func FindingWhere(f audit.Finding) string {
	return "in " + strings.Join(f.Statements, ", ") + "; " + f.Scope()
}

// Screen reads a screen's saved state (from State.Screens) into v; it
// leaves v as it is when the state has none or it is damaged.
func (s State) Screen(id string, v any) {
	if raw, ok := s.Screens[id]; ok {
		json.Unmarshal(raw, v)
	}
}

// SetScreen stores a screen's state (any JSON-encodable value) under its
// id; a nil v removes it.
func (s *State) SetScreen(id string, v any) {
	if v == nil {
		delete(s.Screens, id)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	if s.Screens == nil {
		s.Screens = map[string]json.RawMessage{}
	}
	s.Screens[id] = b
}
