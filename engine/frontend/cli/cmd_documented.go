package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// documentedForms rewrites the command lines that Policy Sentry's
// documentation of earlier releases shows into today's, so that every
// documented command runs as written (testdata/documented-commands.txt
// lists them): the _POLICY_SENTRY_COMPLETE=SHELL_source environment form
// of shell completion, 0.4-0.6's `write-policy --crud` and `--file`,
// 0.7's `write-policy FILE`, 0.6's `download` and `analyze` forms. Each
// rewrite but the completion one says on stderr what runs instead.
func (app *App) documentedForms(args []string) []string {
	if a, ok := completionEnvArgs(args); ok {
		return a
	}
	i := commandIndex(args)
	if i < 0 {
		return args
	}
	head, cmd, rest := args[:i], args[i], args[i+1:]
	var out []string
	switch cmd {
	case "write-policy", "write-policy-dir":
		out = app.legacyWritePolicy(cmd, rest)
	case "download":
		out = append([]string{"download-policies"}, rest...)
		app.notef("`download` is Policy Sentry 0.6's name of download-policies")
	case "analyze":
		out = app.legacyAnalyze(rest)
	case "query":
		out = app.legacyQuery(rest)
	}
	if out == nil {
		return args
	}
	return append(append([]string(nil), head...), out...)
}

func (app *App) notef(format string, args ...any) {
	fmt.Fprintf(app.Stderr, "note: "+format+"\n", args...)
}

// commandIndex is the index of the subcommand name, after the global
// options (--dataset FILE, --access-level-overrides-file FILE); -1 if none.
func commandIndex(args []string) int {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--dataset" || a == "--access-level-overrides-file":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			return i
		}
	}
	return -1
}

// legacyWritePolicy drops 0.4-0.6's --crud (the template says its mode
// since 0.7) and turns --file FILE (0.4) and a bare FILE (0.7's docs)
// into --input-file FILE.
func (app *App) legacyWritePolicy(cmd string, rest []string) []string {
	changed := false
	out := []string{cmd}
	hasInput := false
	for _, a := range rest {
		if a == "--input-file" || strings.HasPrefix(a, "--input-file=") || a == "-i" {
			hasInput = true
		}
	}
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--crud":
			changed = true
			app.notef("--crud is Policy Sentry 0.6's; the template's mode decides since 0.7")
		case a == "--file" && cmd == "write-policy":
			out = append(out, "--input-file")
			changed, hasInput = true, true
			app.notef("--file is Policy Sentry 0.4's name of --input-file")
		case cmd == "write-policy" && !hasInput && !strings.HasPrefix(a, "-") && (strings.HasSuffix(a, ".yml") || strings.HasSuffix(a, ".yaml")) && (i == 0 || !takesValue(rest[i-1])):
			out = append(out, "--input-file", a)
			hasInput = true
			changed = true
			app.notef("running write-policy --input-file %s", a)
		default:
			out = append(out, a)
		}
	}
	if !changed {
		return nil
	}
	return out
}

// takesValue says whether a write-policy option reads the next argument.
func takesValue(flag string) bool {
	switch flag {
	case "--input-file", "-i", "--fmt", "--minimize", "-m", "--minimize_length", "--dataset", "--access-level-overrides-file", "--verbose", "-v":
		return true
	}
	return false
}

// legacyAnalyze turns Policy Sentry 0.6's analyze forms into ours:
// `analyze policy-file --policy F` is `analyze --policy F`;
// `analyze`, `analyze downloaded-policies` and `analyze
// --downloaded-policies` audit everything download-policies wrote
// (~/.policy_sentry/policy-analysis; a bare `analyze` only when that
// folder exists: otherwise it is the usage error of a missing --policy).
// Its report options are ignored, with a note.
func (app *App) legacyAnalyze(rest []string) []string {
	downloaded := len(rest) == 0 && fileExists(downloadedDir())
	legacy := downloaded
	var out []string
	hasPolicy, policyFile := false, false
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch a {
		case "policy-file":
			legacy, policyFile = true, true
		case "downloaded-policies", "--downloaded-policies":
			legacy, downloaded = true, true
		case "--report-config", "--report-name", "--report-path", "--account-id":
			legacy = true
			if i+1 < len(rest) {
				i++
			}
			app.notef("%s is an option of Policy Sentry 0.6's report; ignored (the report is printed; --fmt json or yaml for data)", a)
		case "--include-markdown-report":
			legacy = true
			app.notef("%s is an option of Policy Sentry 0.6's report; ignored", a)
		default:
			if a == "--policy" || a == "-p" || strings.HasPrefix(a, "--policy=") {
				hasPolicy = true
			}
			out = append(out, a)
		}
	}
	if !legacy {
		return nil
	}
	if len(out) == 0 && !policyFile {
		downloaded = true // 0.6's analyze with report options only
	}
	if dir := downloadedDir(); !hasPolicy && downloaded && dir != "" {
		out = append([]string{"--policy", dir}, out...)
		app.notef("auditing the policies download-policies wrote: analyze --policy %s", dir)
	}
	return append([]string{"analyze"}, out...)
}

// downloadedDir is where download-policies writes: ~/.policy_sentry/policy-analysis.
func downloadedDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".policy_sentry", "policy-analysis")
}

// legacyQuery turns 0.6-0.8's `query action-table --wildcard-only` into
// --resource-type "*" (the actions that support only Resource "*").
func (app *App) legacyQuery(rest []string) []string {
	if len(rest) == 0 || rest[0] != "action-table" {
		return nil
	}
	out := []string{"query"}
	changed := false
	for _, a := range rest {
		if a == "--wildcard-only" {
			out = append(out, "--resource-type", "*")
			changed = true
			app.notef("--wildcard-only is Policy Sentry 0.8's; running --resource-type '*'")
			continue
		}
		out = append(out, a)
	}
	if !changed {
		return nil
	}
	return out
}
