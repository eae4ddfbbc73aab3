package cli

import (
	"bufio"
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
)

// TestDocumentedCommands runs every command line of Policy Sentry's
// documentation (testdata/documented-commands.txt, gathered from README.md
// and docs/ of each release) with our CLI, as written there, in a folder
// holding the files the docs name (examples/..., crud.yml), with a
// temporary HOME, the local IAM/STS endpoint for download-policies and a
// local Service Authorization Reference for initialize --fetch. Each must
// exit 0 and print something. The completion lines are evaluated by bash
// when it is installed.
func TestDocumentedCommands(t *testing.T) {
	lines := readDocumented(t)
	wd, _ := os.Getwd()
	_, home := fakeAWS(t)
	ref := httptest.NewServer(http.FileServer(http.Dir(filepath.Join(wd, "../../internal/sarfetch/testdata/reference"))))
	defer ref.Close()
	t.Setenv("POLICY_SENTRY_SAR_URL", ref.URL+"/index.json")
	work := t.TempDir()
	setupDocumentedFiles(t, filepath.Join(wd, "testdata"), work, home)
	t.Chdir(work)
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	// download-policies first: later lines read what it writes.
	sort.SliceStable(lines, func(i, j int) bool {
		first := func(l string) bool {
			return strings.Contains(l, " download-policies") || strings.Contains(l, " download --")
		}
		return first(lines[i][0]) && !first(lines[j][0])
	})
	for _, l := range lines {
		line, source := l[0], l[1]
		t.Run(line, func(t *testing.T) {
			var out, errb bytes.Buffer
			app := &App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Preloaded: db, ProgName: "policy_sentry"}
			if env, ok := strings.CutPrefix(line, `eval "$(`); ok {
				assign, _, _ := strings.Cut(env, " ")
				k, v, _ := strings.Cut(assign, "=")
				t.Setenv(k, v)
				if code := app.Run(nil); code != 0 {
					t.Fatalf("%s: exit %d\n%s", source, code, errb.String())
				}
				checkScript(t, v, out.String())
				return
			}
			args := shellWords(t, line, home)
			if args[0] != "policy_sentry" {
				t.Fatalf("not a policy_sentry command: %q", line)
			}
			code := app.Run(args[1:])
			if code != 0 {
				t.Fatalf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", source, code, out.String(), errb.String())
			}
			if strings.TrimSpace(out.String()) == "" {
				t.Errorf("%s: nothing on stdout\nstderr:\n%s", source, errb.String())
			}
		})
	}
}

func readDocumented(t *testing.T) [][2]string {
	f, err := os.Open("testdata/documented-commands.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][2]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#") {
			cmd, src, ok := strings.Cut(l, "\t")
			if !ok {
				t.Fatalf("no source in %q", l)
			}
			out = append(out, [2]string{cmd, src})
		}
	}
	if len(out) < 80 {
		t.Fatalf("only %d documented commands", len(out))
	}
	return out
}

// setupDocumentedFiles lays out the files the documented commands name.
func setupDocumentedFiles(t *testing.T, testdata, work, home string) {
	t.Helper()
	cp := func(src, dst string) {
		b, err := os.ReadFile(filepath.Join(testdata, src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ex := "docs/examples/"
	for _, dir := range []string{work, filepath.Join(work, "examples"), filepath.Join(work, "examples", "yml")} {
		cp(ex+"crud.yml", filepath.Join(dir, "crud.yml"))
		cp(ex+"actions.yml", filepath.Join(dir, "actions.yml"))
	}
	for _, dir := range []string{"examples/input-dir", "files"} {
		cp(ex+"crud.yml", filepath.Join(work, dir, "crud.yml"))
		cp(ex+"actions.yml", filepath.Join(work, dir, "actions.yml"))
	}
	for _, f := range []string{"wildcards.json", "explicit-actions.json"} {
		cp(ex+"analyze/"+f, filepath.Join(work, "examples", "analyze", f))
	}
	cp(ex+"analyze/explicit-actions.json", filepath.Join(work, "examples", "explicit-actions.json"))
	cp(ex+"overrides.yml", filepath.Join(work, "my-override.yml"))
	cp(ex+"overrides.yml", filepath.Join(home, ".policy_sentry", "access-level-overrides.yml"))
	cp(ex+"overrides.yml", filepath.Join(home, ".policy_sentry", "overrides-resource-policies.yml"))
	cp(ex+"report-config.yml", filepath.Join(work, "custom-config.yml"))
	// Policy Sentry 0.4's layout, which its cheat sheet analyzes.
	for _, f := range []string{"AWSSupportServiceRolePolicy.json", "DataPipelineRole.json"} {
		cp(ex+"managed/"+f, filepath.Join(home, ".policy_sentry", "123456789012", "customer-managed", f))
	}
}

// shellWords splits a documented command line as a POSIX shell would for
// these lines: quotes, $HOME, a leading ~, and /Users/username (the docs'
// home folder) as HOME.
func shellWords(t *testing.T, line, home string) []string {
	line = strings.ReplaceAll(line, "/Users/username", home)
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		t.Fatalf("unbalanced quote in %q", line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	for i, w := range words {
		w = strings.ReplaceAll(w, "$HOME", home)
		if w == "~" || strings.HasPrefix(w, "~/") {
			w = home + w[1:]
		}
		words[i] = w
	}
	return words
}

// checkScript checks a completion script, and with bash installed,
// evaluates a bash one and asks bash what completes policy_sentry.
func checkScript(t *testing.T, mode, script string) {
	t.Helper()
	if strings.Contains(mode, "zsh") {
		if !strings.HasPrefix(script, "#compdef policy_sentry") {
			t.Errorf("zsh script starts %.60q", script)
		}
		return
	}
	if !strings.Contains(script, "__start_policy_sentry") {
		t.Fatalf("bash script lacks __start_policy_sentry: %.200q", script)
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		return
	}
	f := filepath.Join(t.TempDir(), "completion.bash")
	os.WriteFile(f, []byte(script), 0o644)
	out, err := exec.Command(bash, "-c", `eval "$(cat "$0")" && complete -p policy_sentry`, f).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "__start_policy_sentry") {
		t.Errorf("bash could not load the script: %v\n%s", err, out)
	}
}
