package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
)

// TestRegisteredNames checks that each registered command is named as it
// was registered: Run builds only the command whose registered name the
// command line gives, so a mismatch would make it unreachable.
func TestRegisteredNames(t *testing.T) {
	if len(subcommands) < 10 {
		t.Fatalf("only %d commands registered", len(subcommands))
	}
	seen := map[string]bool{}
	for _, c := range subcommands {
		if seen[c.name] {
			t.Errorf("%q registered twice", c.name)
		}
		seen[c.name] = true
		if got := c.build(&App{}).Name(); got != c.name {
			t.Errorf("registered as %q, the command is named %q", c.name, got)
		}
	}
}

// TestInvoked checks which command lines build one command and which the
// whole tree.
func TestInvoked(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"write-policy", "--input-file", "x.yml"}, "write-policy"},
		{[]string{"--dataset", "d.zst", "query", "action-table"}, "query"},
		{[]string{"--dataset=d.zst", "analyze", "--policy", "p.json"}, "analyze"},
		{[]string{"--access-level-overrides-file", "o.yml", "write-policy"}, "write-policy"},
		{nil, ""},
		{[]string{"--help"}, ""},
		{[]string{"--version"}, ""},
		{[]string{"help", "write-policy"}, ""},
		{[]string{"write-polcy"}, ""},
		{[]string{"completion", "bash"}, ""},
		{[]string{clickCompleteCmd, "bash"}, ""},
		{[]string{"__complete", "write-policy", ""}, ""},
	}
	for _, c := range cases {
		if got := (&App{}).invoked(c.args); got != c.want {
			t.Errorf("invoked(%q) = %q, want %q", c.args, got, c.want)
		}
	}
	if got := (&App{fullTree: true}).invoked([]string{"write-policy"}); got != "" {
		t.Errorf("with fullTree, invoked = %q, want the whole tree", got)
	}
}

// TestOneCommandSameAsWholeTree runs command lines with only the invoked
// command built and with the whole tree, and compares exit code, stdout
// and stderr: help of every command and subcommand, usage errors, and
// runs that succeed or fail.
func TestOneCommandSameAsWholeTree(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	lines := [][]string{
		{"write-policy", "--input-file", "testdata/crud.yml"},
		{"write-policy", "--input-file", "testdata/crud.yml", "--minimize", "0", "--fmt", "yaml"},
		{"write-policy", "--input-file", "testdata/missing.yml"},
		{"write-policy", "--bogus"},
		{"write-policy", "--fmt", "xml"},
		{"query", "action-table", "--service", "s3", "--access-level", "tagging"},
		{"query", "action-table", "--service", "s3", "--access-level", "nope"},
		{"query", "nope"},
		{"create-template", "--template-type", "crud", "--output-file", "-"},
		{"dataset", "info"},
		{"diff"},
	}
	full := &App{}
	var root []string
	for _, c := range newRoot(full, "").Commands() {
		root = append(root, c.Name())
		lines = append(lines, []string{c.Name(), "--help"})
		for _, sub := range c.Commands() {
			lines = append(lines, []string{c.Name(), sub.Name(), "--help"})
		}
	}
	for _, name := range []string{"write-policy", "query", "analyze", "validate", "simulate", "serve"} {
		if !strings.Contains(" "+strings.Join(root, " ")+" ", " "+name+" ") {
			t.Fatalf("the whole tree has no %s: %q", name, root)
		}
	}
	for _, args := range lines {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if (&App{}).invoked(args) == "" && args[0] != "completion" && args[0] != clickCompleteCmd {
				t.Fatalf("%q builds the whole tree: the comparison would prove nothing", args)
			}
			var out1, err1, out2, err2 bytes.Buffer
			one := &App{Stdin: strings.NewReader(""), Stdout: &out1, Stderr: &err1, Preloaded: db}
			all := &App{Stdin: strings.NewReader(""), Stdout: &out2, Stderr: &err2, Preloaded: db, fullTree: true}
			c1, c2 := one.Run(args), all.Run(args)
			if c1 != c2 || out1.String() != out2.String() || err1.String() != err2.String() {
				t.Errorf("one command: exit %d\n%s\n%s\nwhole tree: exit %d\n%s\n%s", c1, out1.String(), err1.String(), c2, out2.String(), err2.String())
			}
			if out1.Len()+err1.Len() == 0 {
				t.Errorf("no output at all")
			}
		})
	}
}
