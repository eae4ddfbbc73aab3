package wildcard

import "testing"

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true},
		{"*", "anything:at/all", true},
		{"", "", true},
		{"", "a", false},
		{"s3:get*", "s3:getobject", true},
		{"s3:get*", "s3:putobject", false},
		{"s3:Get*", "s3:getobject", false}, // case-sensitive: callers lower-case actions
		{"*object*", "s3:getobjectacl", true},
		{"s3:?etobject", "s3:getobject", true},
		{"s3:?etobject", "s3:etobject", false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"a*", "a*", true},
		{"a?", "a*", true},  // a pattern's ? matches a literal *
		{"*a", "*b", false}, // a pattern's * is a wildcard, even against *
		{"a*c", "a*b", false},
		{"**", "x", true},
	} {
		if got := Match(c.p, c.s); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}

func TestMatchFold(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"s3:Get*", "s3:getobject", true},
		{"S3:GETOBJECT", "s3:GetObject", true},
		{"s3:get?bject", "S3:GETOBJECT", true},
		{"s3:Put*", "s3:GetObject", false},
		{"iam:*Role", "IAM:PassROLE", true},
		{"a[b", "A[B", true},
		{"a@b", "a`b", false}, // '@' and '`' are next to 'A' and 'a', not letters
		{"z{", "Z[", false},
		{"é*", "É", false}, // only ASCII folds: callers lower-case the rest
	} {
		if got := MatchFold(c.p, c.s); got != c.want {
			t.Errorf("MatchFold(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("a*b?c", "axxbyc")
	f.Fuzz(func(t *testing.T, p, s string) {
		if Match(p, s) != Match(p+"*", s) && Match(p, s) {
			t.Fatalf("%q matches %q but %q does not", p, s, p+"*")
		}
		if !Match("*", s) {
			t.Fatalf("* does not match %q", s)
		}
		if !Match(s, s) && !containsWild(s) {
			t.Fatalf("%q does not match itself", s)
		}
		if MatchFold(p, s) != Match(asciiLower(p), asciiLower(s)) {
			t.Fatalf("MatchFold(%q, %q) = %v, not Match of the lower-cased strings", p, s, MatchFold(p, s))
		}
	})
}

func containsWild(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '*' || s[i] == '?' {
			return true
		}
	}
	return false
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
