package iamdata

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

func fsWith(actions string) fstest.MapFS {
	return fstest.MapFS{
		"services.json":          {Data: []byte(`["svc"]`)},
		"serviceNames.json":      {Data: []byte(`{"svc": "Service"}`)},
		"resourceTypes/svc.json": {Data: []byte(`{"thing": {"key": "thing", "arn": "arn:${Partition}:svc:::thing/${Id}"}}`)},
		"conditionKeys/svc.json": {Data: []byte(`{}`)},
		"actions/svc.json":       {Data: []byte(actions)},
	}
}

func TestParse(t *testing.T) {
	db, err := Parse(fsWith(`{
		"zeta": {"name": "Zeta", "accessLevel": "Tagging, Write", "resourceTypes": [{"name": "thing", "required": true}]},
		"alpha": {"name": "Alpha", "accessLevel": "Permissions management", "conditionKeys": ["svc:Key"], "dependentActions": ["other:Do"]}
	}`), iamdb.Manifest{})
	if err != nil {
		t.Fatal(err)
	}
	s := db.Service("svc")
	if s.Name != "Service" || len(s.Actions()) != 2 || s.Actions()[0].Name != "Zeta" {
		t.Fatalf("service %+v: actions must keep the file's order", s)
	}
	if s.Actions()[0].AccessLevel != iamdb.Tagging {
		t.Errorf("\"Tagging, Write\" gave %v, want the first, Tagging", s.Actions()[0].AccessLevel)
	}
	if r := s.Actions()[0].Resources[0]; !r.Required || r.Resource == nil {
		t.Errorf("Zeta's thing entry %+v: want required and linked", r)
	}
	alpha := db.Action("svc:alpha")
	if got := alpha.DependentActions(); len(got) != 1 || got[0] != "other:Do" {
		t.Errorf("action-wide dependent actions %v", got)
	}
	if !alpha.WildcardOnly() || db.Manifest.Source != "iam-data" {
		t.Errorf("alpha wildcard-only %v, source %q", alpha.WildcardOnly(), db.Manifest.Source)
	}
}

func TestParseErrors(t *testing.T) {
	_, err := Parse(fsWith(`{"x": {"name": "X", "accessLevel": "Admin"}}`), iamdb.Manifest{})
	if err == nil || !strings.Contains(err.Error(), "actions/svc.json: x:") {
		t.Errorf("bad access level: %v", err)
	}
	_, err = Parse(fsWith(`[1]`), iamdb.Manifest{})
	if err == nil || !strings.Contains(err.Error(), "actions/svc.json") {
		t.Errorf("not an object: %v", err)
	}
	fsys := fsWith(`{}`)
	delete(fsys, "conditionKeys/svc.json")
	if _, err := Parse(fsys, iamdb.Manifest{}); err == nil || !strings.Contains(err.Error(), "conditionKeys/svc.json") {
		t.Errorf("missing file: %v", err)
	}
}
