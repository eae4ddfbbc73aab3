package suggest

import (
	"reflect"
	"testing"
)

func TestNearest(t *testing.T) {
	actions := []string{"GetObject", "GetObjectAcl", "PutObject", "ListBucket", "GetBucketPolicy"}
	cases := []struct {
		word string
		n    int
		want []string
	}{
		{"GetObjekt", 3, []string{"GetObject", "PutObject", "GetObjectAcl"}},
		{"getobject", 1, []string{"GetObject"}},
		{"ListBuckets", 3, []string{"ListBucket"}},
		// Containment ranks GetObjectAcl with the closer ones; ties go by name.
		{"Object", 2, []string{"GetObject", "GetObjectAcl"}},
		{"DeleteEverything", 3, []string{}},
		{"", 3, nil},
		{"GetObject", 0, nil},
	}
	for _, c := range cases {
		got := Nearest(c.word, actions, c.n)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Nearest(%q, %d) = %#v, want %#v", c.word, c.n, got, c.want)
		}
	}
}

func TestNearestDeterministic(t *testing.T) {
	cands := []string{"ab", "ba", "aa", "bb", "ab"}
	first := Nearest("a", cands, 10)
	for i := 0; i < 20; i++ {
		if got := Nearest("a", cands, 10); !reflect.DeepEqual(got, first) {
			t.Fatalf("run %d: %v, first run %v", i, got, first)
		}
	}
	for i := 1; i < len(first); i++ {
		if first[i] == first[i-1] {
			t.Errorf("duplicate suggestion %q", first[i])
		}
	}
}

func TestDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{{"kitten", "sitting", 3}, {"", "abc", 3}, {"abc", "abc", 0}, {"abc", "abd", 1}}
	for _, c := range cases {
		if got := distance(c.a, c.b, 10); got != c.want {
			t.Errorf("distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	if got := distance("aaaaaaaa", "bbbbbbbb", 3); got != 3 {
		t.Errorf("cut-off distance %d, want 3", got)
	}
}
