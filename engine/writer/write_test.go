package writer_test

import (
	"errors"
	"github.com/leastpriv/policysentry/engine/diag"
	"os"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/template"
	"github.com/leastpriv/policysentry/engine/writer"
)

func parse(t *testing.T, src string) *template.Template {
	t.Helper()
	tmpl, err := template.Parse([]byte(src), "t.yml")
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// TestActionsModeAddsDependents checks, for every action of the
// actions-dependent golden template, that each of its dependent actions
// (from the dataset) is granted.
func TestActionsModeAddsDependents(t *testing.T) {
	db := defaultDB(t)
	src, err := os.ReadFile("testdata/golden/actions-dependent.yml")
	if err != nil {
		t.Fatal(err)
	}
	tmpl := parse(t, string(src))
	res, err := writer.Write(db, tmpl, writer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	granted := map[string]bool{}
	for _, s := range res.Policy.Statement {
		for _, a := range s.Action {
			granted[strings.ToLower(a)] = true
		}
	}
	deps := 0
	for _, e := range tmpl.Actions {
		a := db.Action(e.Value)
		if a == nil {
			t.Fatalf("%s is not in the dataset", e.Value)
		}
		if !granted[strings.ToLower(a.FullName())] {
			t.Errorf("%s is not granted", e.Value)
		}
		for _, d := range a.DependentActions() {
			deps++
			if !granted[strings.ToLower(d)] {
				t.Errorf("%s's dependent action %s is not granted", e.Value, d)
			}
		}
	}
	if deps == 0 {
		t.Fatal("the template's actions have no dependent actions: the test checks nothing")
	}
}

// TestUnknownActionsNamedEach checks that every unknown action is named,
// at its position, with suggestions, and that nothing is written.
func TestUnknownActionsNamedEach(t *testing.T) {
	db := defaultDB(t)
	tmpl := parse(t, "mode: actions\nactions:\n- s3:GetObject\n- s3:GetObjekt\n- kms:Decrpyt\n- nosuch:Thing\n")
	res, err := writer.Write(db, tmpl, writer.Options{})
	var ie diag.List
	if !errors.As(err, &ie) || res != nil {
		t.Fatalf("err %v, result %v", err, res)
	}
	if len(ie) != 3 {
		t.Fatalf("%d problems: %v", len(ie), err)
	}
	for i, want := range []struct {
		line int
		text string
	}{{4, "did you mean s3:GetObject"}, {5, "did you mean kms:Decrypt"}, {6, `unknown service "nosuch"`}} {
		p := ie[i]
		if p.Start.Line != want.line || p.Start.Column != 3 || p.Severity != diag.Error || !strings.Contains(p.Message, want.text) {
			t.Errorf("problem %d: %d:%d %s; want line %d with %q", i, p.Start.Line, p.Start.Column, p.Message, want.line, want.text)
		}
	}
	if ie[0].Code != writer.CodeInvalidAction || ie[1].Code != writer.CodeInvalidAction || ie[2].Code != writer.CodeInvalidServiceInAction {
		t.Errorf("codes %s, %s, %s", ie[0].Code, ie[1].Code, ie[2].Code)
	}
	if ie[0].Suggestions[0] != "s3:GetObject" || ie[1].Suggestions[0] != "kms:Decrypt" {
		t.Errorf("suggestions %v, %v", ie[0].Suggestions, ie[1].Suggestions)
	}
	if !strings.HasPrefix(err.Error(), "t.yml:4:3: ") {
		t.Errorf("error text %q", err)
	}
}

// TestUnknownServiceSuggestsActions checks the did-you-mean replacement
// of an action whose service is misspelt keeps its action name.
func TestUnknownServiceSuggestsActions(t *testing.T) {
	_, err := writer.Write(defaultDB(t), parse(t, "mode: actions\nactions:\n- s4:GetObject\n"), writer.Options{})
	var l diag.List
	if !errors.As(err, &l) || len(l) != 1 || len(l[0].Suggestions) == 0 || l[0].Suggestions[0] != "s3:GetObject" {
		t.Fatalf("error %v, suggestions %v", err, l)
	}
}

// TestEffectDeny checks that a Deny template writes Deny statements.
func TestEffectDeny(t *testing.T) {
	db := defaultDB(t)
	res, err := writer.Write(db, parse(t, "mode: crud\neffect: Deny\nread:\n- arn:aws:s3:::b/o\n"), writer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Policy.Statement) == 0 {
		t.Fatal("no statements")
	}
	for _, s := range res.Policy.Statement {
		if s.Effect != "Deny" {
			t.Errorf("%s: Effect %s", s.Sid, s.Effect)
		}
	}
}
