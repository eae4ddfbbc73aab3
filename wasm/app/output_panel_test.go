package main

import (
	"fmt"
	"testing"
)

// TestLeadingIntAsSscanf checks that leadingInt reads the min. length
// field as fmt.Sscanf(s, "%d", &n) did.
func TestLeadingIntAsSscanf(t *testing.T) {
	for _, s := range []string{
		"", "0", "7", "12", "40", "-3", "+5", " 9", "\t4", "12.5", "1e3", "abc", "-", "+",
		"3abc", "007", "99999999999999999999", "-99999999999999999999", "0x10", "1_000", " ", "- 3",
	} {
		var want int
		fmt.Sscanf(s, "%d", &want)
		if got := leadingInt(s); got != want {
			t.Errorf("leadingInt(%q) = %d, fmt.Sscanf gives %d", s, got, want)
		}
	}
}
