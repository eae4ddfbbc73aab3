package validate

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzValidate checks that Validate never panics, always returns findings
// with codes from the table and spans inside the input, and is
// deterministic, for every policy type; and that the rejects-only
// validation Rejections runs finds exactly its rejecting findings.
func FuzzValidate(f *testing.F) {
	files, _ := filepath.Glob("testdata/cases/*/*.json")
	for i, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 4096 {
			f.Add(b, uint8(i%5))
		}
	}
	db := loadDB(f)
	f.Fuzz(func(t *testing.T, src []byte, pt uint8) {
		opts := Options{PolicyType: PolicyType(pt % 5)}
		if opts.PolicyType == Resource && pt%2 == 0 {
			opts.ResourceType = "AWS::S3::Bucket"
		}
		a := Validate(db, src, "fuzz.json", opts)
		b := Validate(db, src, "fuzz.json", opts)
		if render(a) != render(b) {
			t.Fatalf("not deterministic:\n%s\n---\n%s", render(a), render(b))
		}
		ro := opts
		ro.rejectsOnly = true
		if fast, full := render(Validate(db, src, "fuzz.json", ro)), render(rejectingOf(a)); fast != full {
			t.Fatalf("rejects-only validation:\n%s\nwant the full validation's rejecting findings:\n%s", fast, full)
		}
		for _, d := range a {
			if Lookup(d.Code) == nil {
				t.Fatalf("code %q not in the table", d.Code)
			}
			if d.Start.Offset < 0 || d.End.Offset < d.Start.Offset || d.End.Offset > len(src)+1 {
				t.Fatalf("span %d-%d outside the input (%d bytes) for %s", d.Start.Offset, d.End.Offset, len(src), d.Code)
			}
			if !utf8.ValidString(d.Message) && utf8.Valid(src) {
				t.Fatalf("message is not UTF-8: %q", d.Message)
			}
		}
	})
}
