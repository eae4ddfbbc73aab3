package iamdb_test

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/arn"
	"github.com/leastpriv/policysentry/engine/sources/iamdata"
)

// mini loads the hand-made dataset in testdata/iam-data (iam-data format).
func mini(t testing.TB) *iamdb.DB {
	t.Helper()
	db, err := iamdata.Parse(os.DirFS("testdata/iam-data"), iamdb.Manifest{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestImportAndIndexes(t *testing.T) {
	db := mini(t)
	if want := (iamdb.Counts{Services: 2, Actions: 7, ResourceTypes: 4, ConditionKeys: 3, WildcardOnly: 2}); db.Manifest.Counts != want {
		t.Errorf("counts %+v, want %+v", db.Manifest.Counts, want)
	}
	if got := db.Prefixes(); !reflect.DeepEqual(got, []string{"ledger", "shop"}) {
		t.Errorf("prefixes %v, want sorted [ledger shop]", got)
	}
	if db.Services[0].Prefix != "shop" {
		t.Errorf("services must keep source order (services.json): first is %s", db.Services[0].Prefix)
	}
	if s := db.Service("SHOP"); s == nil || s.Name != "Example Shop" {
		t.Fatalf("Service(SHOP) = %+v", s)
	}
	for _, name := range []string{"shop:GetOrder", "SHOP:getorder", "shop:GETORDER", "ledger:ReadEntries", "ledger:readEntries"} {
		if db.Action(name) == nil {
			t.Errorf("Action(%q) not found (look-ups ignore case)", name)
		}
	}
	for _, name := range []string{"shop:Nothing", "shop", "nosuch:GetOrder", ""} {
		if a := db.Action(name); a != nil {
			t.Errorf("Action(%q) = %s, want nil", name, a.FullName())
		}
	}
	if got := db.Action("ledger:READENTRIES").FullName(); got != "ledger:readEntries" {
		t.Errorf("FullName %q, want the data's casing ledger:readEntries", got)
	}
	levels := map[string]iamdb.AccessLevel{"shop:GetOrder": iamdb.Read, "shop:PlaceOrder": iamdb.Write, "shop:ListOrders": iamdb.List,
		"shop:TagOrder": iamdb.Tagging, "shop:SetStorePolicy": iamdb.PermissionsManagement}
	for name, want := range levels {
		if got := db.Action(name).AccessLevel; got != want {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	place := db.Action("shop:PlaceOrder")
	if got := place.ResourceNames(); !reflect.DeepEqual(got, []string{"order", "cart"}) {
		t.Errorf("PlaceOrder resource types %v", got)
	}
	if got := place.DependentActions(); !reflect.DeepEqual(got, []string{"ledger:PostEntry", "shop:GetOrder"}) {
		t.Errorf("PlaceOrder dependent actions %v", got)
	}
	if got := place.ConditionKeys(); !reflect.DeepEqual(got, []string{"aws:RequestTag/${TagKey}"}) {
		t.Errorf("PlaceOrder condition keys %v", got)
	}
	if r := place.Resources[0].Resource; r == nil || r.Name != "order" || r.Service.Prefix != "shop" {
		t.Errorf("PlaceOrder's order entry is not linked to the shop resource type: %+v", r)
	}
	if !place.SupportsResource("CART") || place.SupportsResource("book") {
		t.Error("SupportsResource must ignore case and only accept the action's own types")
	}
	if !db.Action("shop:ListOrders").WildcardOnly() || place.WildcardOnly() {
		t.Error("WildcardOnly is wrong")
	}
	shop := db.Service("shop")
	if c := shop.Condition("SHOP:orderstate"); c == nil || c.Type != "String" {
		t.Errorf("Condition(SHOP:orderstate) = %+v", c)
	}
	if r := shop.Resource("Order"); r == nil || r.ARN != "arn:${Partition}:shop:${Region}:${Account}:order/${OrderId}" {
		t.Errorf("Resource(Order) = %+v", r)
	}
}

func TestMatchARN(t *testing.T) {
	db := mini(t)
	names := func(rs []*iamdb.Resource) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Service.Prefix+"/"+r.Name)
		}
		return out
	}
	cases := map[string][]string{
		"arn:aws:shop:us-east-1:123456789012:order/o-1":   {"shop/order", "ledger/shop-order"},
		"arn:aws:shop:us-east-1:123456789012:cart/c-1":    {"shop/cart"},
		"arn:aws:ledger:eu-west-1:123456789012:book/main": {"ledger/book"},
		"arn:aws:ledger:eu-west-1:123456789012:page/1":    nil,
		"not-an-arn": nil,
	}
	for a, want := range cases {
		if got := names(db.MatchARN(a)); !reflect.DeepEqual(got, want) {
			t.Errorf("MatchARN(%s) = %v, want %v", a, got, want)
		}
	}
	if f := db.Service("shop").Resource("order").Format(); f.Service != "shop" || !f.MatchString("arn:aws:shop:us-east-1:1:order/x") {
		t.Errorf("compiled format %+v does not match an order ARN", f)
	}
}

func TestExpand(t *testing.T) {
	db := mini(t)
	cases := map[string][]string{
		"shop:Get*":      {"shop:GetOrder"},
		"SHOP:getorder":  {"shop:GetOrder"},
		"*:*Entr*":       {"ledger:PostEntry", "ledger:readEntries"},
		"shop:?etOrder":  {"shop:GetOrder"},
		"shop:Nothing*":  nil,
		"ledger:nothing": nil,
		"no-colon":       nil,
	}
	for p, want := range cases {
		var got []string
		for _, a := range db.Expand(p) {
			got = append(got, a.FullName())
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Expand(%q) = %v, want %v", p, got, want)
		}
	}
	if n := len(db.Expand("*")); n != db.Manifest.Counts.Actions {
		t.Errorf("Expand(*) gives %d actions, want all %d", n, db.Manifest.Counts.Actions)
	}
}

func TestGlob(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"Get*", "getobject", true}, {"get*", "PutObject", false},
		{"*Object", "GetObject", true}, {"G?t*", "GetX", true}, {"G?t", "Gt", false},
		{"*a*b*", "xaYb", true}, {"*a*b", "ab_", false}, {"", "", true}, {"", "x", false},
	}
	for _, c := range cases {
		if got := iamdb.Glob(c.p, c.s); got != c.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}

func TestAccessLevels(t *testing.T) {
	for _, l := range iamdb.AccessLevels {
		for _, spelling := range []string{l.String(), l.Key(), strings.ToUpper(l.Key()), strings.ReplaceAll(l.Key(), "-", "_")} {
			got, err := iamdb.ParseAccessLevel(spelling)
			if err != nil || got != l {
				t.Errorf("ParseAccessLevel(%q) = %v, %v; want %v", spelling, got, err, l)
			}
		}
	}
	if iamdb.PermissionsManagement.String() != "Permissions management" || iamdb.PermissionsManagement.Key() != "permissions-management" {
		t.Error("permissions management is spelt wrong")
	}
	if _, err := iamdb.ParseAccessLevel("admin"); err == nil || !strings.Contains(err.Error(), "permissions-management") {
		t.Errorf("ParseAccessLevel(admin) error %v, want one listing the levels", err)
	}
}

// TestRoundTrip checks that the binary encoding keeps everything and is
// deterministic.
func TestRoundTrip(t *testing.T) {
	db := mini(t)
	c1, err := iamdb.Compress(db)
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := iamdb.Compress(mini(t))
	if !bytes.Equal(c1, c2) {
		t.Fatal("two compressions of the same data differ")
	}
	back, err := iamdb.Load(c1, "")
	if err != nil {
		t.Fatal(err)
	}
	if back.Manifest.Counts != db.Manifest.Counts || back.Manifest.Version != "test" {
		t.Errorf("manifest after the round trip %+v", back.Manifest)
	}
	raw1, _ := iamdb.Encode(db)
	raw2, _ := iamdb.Encode(back)
	if !bytes.Equal(raw1, raw2) {
		t.Error("decode+encode does not give the same bytes")
	}
	for i, s := range db.Services {
		b := back.Services[i]
		for j, a := range s.Actions() {
			x := b.Actions()[j]
			if x.FullName() != a.FullName() || x.Description != a.Description || x.AccessLevel != a.AccessLevel ||
				!reflect.DeepEqual(x.DependentActions(), a.DependentActions()) || !reflect.DeepEqual(x.ConditionKeys(), a.ConditionKeys()) {
				t.Errorf("%s changed in the round trip", a.FullName())
			}
			for k, r := range a.Resources {
				if x.Resources[k].Required != r.Required {
					t.Errorf("%s resource %q: required flag lost", a.FullName(), r.Name)
				}
			}
		}
	}
	if _, err := iamdb.Load(c1, strings.Repeat("0", 64)); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Errorf("a wrong sha256 must be an error naming it, got %v", err)
	}
}

