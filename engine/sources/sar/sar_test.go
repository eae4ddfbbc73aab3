package sar

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

func TestAccessLevelFlags(t *testing.T) {
	cases := []struct {
		p    Properties
		want iamdb.AccessLevel
	}{
		{Properties{}, iamdb.Read},
		{Properties{IsList: true}, iamdb.List},
		{Properties{IsWrite: true}, iamdb.Write},
		{Properties{IsWrite: true, IsTaggingOnly: true}, iamdb.Tagging},
		{Properties{IsWrite: true, IsPermissionManagement: true}, iamdb.PermissionsManagement},
		{Properties{IsWrite: true, IsTaggingOnly: true, IsPermissionManagement: true}, iamdb.PermissionsManagement},
	}
	for _, c := range cases {
		if got := c.p.AccessLevel(); got != c.want {
			t.Errorf("%+v: access level %v, want %v", c.p, got, c.want)
		}
	}
}

func TestParseDir(t *testing.T) {
	db, err := ParseDir(os.DirFS("testdata/services"), iamdb.Manifest{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := db.Prefixes(), []string{"demo", "vault"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("services %v, want %v (index.json must be skipped)", got, want)
	}
	if db.Services[0].Prefix != "demo" {
		t.Errorf("services are not sorted by prefix: first is %s", db.Services[0].Prefix)
	}
	m := db.Manifest
	if m.Source != "sar" || m.Version != "v1.4" {
		t.Errorf("manifest source %q version %q, want sar v1.4", m.Source, m.Version)
	}
	if want := (iamdb.Counts{Services: 2, Actions: 6, ResourceTypes: 3, ConditionKeys: 4, WildcardOnly: 2}); m.Counts != want {
		t.Errorf("counts %+v, want %+v", m.Counts, want)
	}
	levels := map[string]iamdb.AccessLevel{
		"demo:GetWidget": iamdb.Read, "demo:CreateWidget": iamdb.Write, "demo:ListWidgets": iamdb.List,
		"vault:PutSecretPolicy": iamdb.PermissionsManagement, "vault:TagSecret": iamdb.Tagging, "vault:ListSecrets": iamdb.List,
	}
	for name, want := range levels {
		a := db.Action(name)
		if a == nil {
			t.Errorf("%s missing", name)
			continue
		}
		if a.AccessLevel != want {
			t.Errorf("%s: %v, want %v", name, a.AccessLevel, want)
		}
	}
	get := db.Action("demo:getwidget")
	if got := get.ResourceNames(); !reflect.DeepEqual(got, []string{"widget", "gadget"}) {
		t.Errorf("demo:GetWidget resource types %v", got)
	}
	if r := get.Resources[1].Resource; r == nil || r.ARN != "arn:${Partition}:demo:${Region}:${Account}:gadget/${GadgetId}" {
		t.Errorf("gadget resource not linked to its first ARN format: %+v", r)
	}
	if got := db.Action("vault:TagSecret").ConditionKeys(); !reflect.DeepEqual(got, []string{"aws:RequestTag/${TagKey}", "aws:TagKeys"}) {
		t.Errorf("vault:TagSecret condition keys %v", got)
	}
	if r := db.Service("vault").Resource("secret"); r == nil || !reflect.DeepEqual(r.ConditionKeys, []string{"aws:ResourceTag/${TagKey}"}) {
		t.Errorf("vault secret resource type %+v: its ConditionKeys are lost", r)
	}
	if r := db.Service("demo").Resource("widget"); r == nil || r.ConditionKeys != nil {
		t.Errorf("demo widget resource type %+v: want no condition keys", r)
	}
	if !db.Action("vault:ListSecrets").WildcardOnly() {
		t.Error("vault:ListSecrets has no resource type, so it must be wildcard-only")
	}
	if c := db.Service("vault").Condition("aws:tagkeys"); c == nil || c.Type != "ArrayOfString" {
		t.Errorf("aws:TagKeys condition %+v, want type ArrayOfString", c)
	}
}

// TestRoundTrip checks that an imported SAR database survives the binary
// encoding unchanged.
func TestRoundTrip(t *testing.T) {
	db, err := ParseDir(os.DirFS("testdata/services"), iamdb.Manifest{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := iamdb.Compress(db)
	if err != nil {
		t.Fatal(err)
	}
	back, err := iamdb.Load(c, "")
	if err != nil {
		t.Fatal(err)
	}
	again, err := iamdb.Compress(back)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(c) {
		t.Error("re-encoding the decoded database gives different bytes")
	}
	if back.Manifest.Counts != db.Manifest.Counts {
		t.Errorf("counts %+v after the round trip, want %+v", back.Manifest.Counts, db.Manifest.Counts)
	}
}

func TestErrors(t *testing.T) {
	_, err := ParseDir(os.DirFS("testdata/bad"), iamdb.Manifest{})
	if err == nil || !strings.Contains(err.Error(), "broken.json:4:") {
		t.Errorf("error %v, want one naming broken.json line 4", err)
	}
	_, err = ParseDir(os.DirFS(t.TempDir()), iamdb.Manifest{})
	if err == nil || !strings.Contains(err.Error(), "servicereference.us-east-1.amazonaws.com") {
		t.Errorf("empty folder: error %v, want one that says where to get the files", err)
	}
	_, _, err = ParseService([]byte(`{"Actions": []}`), "x.json")
	if err == nil || !strings.Contains(err.Error(), "no service Name") {
		t.Errorf("file without Name: error %v", err)
	}
}
