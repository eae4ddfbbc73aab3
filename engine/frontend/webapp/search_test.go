package webapp

import (
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

func TestSearchActions(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		"sqs:purgeq":      "sqs:PurgeQueue",
		"s3:getobject":    "s3:GetObject",
		"SQS:SendMessage": "sqs:SendMessage",
	} {
		hits := SearchActions(db, q, 10)
		if len(hits) == 0 || hits[0].Name != want {
			t.Errorf("SearchActions(%q) = %v, want %s first", q, hits, want)
			continue
		}
		if hits[0].AccessLevel == "" {
			t.Errorf("%s: no access level", want)
		}
	}
	found := false
	for _, h := range SearchActions(db, "getobjectacl", 10) {
		found = found || h.Name == "s3:GetObjectAcl"
	}
	if !found {
		t.Errorf("getobjectacl does not find s3:GetObjectAcl")
	}
	if hits := SearchActions(db, "s3:GetObject", 5); len(hits[0].ResourceTypes) == 0 {
		t.Errorf("s3:GetObject shows no resource types")
	}
	if got := SearchServices(db, "kms"); len(got) == 0 || got[0].Prefix != "kms" {
		t.Errorf("SearchServices(kms) = %v", got)
	}
}

func TestFilterActions(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	kms := db.Service("kms")
	all := FilterActions(kms, ActionFilter{})
	for _, lvl := range []string{"read", "write", "list", "tagging", "permissions-management"} {
		got := FilterActions(kms, ActionFilter{AccessLevel: lvl})
		if len(got) == 0 || len(got) >= len(all) {
			t.Errorf("level %s: %d of %d actions", lvl, len(got), len(all))
		}
		for _, a := range got {
			if l, _ := iamdb.ParseAccessLevel(lvl); a.AccessLevel != l {
				t.Errorf("level %s lists %s (%s)", lvl, a.Name, a.AccessLevel)
			}
		}
	}
	if got := FilterActions(kms, ActionFilter{Text: "schedulekeydel"}); len(got) != 1 || got[0].Name != "ScheduleKeyDeletion" {
		t.Errorf("text filter purge: %v", got)
	}
}
