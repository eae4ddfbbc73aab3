package sarfetch

import (
	"strings"
	"testing"
)

// FuzzParseIndex: any index either parses into unique, valid service
// prefixes with absolute URLs, or is an error; never a panic.
func FuzzParseIndex(f *testing.F) {
	f.Add([]byte(`[{"service":"s3","url":"v1/s3/s3.json"}]`))
	f.Add([]byte(`[{"service":"a","url":"https://x/a.json"},{"service":"b","url":"/b.json"}]`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[{"service":"A B","url":"::"}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := parseIndex(b, "https://example.com/index.json")
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, e := range entries {
			if !servicePattern.MatchString(e.Service) || seen[e.Service] {
				t.Fatalf("bad or repeated service %q", e.Service)
			}
			seen[e.Service] = true
			if !strings.Contains(e.URL, "://") {
				t.Fatalf("URL %q not absolute", e.URL)
			}
		}
	})
}
