package webapp

import (
	"reflect"
	"strings"
	"testing"
)

// TestEncodeSavedAudit checks the saved state's audit text, which
// EncodeSaved encodes once per change: it reads back unchanged (HTML
// characters, quotes, non-ASCII, invalid UTF-8 as encoding/json replaces
// it), the same state gives the same bytes, a changed text is saved as
// changed, and an empty one is left out.
func TestEncodeSavedAudit(t *testing.T) {
	big := strings.Repeat(`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"<&>é\"\\"}]}`+"\n", 2000)
	for _, audit := range []string{big, big + "x", "short <b>&</b>", "bad \xff utf-8", "", big} {
		s := State{Tab: "audit", CRUDYAML: DefaultCRUD, AuditText: audit, AuditList: "privilege-escalation", MinLength: 2}
		enc := EncodeSaved(s)
		if again := EncodeSaved(s); again != enc {
			t.Fatalf("%d-byte audit: two encodings of one state differ", len(audit))
		}
		got, err := DecodeSaved(enc)
		if err != nil {
			t.Fatalf("%d-byte audit: %v", len(audit), err)
		}
		want := s
		want.AuditText = strings.ToValidUTF8(audit, "\ufffd")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%d-byte audit: read back %+.80v, want %+.80v", len(audit), got, want)
		}
		if audit == "" && strings.Contains(enc, `"audit":`) {
			t.Errorf("an empty audit text is saved: %s", enc)
		}
	}
	// A state with nothing but the audit text.
	if got, err := DecodeSaved(EncodeSaved(State{AuditText: "{}"})); err != nil || got.AuditText != "{}" || got.Tab != "" {
		t.Errorf("audit-only state read back as %+v, %v", got, err)
	}
}
