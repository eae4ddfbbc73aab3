package diff

import (
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/wildcard"
)

func TestCovers(t *testing.T) {
	tests := []struct {
		sup, sub string
		want     bool
	}{
		{"*", "arn:aws:s3:::b/*", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/x/*", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/x", true},
		{"arn:aws:s3:::b/x", "arn:aws:s3:::b/*", false},
		{"arn:aws:s3:::b/*", "*", false},
		{"arn:aws:s3:::b?", "arn:aws:s3:::b1", true},
		{"arn:aws:s3:::b?", "arn:aws:s3:::b*", false},
		{"arn:aws:s3:::b*", "arn:aws:s3:::b?", true},
		{"a*b*c", "a*c", false},
		{"a*c", "a*b*c", true},
		{"abc", "abc", true},
		{"abc", "ABC", false},
		{"", "", true},
	}
	for _, tc := range tests {
		if got := covers(tc.sup, tc.sub); got != tc.want {
			t.Errorf("covers(%q, %q) = %v, want %v", tc.sup, tc.sub, got, tc.want)
		}
	}
}

func TestOverlaps(t *testing.T) {
	tests := []struct {
		p, q string
		want bool
	}{
		{"arn:aws:s3:::b/*", "arn:aws:s3:::*/secret", true},
		{"arn:aws:s3:::a/*", "arn:aws:s3:::b/*", false},
		{"a?c", "*b*", true},
		{"a?c", "abd", false},
		{"*", "", true},
		{"x", "", false},
	}
	for _, tc := range tests {
		if got := overlaps(tc.p, tc.q); got != tc.want {
			t.Errorf("overlaps(%q, %q) = %v, want %v", tc.p, tc.q, got, tc.want)
		}
		if got := overlaps(tc.q, tc.p); got != tc.want {
			t.Errorf("overlaps(%q, %q) = %v, want %v (symmetry)", tc.q, tc.p, got, tc.want)
		}
	}
}

// TestCoversSound checks covers against brute-force matching over a small
// alphabet: whenever covers(sup, sub), every sample string sub matches,
// sup matches too.
func TestCoversSound(t *testing.T) {
	pats := []string{"*", "a*", "*a", "a?", "?a", "ab", "a*b", "??", "*?*", "a", ""}
	var samples []string
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		samples = append(samples, prefix)
		if n == 0 {
			return
		}
		for _, c := range []string{"a", "b"} {
			gen(prefix+c, n-1)
		}
	}
	gen("", 4)
	for _, sup := range pats {
		for _, sub := range pats {
			if !covers(sup, sub) {
				continue
			}
			for _, s := range samples {
				if wildcard.Match(sub, s) && !wildcard.Match(sup, s) {
					t.Errorf("covers(%q, %q) but %q matches only the second", sup, sub, s)
				}
			}
		}
	}
}
