package template

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/testshared"
)

// TestMarshalRoundTrip parses every parity template, marshals it and
// parses it again: the templates must be equal, positions aside.
func TestMarshalRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testshared.Dir(t), "parity/*/*/input.yml"))
	if len(files) < 50 {
		t.Fatalf("only %d parity templates found", len(files))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Parse(src, f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out, err := a.Marshal()
		if err != nil {
			t.Fatalf("%s: marshal: %v", f, err)
		}
		b, err := Parse(out, f)
		if err != nil {
			t.Fatalf("%s: reparse: %v\n%s", f, err, out)
		}
		if !reflect.DeepEqual(stripped(a), stripped(b)) {
			t.Errorf("%s: round trip changed the template\n%s", f, out)
		}
	}
}

// stripped drops positions and empty entries, which Marshal normalises.
func stripped(t *Template) Template {
	c := *t
	c.File = ""
	clean := func(es []Entry) []Entry {
		var out []Entry
		for _, e := range es {
			if e.Value != "" {
				out = append(out, Entry{Value: e.Value})
			}
		}
		return out
	}
	c.Read, c.Write, c.List, c.Tagging, c.PermissionsManagement = clean(c.Read), clean(c.Write), clean(c.List), clean(c.Tagging), clean(c.PermissionsManagement)
	c.SkipResourceConstraints, c.ExcludeActions, c.Actions = clean(c.SkipResourceConstraints), clean(c.ExcludeActions), clean(c.Actions)
	w := &c.WildcardOnly
	w.SingleActions, w.ServiceRead, w.ServiceWrite, w.ServiceList, w.ServiceTagging, w.ServicePermissionsManagement =
		clean(w.SingleActions), clean(w.ServiceRead), clean(w.ServiceWrite), clean(w.ServiceList), clean(w.ServiceTagging), clean(w.ServicePermissionsManagement)
	s := &c.STS
	s.AssumeRole, s.AssumeRoleWithSAML, s.AssumeRoleWithWebIdentity = clean(s.AssumeRole), clean(s.AssumeRoleWithSAML), clean(s.AssumeRoleWithWebIdentity)
	c.Conditions = conditionsWithoutPos(t.Conditions)
	if c.Effect == "Allow" {
		c.Effect = ""
	}
	return c
}

// TestMarshalConditions marshals a template with every kind of condition
// block and shortcut and parses it back: the same template.
func TestMarshalConditions(t *testing.T) {
	src := `mode: crud
read:
- arn:aws:s3:::b/*
condition:
  StringEquals:
    aws:ResourceTag/team: payments
    aws:RequestedRegion: [eu-west-1, eu-west-2]
  source-ip: [203.0.113.0/24]
  request-tags: {team: payments, env: [dev, prod]}
  mfa: true
  mfa-max-age: 3600
write-condition:
  ForAnyValue:StringLike:
    aws:TagKeys: team*
  resource-tags: {team: payments}
  passed-to-service: ec2.amazonaws.com
`
	a, err := Parse([]byte(src), "c.yml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := a.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse(out, "c.yml")
	if err != nil {
		t.Fatalf("reparse: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(stripped(a), stripped(b)) {
		t.Errorf("round trip changed the template\n%s", out)
	}
	if len(a.Conditions) != 2 || len(a.Conditions[0].Clauses) != 8 || a.Conditions[1].Section != "write" {
		t.Errorf("conditions %+v", a.Conditions)
	}
}
