package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// TestAnalyzeIAMPolicyGolden runs analyze-iam-policy as Policy Sentry
// 0.5-0.6's documentation shows it (user-guide/analyze-policy.rst and the
// command cheat sheet) on example policies in testdata/docs, from inside
// that folder, and compares stdout and stderr with golden files.
func TestAnalyzeIAMPolicyGolden(t *testing.T) {
	t.Setenv("HOME", t.TempDir()) // no ~/.policy_sentry/audit: the bundled lists serve
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"access-level-file", []string{"--from-access-level", "permissions-management", "--policy", "examples/analyze/wildcards.json"}, 0},
		{"access-level-folder", []string{"--from-access-level", "permissions-management", "--policy", "examples/managed"}, 0},
		{"access-level-read", []string{"--from-access-level", "read", "--policy", "examples/analyze/explicit-actions.json"}, 0},
		{"audit-builtin", []string{"--policy", "examples/analyze/explicit-actions.json"}, 0},
		{"audit-folder", []string{"--policy", "examples/managed"}, 0},
		{"audit-bundled-file", []string{"--from-audit-file", "~/.policy_sentry/audit/privilege-escalation.txt", "--policy", "examples/analyze/wildcards.json"}, 0},
		{"audit-custom-file", []string{"--policy", "examples/analyze/wildcards.json", "--from-audit-file", "examples/audit.txt"}, 0},
		{"account-file-level", []string{"--from-access-level", "permissions-management", "--policy", "examples/account.json"}, 0},
		{"account-file-audit", []string{"--policy", "examples/account.json"}, 0},
		{"v04-file-show-level", []string{"--show", "permissions-management", "--file", "examples/analyze/wildcards.json"}, 0},
		{"v04-show-folder", []string{"--show", "examples/managed"}, 0},
		{"missing-policy-flag", []string{"--from-access-level", "read"}, 2},
		{"missing-file", []string{"--policy", "examples/nope.json"}, 1},
		{"bad-level", []string{"--from-access-level", "admin", "--policy", "examples/managed"}, 2},
		{"unknown-audit-file", []string{"--policy", "examples/managed", "--from-audit-file", "nope.txt"}, 1},
	}
	wd, _ := os.Getwd()
	t.Chdir(filepath.Join(wd, "testdata", "docs"))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"analyze-iam-policy"}, c.args...)
			for i, a := range args {
				args[i] = strings.Replace(a, "~", os.Getenv("HOME"), 1)
			}
			code, out, errOut := run(t, "", args...)
			if code != c.code {
				t.Errorf("exit code %d, want %d\n%s", code, c.code, errOut)
			}
			errOut = strings.ReplaceAll(errOut, os.Getenv("HOME"), "~")
			dir := filepath.Join(wd, "testdata", "analyze-iam-policy")
			golden.Check(t, filepath.Join(dir, c.name+".out"), []byte(out), "")
			golden.Check(t, filepath.Join(dir, c.name+".err"), []byte(errOut), "")
		})
	}
}

// TestPyList checks the Python pprint(indent=4) list layout.
func TestPyList(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{
		{nil, "[]"},
		{[]string{"iam:deleterole", "lightsail:getinstanceaccessdetails"}, "['iam:deleterole', 'lightsail:getinstanceaccessdetails']"},
		// 80 columns fit on one line; 81 do not.
		{[]string{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}, "['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb']"},
		{[]string{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}, "[   'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',\n    'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb']"},
		{[]string{"it's"}, `["it's"]`},
		{[]string{"a'b\"c"}, `['a\'b"c']`},
	} {
		if got := pyList(c.in); got != c.want {
			t.Errorf("pyList(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}