func TestDecodeErrors(t *testing.T) {
	raw, err := iamdb.Encode(mini(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := iamdb.Decode([]byte("{}")); err == nil || !strings.Contains(err.Error(), "magic") {
		t.Errorf("not a dataset: %v", err)
	}
	bad := append([]byte(nil), raw...)
	bad[4] = 99
	if _, err := iamdb.Decode(bad); err == nil || !strings.Contains(err.Error(), "version 99") {
		t.Errorf("future format version: %v", err)
	}
	if _, err := iamdb.Decode(append(append([]byte(nil), raw...), 0)); err == nil || !strings.Contains(err.Error(), "trailing") {
		t.Errorf("trailing byte: %v", err)
	}
	// Every truncation is an error with a position, never a panic.
	for n := 5; n < len(raw); n += 7 {
		if _, err := iamdb.Decode(raw[:n]); err == nil {
			t.Fatalf("truncated to %d of %d bytes: no error", n, len(raw))
		}
	}
	if _, err := iamdb.Decompress([]byte("not zstd")); err == nil {
		t.Error("Decompress of garbage: no error")
	}
}

// TestARNServiceIndex checks that every resource type of the real-shaped
// test data is indexed under the service field arn.Compile finds.
func TestARNServiceIndex(t *testing.T) {
	db := mini(t)
	for _, s := range db.Services {
		for _, r := range s.Resources {
			f := r.Format()
			if f != r.Format() {
				t.Errorf("%s: Format compiles again on each call", r.Name)
			}
			if f.Service == "" {
				continue
			}
			found := false
			for _, m := range db.MatchARN(strings.NewReplacer("${Partition}", "aws", "${Region}", "us-east-1", "${Account}", "123456789012",
				"${OrderId}", "o1", "${CartId}", "c1", "${BookName}", "b1").Replace(r.ARN)) {
				found = found || m == r
			}
			if !found {
				t.Errorf("%s/%s: an ARN of its own format does not match it", s.Prefix, r.Name)
			}
		}
	}
}

// TestARNServiceMatchesCompile checks, over every ARN format of the real
// dataset, that the load-time index key equals the service field that
// arn.Compile finds.
func TestARNServiceMatchesCompile(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range db.Services {
		for _, r := range s.Resources {
			n++
			if got, want := iamdb.ARNService(r.ARN), arn.Compile(r.ARN).Service; got != want {
				t.Errorf("%s/%s %q: index key %q, arn.Compile says %q", s.Prefix, r.Name, r.ARN, got, want)
			}
		}
	}
	for _, f := range []string{"*", "", "arn:aws:s3", "arn:${Partition}:s3:::${BucketName}", "a:b:c:d:e"} {
		if got, want := iamdb.ARNService(f), arn.Compile(f).Service; got != want {
			t.Errorf("%q: index key %q, arn.Compile says %q", f, got, want)
		}
	}
	if n < 2000 {
		t.Errorf("only %d resource types checked", n)
	}
}
