package policy

import (
	"os"
	"path/filepath"
	"testing"
)

// sameTree reports whether a tree read by encoding/json (want) and one
// read by the scanner (got) hold the same values at the same places: a
// json node's offset is where the decoder stood before the value, which
// skipSeparators moves to the value's first byte (the fast path's offsets
// are there already).
func sameTree(src []byte, want, got *node) bool {
	if want.kind != got.kind || want.str != got.str || want.bool != got.bool ||
		skipSeparators(src, want.offset) != skipSeparators(src, got.offset) ||
		len(want.arr) != len(got.arr) || len(want.keys) != len(got.keys) {
		return false
	}
	for i := range want.arr {
		if !sameTree(src, want.arr[i], got.arr[i]) {
			return false
		}
	}
	for i := range want.keys {
		if want.keys[i] != got.keys[i] || !sameTree(src, want.vals[i], got.vals[i]) {
			return false
		}
	}
	return true
}

// checkFastTree fails when parseTree's fast path and encoding/json
// disagree on src: both must refuse it, or give the same tree.
func checkFastTree(t *testing.T, src []byte) {
	t.Helper()
	want, wantErr := parseTreeJSON(src)
	got, gotErr := parseTree(src)
	switch {
	case (wantErr == nil) != (gotErr == nil):
		t.Fatalf("encoding/json error %v, parseTree error %v for %q", wantErr, gotErr, src)
	case wantErr != nil:
		if wantErr.Error() != gotErr.Error() {
			t.Fatalf("errors differ: %v and %v for %q", wantErr, gotErr, src)
		}
	case !sameTree(src, want, got):
		t.Fatalf("trees differ for %q", src)
	}
}

// TestParseTreeFast runs every policy of the package's testdata and a
// table of edge cases through both readers.
func TestParseTreeFast(t *testing.T) {
	cases := []string{
		`{}`, `[]`, ` {"a" : [ 1 , -2.5e+3, true, false, null, "x" ] } `,
		`{"a":1,"a":2}`, `"\u00e9\ud800"`, "\"\xff\"", "{\"\xfe\":1}", `{"a":"b\/c\n"}`,
		`01`, `1.`, `-`, `{"a":1,}`, `[1 2]`, `{"a" 1}`, "\"a\tb\"", `{"a":1}x`, ``, `  `,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
	}
	for _, c := range cases {
		checkFastTree(t, []byte(c))
	}
	files, _ := filepath.Glob("testdata/*/*.json")
	if len(files) == 0 {
		t.Fatal("no testdata policies")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkFastTree(t, b)
	}
}

// FuzzParseTreeFast: the scanner's fast path and encoding/json read any
// input alike.
func FuzzParseTreeFast(f *testing.F) {
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*"],"Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`))
	f.Add([]byte("[\"\xff\", \"\\ud800\", 1e5, -0.5]"))
	f.Add([]byte(`{"a":{"b":[[],{}]},"a":null}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		checkFastTree(t, src)
	})
}
