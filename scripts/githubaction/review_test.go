// Package githubaction tests the composite GitHub Action's script
// (review.sh) locally: a throwaway git repository with a policy change,
// the real CLI, and the action's outputs.
package githubaction

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func sh(t *testing.T, dir string, env []string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out), code
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReviewScript runs review.sh as the action does on a pull request
// that widens one policy, leaves one alone and deletes one: exit code 3,
// the outputs file, a SARIF log pointing at the repository path and line,
// and the step summary; then on a change that grants nothing new: exit 0.
func TestReviewScript(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed for this test")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "policy-sentry")
	if out, code := sh(t, "../..", nil, "go", "build", "-o", bin, "./engine/cmd/policy-sentry"); code != 0 {
		t.Fatalf("build: %s", out)
	}
	repo := filepath.Join(tmp, "repo")
	gitEnv := []string{"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"}
	write(t, filepath.Join(repo, "iam/app.json"), `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/reports/*"}]}`)
	write(t, filepath.Join(repo, "iam/same.json"), `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}`)
	write(t, filepath.Join(repo, "iam/gone.json"), `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`)
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "."}, {"commit", "-qm", "base"}} {
		if out, code := sh(t, repo, gitEnv, "git", args...); code != 0 {
			t.Fatalf("git %v: %s", args, out)
		}
	}
	write(t, filepath.Join(repo, "iam/app.json"), "{\"Version\":\"2012-10-17\",\n\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"iam:PassRole\"],\"Resource\":\"*\"}]}")
	os.Remove(filepath.Join(repo, "iam/gone.json"))
	outDir := filepath.Join(tmp, "out")
	ghOut := filepath.Join(tmp, "github_output")
	summary := filepath.Join(tmp, "summary.md")
	env := []string{"REVIEW_PATHS=iam", "REVIEW_BASE=HEAD", "POLICY_SENTRY=" + bin, "REVIEW_OUT=" + outDir,
		"GITHUB_OUTPUT=" + ghOut, "GITHUB_STEP_SUMMARY=" + summary, "REVIEW_GUARDRAILS=iam-write"}
	out, code := sh(t, repo, env, "bash", filepath.Join(mustAbs(t, "."), "review.sh"))
	if code != 3 {
		t.Fatalf("exit %d, want 3\n%s", code, out)
	}
	for _, want := range []string{"== iam/app.json", "+ new/iam/app.json:2:14", "iam:PassRole", "WIDER_RESOURCE", "== iam/gone.json (removed)", "must not grant (iam-write)"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	gh, _ := os.ReadFile(ghOut)
	if !strings.Contains(string(gh), "new-access=true") || !strings.Contains(string(gh), "sarif="+outDir+"/review.sarif") {
		t.Errorf("GITHUB_OUTPUT: %s", gh)
	}
	sum, _ := os.ReadFile(summary)
	if !strings.Contains(string(sum), "## IAM change review") || strings.Contains(string(sum), outDir) {
		t.Errorf("summary: %s", sum)
	}
	raw, _ := os.ReadFile(filepath.Join(outDir, "review.sarif"))
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(raw, &log); err != nil || len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 {
		t.Fatalf("sarif: %v %s", err, raw)
	}
	loc := log.Runs[0].Results[0].Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "iam/app.json" || loc.Region.StartLine != 2 {
		t.Errorf("SARIF location %+v, want iam/app.json line 2", loc)
	}
	// A change that only narrows access passes.
	write(t, filepath.Join(repo, "iam/app.json"), `{"Version":"2012-10-17","Statement":[{"Sid":"Narrower","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/reports/2026/*"}]}`)
	write(t, filepath.Join(repo, "iam/gone.json"), `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`)
	if out, code := sh(t, repo, env, "bash", filepath.Join(mustAbs(t, "."), "review.sh")); code != 0 {
		t.Errorf("narrowing change: exit %d\n%s", code, out)
	}
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
