package webapp

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/leastpriv/policysentry/dataset"
)

// FuzzLocate checks the statement locator on any text: a location is
// always inside the text, its span selects whole characters, and a
// statement found in the text is an object from its brace to its brace.
func FuzzLocate(f *testing.F) {
	for _, s := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
		"{\n  \"Statement\": [\n    {\"Sid\": \"Ünï 🔒\", \"Effect\": \"Deny\"}\n  ]\n}",
		"[{\"Statement\":{}}]\r\n",
		"\xff{\"a\":[{}]}",
		"",
	} {
		f.Add(s, 1, 1)
		f.Add(s, 1, 38)
		f.Add(s, 3, 5)
	}
	f.Fuzz(func(t *testing.T, text string, line, column int) {
		l := newLocator("new", text)
		loc := l.at("new", "Statement[0]", line, column)
		units := utf16Len([]byte(text))
		if loc.Start < 0 || loc.End < loc.Start || loc.End > units {
			t.Fatalf("span %d:%d outside the text (%d units)", loc.Start, loc.End, units)
		}
		if loc.EndLine < loc.Line && loc.Line >= 1 && loc.Line <= strings.Count(text, "\n")+1 {
			t.Fatalf("EndLine %d before Line %d", loc.EndLine, loc.Line)
		}
		if !utf8.ValidString(text) {
			return
		}
		u := utf16.Encode([]rune(text))
		sel := string(utf16.Decode(u[loc.Start:loc.End]))
		if strings.ContainsRune(sel, utf8.RuneError) && !strings.ContainsRune(text, utf8.RuneError) {
			t.Fatalf("span %d:%d splits a character: %q", loc.Start, loc.End, sel)
		}
		if strings.HasPrefix(sel, "{") && strings.Contains(sel, "\n") && loc.EndLine == loc.Line {
			t.Fatalf("a statement over several lines has EndLine %d = Line", loc.EndLine)
		}
	})
}

// FuzzScreens runs both screens' logic on any input: they never panic,
// and every location they return is inside its box's text.
func FuzzScreens(f *testing.F) {
	db, err := dataset.Default()
	if err != nil {
		f.Fatal(err)
	}
	pol := `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`
	f.Add(pol, `{"Version":"2012-10-17","Statement":[]}`, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceIp=10.1.2.3", "iam-write")
	f.Add(`[`+pol+`,`+pol+`]`, pol, "s3:Get*", "", "# c\naws:TagKeys=a,b\n", "")
	f.Add("", "{", "", "*", "=", "nope")
	f.Add(pol, pol, "kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/k", "kms:EncryptionContext:team=x", "disable-logging organizations")
	f.Fuzz(func(t *testing.T, a, b, action, arn, context, guards string) {
		cv := Compare(db, CompareState{Old: a, New: b, Guardrails: guards, MustNotGrant: context})
		checkInside(t, map[string]string{"old": a, "new": b}, compareLocs(cv))
		sv := Simulate(db, SimulateState{Identity: a, SCP: b, Action: action, ResourceARN: arn, Context: context})
		for _, r := range sv.Results {
			var locs []Loc
			for _, m := range r.Deciding {
				locs = append(locs, m.At)
			}
			if r.Nearest != nil {
				locs = append(locs, r.Nearest.At)
			}
			checkInside(t, map[string]string{"identity": a, "scp": b}, locs)
		}
	})
}

func checkInside(t *testing.T, boxes map[string]string, locs []Loc) {
	for _, l := range locs {
		text, ok := boxes[l.Box]
		if !ok {
			t.Fatalf("%s: no box %q", l.Text(), l.Box)
		}
		if n := utf16Len([]byte(text)); l.Start < 0 || l.End < l.Start || l.End > n {
			t.Fatalf("%s: span %d:%d outside the text (%d units)", l.Text(), l.Start, l.End, n)
		}
	}
}
