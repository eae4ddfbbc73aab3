package policy

import (
	"encoding/json"
	"testing"
)

func TestParseNode(t *testing.T) {
	src := []byte(`{"a": [1, "x\u00e9", true, null], "a": {"b": -2.5e3}}`)
	n, err := ParseNode(src)
	if err != nil {
		t.Fatal(err)
	}
	if n.Kind != Object || len(n.Members) != 2 || n.Members[1].Key != "a" {
		t.Fatalf("duplicate keys must both be kept: %+v", n.Members)
	}
	arr := n.Get("a")
	if arr.Kind != Array || len(arr.Elems) != 4 || arr.Elems[1].Str != "xé" {
		t.Fatalf("array: %+v", arr)
	}
	if got := string(src[arr.Start:arr.End]); got != `[1, "x\u00e9", true, null]` {
		t.Errorf("array span = %q", got)
	}
	m := n.Members[0]
	if got := string(src[m.KeyStart:m.KeyEnd]); got != `"a"` {
		t.Errorf("key span = %q", got)
	}
	for _, bad := range []string{``, `{`, `{"a"}`, `[1,]`, `{"a":1,}`, `"x`, `01`, `{"a":1} x`, "\"a\x01\"", `tru`, `"\q"`} {
		if _, err := ParseNode([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		} else if _, ok := err.(*SyntaxError); !ok {
			t.Errorf("%q: error %T, want *SyntaxError", bad, err)
		}
	}
}

// FuzzParseNode checks that ParseNode accepts exactly the JSON that
// encoding/json accepts and never panics.
func FuzzParseNode(f *testing.F) {
	for _, s := range []string{`{"Version":"2012-10-17","Statement":[]}`, `[1,2]`, `"\ud83d\ude00"`, `{"a":{"a":1}}`, `-0.1e-2`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		_, err := ParseNode(src)
		if (err == nil) != json.Valid(src) {
			t.Fatalf("ParseNode error %v, json.Valid %v", err, json.Valid(src))
		}
	})
}
