package cli

import (
	"strings"
	"testing"
)

// TestComplete drives cobra's hidden __complete command, which the
// generated shell scripts call, and checks that commands, options, access
// levels, service prefixes and the dataset's names are offered.
func TestComplete(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		want    []string // candidates that must be offered (value part)
		notWant []string
	}{
		{"commands", []string{""}, []string{"analyze-iam-policy", "query", "write-policy", "completion", "download-policies", "initialize"}, []string{"__complete"}},
		{"command-prefix", []string{"ana"}, []string{"analyze", "analyze-iam-policy"}, []string{"query"}},
		{"subcommands", []string{"query", ""}, []string{"action-table", "arn-table", "condition-table"}, nil},
		{"flags", []string{"analyze-iam-policy", "--"}, []string{"--policy", "--from-access-level", "--from-audit-file"}, []string{"--file", "--show"}},
		{"access-levels", []string{"analyze-iam-policy", "--from-access-level", ""}, []string{"read", "write", "list", "tagging", "permissions-management"}, nil},
		{"access-level-prefix", []string{"query", "action-table", "--access-level", "per"}, []string{"permissions-management"}, []string{"read"}},
		{"services", []string{"query", "action-table", "--service", "s3"}, []string{"s3", "s3express", "s3-object-lambda"}, []string{"ec2"}},
		{"actions", []string{"query", "action-table", "--service", "s3", "--name", "GetObjectT"}, []string{"GetObjectTagging", "GetObjectTorrent"}, []string{"PutObject"}},
		{"actions-any-case", []string{"query", "action-table", "--service", "S3", "--name", "getobjectt"}, []string{"GetObjectTagging"}, nil},
		{"resource-types", []string{"query", "arn-table", "--service", "s3", "--name", "buck"}, []string{"bucket"}, nil},
		{"condition-keys", []string{"query", "condition-table", "--service", "s3", "--name", "s3:x-amz-acl"}, []string{"s3:x-amz-acl"}, nil},
		{"template-type", []string{"create-template", "--template-type", ""}, []string{"actions", "crud"}, nil},
		{"shells", []string{"completion", ""}, []string{"bash", "zsh", "fish", "powershell"}, nil},
		{"no-service-no-names", []string{"query", "action-table", "--name", ""}, nil, []string{"GetObject"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := run(t, "", append([]string{"__complete"}, c.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			got := map[string]bool{}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], ":") {
				t.Fatalf("no directive line in %q", out)
			}
			for _, l := range lines[:len(lines)-1] {
				v, _, _ := strings.Cut(l, "\t")
				got[v] = true
			}
			for _, w := range c.want {
				if !got[w] {
					t.Errorf("%q not offered; got %v", w, lines)
				}
			}
			for _, w := range c.notWant {
				if got[w] {
					t.Errorf("%q offered, should not be", w)
				}
			}
		})
	}
}

// TestCompletionScripts checks the completion command and Policy Sentry's
// documented _POLICY_SENTRY_COMPLETE=bash_source form print a script for
// the shell asked.
func TestCompletionScripts(t *testing.T) {
	cases := []struct {
		env  string
		args []string
		want string
		code int
	}{
		{"", []string{"completion", "bash"}, "complete -o default -F __start_policy-sentry policy-sentry", 0},
		{"", []string{"completion", "zsh"}, "#compdef policy-sentry", 0},
		{"", []string{"completion", "fish"}, "complete -c policy-sentry", 0},
		{"", []string{"completion", "powershell"}, "Register-ArgumentCompleter", 0},
		{"bash_source", nil, "__start_policy-sentry", 0},
		{"zsh_source", nil, "#compdef policy-sentry", 0},
		{"source_zsh", nil, "#compdef policy-sentry", 0},
		{"source", nil, "__start_policy-sentry", 0},
		{"fish_source", nil, "complete -c policy-sentry", 0},
		{"", []string{"completion", "tcsh"}, "", 2},
		{"tcsh_source", nil, "", 2},
	}
	for _, c := range cases {
		name := c.env + strings.Join(c.args, " ")
		t.Run(name, func(t *testing.T) {
			if c.env != "" {
				t.Setenv(completeEnv, c.env)
			}
			code, out, errOut := run(t, "", c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, errOut)
			}
			if !strings.Contains(out, c.want) {
				t.Errorf("script lacks %q:\n%.300s", c.want, out)
			}
		})
	}
}

// TestClickRuntimeCompletion answers click 8's protocol, which the
// scripts Policy Sentry generated call: COMP_WORDS and COMP_CWORD in, one
// candidate per line (bash: type,value; zsh: type, value, help lines).
func TestClickRuntimeCompletion(t *testing.T) {
	cases := []struct {
		mode, words, cword string
		want               []string
		not                []string
	}{
		{"bash_complete", "policy_sentry\nqu", "1", []string{"plain,query\n"}, []string{"plain,initialize"}},
		{"bash_complete", "policy_sentry\nquery\n", "2", []string{"plain,action-table\n", "plain,arn-table\n"}, nil},
		{"bash_complete", "policy_sentry query action-table --service s3 --access-level per", "6", []string{"plain,permissions-management\n"}, []string{"file,"}},
		{"bash_complete", "policy_sentry query action-table --service s3 --name GetObjectTa", "6", []string{"plain,GetObjectTagging\n"}, nil},
		{"bash_complete", "policy_sentry write-policy --input-file cr", "3", []string{"file,cr\n"}, nil},
		{"zsh_complete", "policy_sentry query action-table --service s3ex", "4", []string{"plain\ns3express\nAmazon S3 Express\n"}, nil},
		{"zsh_complete", "policy_sentry query condition-table --service s3 --name s3:x-amz-ac", "6", []string{"plain\ns3\\:x-amz-acl\n"}, nil},
		{"fish_complete", "policy_sentry analyze-iam-policy --from-access-level t", "3", []string{"plain,tagging\n"}, nil},
	}
	for _, c := range cases {
		t.Run(c.mode+" "+c.words, func(t *testing.T) {
			t.Setenv(completeEnv, c.mode)
			t.Setenv("COMP_WORDS", c.words)
			t.Setenv("COMP_CWORD", c.cword)
			code, out, errOut := run(t, "")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("lacks %q:\n%s", w, out)
				}
			}
			for _, w := range c.not {
				if strings.Contains(out, w) {
					t.Errorf("has %q:\n%s", w, out)
				}
			}
		})
	}
	t.Setenv(completeEnv, "tcsh_complete")
	if code, _, errOut := run(t, ""); code != 2 || !strings.Contains(errOut, "tcsh_complete") {
		t.Errorf("unknown shell: exit %d: %s", code, errOut)
	}
}
