package arn

import "testing"

func TestExpandAPIShortForm(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"execute-api:/*", "arn:*:execute-api:*:*:*/*"},
		{"execute-api:/prod/GET/pets", "arn:*:execute-api:*:*:*/prod/GET/pets"},
		{"execute-api:/*/POST/*", "arn:*:execute-api:*:*:*/*/POST/*"},
		// Not the short form: unchanged.
		{"arn:aws:execute-api:us-east-1:111122223333:abc/prod/GET/", "arn:aws:execute-api:us-east-1:111122223333:abc/prod/GET/"},
		{"execute-api:*", "execute-api:*"},
		{"*", "*"},
	} {
		if got := ExpandAPIShortForm(c.in); got != c.want {
			t.Errorf("ExpandAPIShortForm(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := APIShortForm(c.in); got != (c.in != c.want) {
			t.Errorf("APIShortForm(%q) = %v", c.in, got)
		}
	}
}
