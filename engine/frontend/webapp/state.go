package webapp

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
)

// State is the working state of the app: what survives a reload
// (localStorage) and travels in share links (the URL fragment, which
// browsers never send to a server).
type State struct {
	Tab         string `json:"tab,omitempty"`
	CRUDYAML    string `json:"crud,omitempty"`
	ActionsYAML string `json:"actions,omitempty"`
	AuditText   string `json:"audit,omitempty"`
	AuditList   string `json:"auditList,omitempty"`
	Minimize    bool   `json:"min,omitempty"`
	MinLength   int    `json:"minLen,omitempty"`
	OutTab      string `json:"out,omitempty"`
	// Split is the output panel's split quota (SplitChoices' Key).
	Split   string `json:"split,omitempty"`
	Service string `json:"svc,omitempty"`
	// Screens holds the state of the screens added after the fields
	// above, by screen id (see Screen and SetScreen), so that a new
	// screen needs no field here.
	Screens map[string]json.RawMessage `json:"screens,omitempty"`
}

// maxFragment bounds a decoded share link (1 MiB).
const maxFragment = 1 << 20

// EncodeFragment packs the state for a URL fragment: JSON, deflated,
// base64url without padding, prefixed "s=".
func EncodeFragment(s State) string {
	b, _ := json.Marshal(s)
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(b)
	w.Close()
	return "s=" + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

// DecodeFragment reads a fragment made by EncodeFragment ("#" optional).
func DecodeFragment(frag string) (State, error) {
	var s State
	if len(frag) > 0 && frag[0] == '#' {
		frag = frag[1:]
	}
	if len(frag) < 2 || frag[:2] != "s=" {
		return s, fmt.Errorf("not a share link (expected #s=...)")
	}
	raw, err := base64.RawURLEncoding.DecodeString(frag[2:])
	if err != nil {
		return s, fmt.Errorf("share link is damaged: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw)), maxFragment+1))
	if err != nil {
		return s, fmt.Errorf("share link is damaged: %w", err)
	}
	if len(b) > maxFragment {
		return s, fmt.Errorf("share link is too large")
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("share link is damaged: %w", err)
	}
	return s, nil
}

// EncodeSaved is the state as kept in localStorage: plain JSON, cheap
// enough to write on every keystroke (share links are deflated instead).
// The audit text, which can be a whole account's authorization details
// (megabytes), is encoded once per change of it and appended, not encoded
// again on every keystroke of every screen (quotedAudit), so "audit"
// comes last in the object.
func EncodeSaved(s State) string {
	audit := s.AuditText
	s.AuditText = ""
	b, _ := json.Marshal(s)
	if audit == "" {
		return string(b)
	}
	q := quotedAudit(audit)
	var out strings.Builder
	out.Grow(len(b) + len(q) + 10)
	out.Write(b[:len(b)-1]) // without the closing brace
	if len(b) > 2 {
		out.WriteByte(',')
	}
	out.WriteString(`"audit":`)
	out.Write(q)
	out.WriteByte('}')
	return out.String()
}

// savedAudit is the last audit text EncodeSaved encoded, with its JSON.
var savedAudit struct {
	mu     sync.Mutex
	text   string
	quoted []byte
}

// quotedAudit returns the JSON string of an audit text, encoding it only
// when it differs from the last one (the screen keeps the same string
// between edits, so the comparison is quick).
func quotedAudit(text string) []byte {
	savedAudit.mu.Lock()
	defer savedAudit.mu.Unlock()
	if savedAudit.quoted == nil || text != savedAudit.text {
		q, _ := json.Marshal(text)
		savedAudit.text, savedAudit.quoted = text, q
	}
	return savedAudit.quoted
}

// DecodeSaved reads what EncodeSaved wrote (or an older share-link style
// "s=..." value).
func DecodeSaved(v string) (State, error) {
	if len(v) >= 2 && v[:2] == "s=" {
		return DecodeFragment(v)
	}
	var s State
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return s, fmt.Errorf("saved state is damaged: %w", err)
	}
	return s, nil
}
