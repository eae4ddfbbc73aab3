package webapp

import (
	"reflect"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/template"
)

func TestVisibleSections(t *testing.T) {
	tm, err := template.Parse([]byte("mode: crud\nread: [arn:aws:s3:::b]\nexclude-actions: [s3:DeleteObject]\n"), "t")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, s := range VisibleSections(tm, false) {
		keys = append(keys, s.Key)
	}
	if want := []string{"read", "write", "list", "tagging", "permissions-management", "exclude-actions"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("VisibleSections = %v, want %v", keys, want)
	}
	if n := len(VisibleSections(tm, true)); n != len(CRUDSections) {
		t.Errorf("showAll shows %d of %d sections", n, len(CRUDSections))
	}
	if got := Rows(tm, "read"); !reflect.DeepEqual(got, []string{"arn:aws:s3:::b"}) {
		t.Errorf("Rows(read) = %v", got)
	}
}

func TestTemplateMode(t *testing.T) {
	for text, want := range map[string]template.Mode{
		"mode: actions\nactions: [s3:GetObject]\n":          template.ModeActions,
		"roles_with_actions:\n- name: r\n":                  template.ModeActions,
		"mode: crud\nread: []\n":                            template.ModeCRUD,
		"roles_with_crud_levels:\n- name: r\n":              template.ModeCRUD,
		"not: [a template":                                  template.ModeCRUD,
		"mode: actions\nactions: [s3:GetObject] # broken [": template.ModeActions,
	} {
		if got := TemplateMode(text); got != want {
			t.Errorf("TemplateMode(%q) = %s, want %s", text, got, want)
		}
	}
	for name, want := range map[string]bool{"a.yml": true, "B.YAML": true, "a.json": false, "yml": false} {
		if IsTemplateFile(name) != want {
			t.Errorf("IsTemplateFile(%q) = %v", name, !want)
		}
	}
}

func TestAuditPaging(t *testing.T) {
	if got, want := FileNames([]File{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "d"}, {Name: "e"}}), "a, b, c and 2 more files"; got != want {
		t.Errorf("FileNames = %q, want %q", got, want)
	}
	if got, want := MorePoliciesLabel(45, 20), "Show 20 more (25 not shown)"; got != want {
		t.Errorf("MorePoliciesLabel = %q, want %q", got, want)
	}
	p := &audit.PolicyReport{Findings: make([]audit.Finding, 53)}
	if len(TopFindings(p)) != 50 || !strings.Contains(MoreFindings(p), "3 more findings") {
		t.Errorf("TopFindings %d, MoreFindings %q", len(TopFindings(p)), MoreFindings(p))
	}
	if p.Findings = p.Findings[:3]; len(TopFindings(p)) != 3 || MoreFindings(p) != "" {
		t.Errorf("3 findings: TopFindings %d, MoreFindings %q", len(TopFindings(p)), MoreFindings(p))
	}
	f := audit.Finding{Statements: []string{"Admin"}, Unconstrained: true, Conditioned: true}
	if got, want := FindingWhere(f), "in Admin; every resource, with conditions"; got != want {
		t.Errorf("FindingWhere = %q, want %q", got, want)
	}
}

func TestScreenState(t *testing.T) {
	type validateState struct{ Text, Type string }
	var s State
	s.SetScreen("validate", validateState{"{}", "scp"})
	d, err := DecodeSaved(EncodeSaved(s))
	if err != nil {
		t.Fatal(err)
	}
	var got validateState
	d.Screen("validate", &got)
	if got != (validateState{"{}", "scp"}) {
		t.Errorf("screen state round trip: %+v", got)
	}
	untouched := validateState{Type: "identity"}
	d.Screen("compare", &untouched)
	if untouched != (validateState{Type: "identity"}) {
		t.Errorf("a screen without saved state was changed: %+v", untouched)
	}
	d.SetScreen("validate", nil)
	if len(d.Screens) != 0 {
		t.Errorf("SetScreen(nil) kept %v", d.Screens)
	}
}
