package lazyre

import (
	"sync"
	"testing"
)

func TestRegexp(t *testing.T) {
	r := New(`^arn:[^:]*:(iam|sts)::([0-9]{12}):`)
	tests := []struct {
		in    string
		match bool
		sub   []string
	}{
		{"arn:aws:iam::123456789012:role/x", true, []string{"arn:aws:iam::123456789012:", "iam", "123456789012"}},
		{"arn:aws:s3:::bucket", false, nil},
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ { // first use from several goroutines at once
		wg.Add(1)
		go func() { defer wg.Done(); r.MatchString("x") }()
	}
	wg.Wait()
	for _, tc := range tests {
		if got := r.MatchString(tc.in); got != tc.match {
			t.Errorf("MatchString(%q) = %v", tc.in, got)
		}
		got := r.FindStringSubmatch(tc.in)
		if len(got) != len(tc.sub) {
			t.Errorf("FindStringSubmatch(%q) = %q, want %q", tc.in, got, tc.sub)
			continue
		}
		for j := range got {
			if got[j] != tc.sub[j] {
				t.Errorf("FindStringSubmatch(%q) = %q, want %q", tc.in, got, tc.sub)
			}
		}
	}
	p := New(`\$\{[^}]*\}`)
	if got := p.ReplaceAllString("arn:${Partition}:s3:::${BucketName}", "*"); got != "arn:*:s3:::*" {
		t.Errorf("ReplaceAllString = %q", got)
	}
	if got := p.ReplaceAllStringFunc("a${X}b", func(s string) string { return "[" + s + "]" }); got != "a[${X}]b" {
		t.Errorf("ReplaceAllStringFunc = %q", got)
	}
}
