package webapp

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// flateFragment is a share link as EncodeFragment wrote it with
// compress/flate at BestCompression, before engine/internal/deflate.
func flateFragment(t *testing.T, s State) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(b)
	w.Close()
	return "s=" + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

// TestDecodeFragmentOfFlateLinks checks that share links written with
// compress/flate still open, and reports how long the links are now
// against then.
func TestDecodeFragmentOfFlateLinks(t *testing.T) {
	s := State{Tab: "actions", CRUDYAML: DefaultCRUD, ActionsYAML: DefaultActions, AuditText: strings.Repeat(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`, 20), Minimize: true, MinLength: 3, OutTab: "yaml", Service: "kms"}
	s.SetScreen("validate", map[string]string{"text": "{}", "type": "scp"})
	old := flateFragment(t, s)
	got, err := DecodeFragment("#" + old)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("link written with compress/flate: got %+v, want %+v", got, s)
	}
	t.Logf("share link: %d characters (%d with compress/flate)", len(EncodeFragment(s)), len(old))
}

// TestDecodeFragmentTooLarge checks that a link holding more than
// maxFragment bytes is refused as too large.
func TestDecodeFragmentTooLarge(t *testing.T) {
	frag := flateFragment(t, State{AuditText: strings.Repeat("a", maxFragment)})
	if _, err := DecodeFragment(frag); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("a link of more than %d bytes: error %v, want too large", maxFragment, err)
	}
}
