package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder captures Check's reports instead of failing the real test.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper()                        {}
func (r *recorder) Errorf(format string, a ...any) { r.errors = append(r.errors, format) }
func (r *recorder) Fatal(a ...any)                 { r.errors = append(r.errors, "fatal") }

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	same := filepath.Join(dir, "same.txt")
	if err := os.WriteFile(same, []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, got string
		wantErr         string // substring of the reported format; "" means no report
	}{
		{"equal", same, "a\n", ""},
		{"differs", same, "b\n", "differs"},
		{"missing with output", filepath.Join(dir, "none.txt"), "x", "missing"},
		{"missing and empty", filepath.Join(dir, "none.txt"), "", ""},
		{"present but empty output", same, "", "differs"},
	}
	for _, tt := range tests {
		r := &recorder{TB: t}
		Check(r, tt.path, []byte(tt.got), "")
		switch {
		case tt.wantErr == "" && len(r.errors) > 0:
			t.Errorf("%s: unexpected report %q", tt.name, r.errors)
		case tt.wantErr != "" && (len(r.errors) != 1 || !strings.Contains(r.errors[0], tt.wantErr)):
			t.Errorf("%s: reports %q, want one containing %q", tt.name, r.errors, tt.wantErr)
		}
	}
}
