package webapp

import (
	"testing"

	"github.com/leastpriv/policysentry/dataset"
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
