package iamdb_test

import (
	"reflect"
	"runtime"
	"syscall"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// mmapped returns n bytes of memory outside the Go heap (never unmapped,
// as LoadPermanent requires).
func mmapped(t *testing.T, n int) []byte {
	t.Helper()
	m, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	return m[:0]
}

// churn makes garbage and collects it, so that anything LoadPermanent left
// reachable only through its arena would be freed and overwritten.
func churn() {
	for range 3 {
		var junk [][]*iamdb.Action
		for range 2000 {
			junk = append(junk, make([]*iamdb.Action, 64))
		}
		_ = junk
		runtime.GC()
	}
}

// TestLoadPermanent checks that a DB laid out in memory outside the heap
// (all of it, or as much as fits in a small buffer) equals Load's, also
// after collections.
func TestLoadPermanent(t *testing.T) {
	c := dataset.Compressed()
	want, err := iamdb.Load(c, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		size int
		kept bool // some slices fell back to the heap
	}{
		{"full", iamdb.PermanentSize(c), false},
		{"small", iamdb.RawSize(c) + 100_000, true},
		{"raw only", iamdb.RawSize(c), false},
		{"too small for raw", 1000, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := iamdb.LoadPermanent(c, "", mmapped(t, tc.size))
			if err != nil {
				t.Fatal(err)
			}
			if kept := iamdb.Kept(db); (kept > 0) != tc.kept {
				t.Errorf("%d heap slices kept, want some: %v", kept, tc.kept)
			}
			churn()
			equalDB(t, db, want)
		})
	}
}

// equalDB compares two DBs field by field, pointers by what they point to
// (and owner pointers by identity within their own DB).
func equalDB(t *testing.T, got, want *iamdb.DB) {
	t.Helper()
	if got.Manifest != want.Manifest || len(got.Services) != len(want.Services) {
		t.Fatalf("manifest %+v, %d services; want %+v, %d", got.Manifest, len(got.Services), want.Manifest, len(want.Services))
	}
	for i, s := range got.Services {
		w := want.Services[i]
		if s.Prefix != w.Prefix || s.Name != w.Name || s.AuthorizationURL != w.AuthorizationURL ||
			len(s.Actions()) != len(w.Actions()) || len(s.Resources) != len(w.Resources) || len(s.Conditions) != len(w.Conditions) {
			t.Fatalf("service %d: %s differs from %s", i, s.Prefix, w.Prefix)
		}
		for j, r := range s.Resources {
			x := w.Resources[j]
			if r.Service != s || r.Name != x.Name || r.ARN != x.ARN || !reflect.DeepEqual(r.ConditionKeys, x.ConditionKeys) {
				t.Fatalf("%s resource type %d: %+v, want %+v", s.Prefix, j, r, x)
			}
		}
		for j, c := range s.Conditions {
			if *c != *w.Conditions[j] {
				t.Fatalf("%s condition %d: %+v, want %+v", s.Prefix, j, c, w.Conditions[j])
			}
		}
		for j, a := range s.Actions() {
			x := w.Actions()[j]
			if a.Service != s || a.Name != x.Name || a.Description != x.Description || a.AccessLevel != x.AccessLevel ||
				a.DocURL != x.DocURL || len(a.Resources) != len(x.Resources) || s.Action(a.Name) != a {
				t.Fatalf("action %s:%s differs from %s", s.Prefix, a.Name, x.FullName())
			}
			for k, r := range a.Resources {
				y := x.Resources[k]
				if r.Name != y.Name || r.Required != y.Required || !reflect.DeepEqual(r.ConditionKeys, y.ConditionKeys) ||
					!reflect.DeepEqual(r.DependentActions, y.DependentActions) || (r.Resource == nil) != (y.Resource == nil) ||
					r.Resource != nil && (r.Resource.Service != s || r.Resource.ARN != y.Resource.ARN || s.Resource(r.Name) != r.Resource) {
					t.Fatalf("action %s resource %d: %+v, want %+v", a.FullName(), k, r, y)
				}
			}
		}
	}
	for _, a := range []string{"arn:aws:s3:::bucket/key", "arn:aws:kms:us-east-1:123456789012:key/1", "arn:aws:ssm:us-east-1:123456789012:parameter/x"} {
		if g, w := len(got.MatchARN(a)), len(want.MatchARN(a)); g != w || g == 0 {
			t.Errorf("%s matches %d resource types, want %d", a, g, w)
		}
	}
}

// TestLoadPermanentVerified checks the lazy load into memory outside the
// heap (the CLI's Default): nothing is decoded before it is asked for,
// one look-up decodes one service, and after collections the DB equals
// Load's.
func TestLoadPermanentVerified(t *testing.T) {
	c := dataset.Compressed()
	want, err := iamdb.Load(c, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{iamdb.RawSize(c), 1000} {
		db, err := iamdb.LoadPermanentVerified(c, mmapped(t, size))
		if err != nil {
			t.Fatal(err)
		}
		if n := iamdb.Decoded(db); n != 0 {
			t.Errorf("mem %d: %d services decoded before any was asked for", size, n)
		}
		if a := db.Action("kms:Decrypt"); a == nil || a.AccessLevel != iamdb.Write {
			t.Fatalf("mem %d: kms:Decrypt = %+v", size, a)
		}
		if n := iamdb.Decoded(db); n != 1 {
			t.Errorf("mem %d: %d services decoded after one look-up, want 1", size, n)
		}
		churn()
		equalDB(t, db, want)
		if err := db.LazyErr(); err != nil {
			t.Fatal(err)
		}
	}
}
