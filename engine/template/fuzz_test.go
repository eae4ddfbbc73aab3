package template

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics and that every error it
// returns carries a position or says what is wrong.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.yml")
	for _, s := range seeds {
		b, _ := os.ReadFile(s)
		f.Add(b)
	}
	f.Add([]byte("mode: crud\nread:\n- arn:aws:s3:::b\n"))
	f.Add([]byte("mode: actions\nactions: [s3:GetObject]\n"))
	f.Add([]byte("roles_with_crud_levels:\n- name: x\n  tag: ['']\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		tmpl, err := Parse(src, "fuzz.yml")
		if err == nil {
			if tmpl.Mode != ModeCRUD && tmpl.Mode != ModeActions {
				t.Fatalf("no error but mode %q", tmpl.Mode)
			}
			return
		}
		var e *Error
		var l ErrorList
		if !errors.As(err, &e) && !errors.As(err, &l) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		if err.Error() == "" {
			t.Fatal("empty error message")
		}
	})
}
