//go:build !(js && wasm)

package main

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/writer"
)

// TestInitialOutput checks that the policy the prerender ships with the
// page (index.html's #ps-initial) is, once decoded, what the app would
// write itself at start-up for the same screen, template, options and
// dataset: the app shows it instead of writing it again.
func TestInitialOutput(t *testing.T) {
	_, b, err := prerender()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("</")) {
		t.Errorf("the record has %q: it would end its script element", "</")
	}
	s, err := decodeInitialOutput(b)
	if err != nil {
		t.Fatal(err)
	}
	db, err := nativeDB()
	if err != nil {
		t.Fatal(err)
	}
	if s.Screen != screenDefs[0].id || s.YAML != webapp.DefaultCRUD || s.Dataset != db.Manifest.SHA256 || s.Dataset == "" {
		t.Fatalf("record of screen %q, dataset %q, template %q: want the default screen's", s.Screen, s.Dataset, s.YAML)
	}
	got, err := s.output()
	if err != nil {
		t.Fatal(err)
	}
	want := webapp.WritePolicyWith(db, s.YAML, s.Options)
	if len(want.Errors) > 0 || want.JSON == "" {
		t.Fatalf("the default template writes no policy: %v", want.Errors)
	}
	gotAll, wantAll := got.AllRenderings(), want.AllRenderings()
	if len(gotAll) != len(wantAll) {
		t.Fatalf("%d renderings, want %d", len(gotAll), len(wantAll))
	}
	for i, r := range wantAll {
		g := gotAll[i]
		if g.Format.Name != r.Format.Name || g.Format.Ext != r.Format.Ext || g.Format.MediaType != r.Format.MediaType || !bytes.Equal(g.Text, r.Text) {
			t.Errorf("rendering %d: %s %q, want %s %q", i, g.Format.Name, g.Text, r.Format.Name, r.Text)
		}
	}
	// Everything else compares as it is (Formats hold functions, which
	// reflect.DeepEqual never finds equal).
	if got, want := got.WithoutRenderings(), want.WithoutRenderings(); !reflect.DeepEqual(got, want) {
		t.Errorf("decoded record:\n%+v\nwant what the app writes:\n%+v", got, want)
	}

	// It is taken only for the state it was written from.
	other := webapp.OutputOptions{Options: writer.Options{Minimize: true}}
	for _, c := range []struct {
		name       string
		rec        *initialOutput
		screen     screenID
		yaml       string
		opts       webapp.OutputOptions
		dataset    string
		wantsMatch bool
	}{
		{"same state", s, s.Screen, s.YAML, s.Options, s.Dataset, true},
		{"no record", nil, s.Screen, s.YAML, s.Options, s.Dataset, false},
		{"other screen", s, "actions", s.YAML, s.Options, s.Dataset, false},
		{"edited template", s, s.Screen, s.YAML + "# typed\n", s.Options, s.Dataset, false},
		{"other options", s, s.Screen, s.YAML, other, s.Dataset, false},
		{"other dataset", s, s.Screen, s.YAML, s.Options, "0" + s.Dataset[1:], false},
		{"dataset without sha256", &initialOutput{Screen: s.Screen, YAML: s.YAML, Options: s.Options}, s.Screen, s.YAML, s.Options, "", false},
	} {
		if got := c.rec.matches(c.screen, c.yaml, c.opts, c.dataset); got != c.wantsMatch {
			t.Errorf("%s: matches = %v, want %v", c.name, got, c.wantsMatch)
		}
	}
}
