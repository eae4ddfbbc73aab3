package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/leastpriv/policysentry/engine/workbench"
	"github.com/leastpriv/policysentry/engine/writer"
	"go.yaml.in/yaml/v3"
)

// run runs the CLI in-process on the embedded dataset.
func run(t testing.TB, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	app := &App{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Preloaded: db}
	code = app.Run(args)
	return code, out.String(), errb.String()
}

// TestWritePolicyREADME runs the README's crud.yml example and checks the
// policy against the writer (same dataset) and the size report against
// the policy printed.
func TestWritePolicyREADME(t *testing.T) {
	code, out, errOut := run(t, "", "write-policy", "--input-file", "testdata/crud.yml")
	if code != 0 {
		t.Fatalf("exit code %d\n%s", code, errOut)
	}
	var p writer.Policy
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("stdout is not a policy: %v\n%s", err, out)
	}
	src, _ := os.ReadFile("testdata/crud.yml")
	tmpl, err := template.Parse(src, "crud.yml")
	if err != nil {
		t.Fatal(err)
	}
	db, _ := dataset.Default()
	res, err := writer.Write(db, tmpl, writer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out != string(policyfmt.JSON(res.Policy)) {
		t.Errorf("CLI output differs from the writer's")
	}
	// Every ARN of the template is in some statement.
	for _, a := range []template.Entry{tmpl.Read[0], tmpl.Read[1], tmpl.Write[0], tmpl.Write[1], tmpl.List[0], tmpl.Tagging[0], tmpl.PermissionsManagement[0]} {
		if !strings.Contains(out, `"`+a.Value+`"`) {
			t.Errorf("%s is in no statement", a.Value)
		}
	}
	size := policyfmt.Size(&p)
	if !strings.Contains(errOut, size.Summary()) {
		t.Errorf("stderr lacks the size report %q:\n%s", size.Summary(), errOut)
	}
	if over := len(size.Over) > 0; over != strings.Contains(errOut, "warning: testdata/crud.yml: the policy has") || over != strings.Contains(errOut, policyfmt.HintMinimize) {
		t.Errorf("over a quota: %v, but the size warning or its --minimize hint presence differs:\n%s", over, errOut)
	}

	// --minimize never makes it bigger, and says so on stderr too.
	code, minOut, minErr := run(t, "", "write-policy", "--input-file", "testdata/crud.yml", "--minimize")
	if code != 0 {
		t.Fatalf("--minimize: exit code %d\n%s", code, minErr)
	}
	var mp writer.Policy
	if err := json.Unmarshal([]byte(minOut), &mp); err != nil {
		t.Fatal(err)
	}
	if ms := policyfmt.Size(&mp); ms.Chars >= size.Chars || !strings.Contains(minErr, ms.Summary()) {
		t.Errorf("minimized size %d (unminimized %d); stderr:\n%s", ms.Chars, size.Chars, minErr)
	}
}

// TestWritePolicyFormats checks stdin input and every --fmt.
func TestWritePolicyFormats(t *testing.T) {
	src, _ := os.ReadFile("testdata/crud.yml")
	_, want, _ := run(t, "", "write-policy", "--input-file", "testdata/crud.yml")
	code, fromStdin, errOut := run(t, string(src), "write-policy")
	if code != 0 || fromStdin != want {
		t.Fatalf("stdin: exit %d, same output %v\n%s", code, fromStdin == want, errOut)
	}
	var p writer.Policy
	json.Unmarshal([]byte(want), &p)

	code, y, _ := run(t, string(src), "write-policy", "--fmt", "yaml")
	var yp struct {
		Statement []struct {
			Sid string `yaml:"Sid"`
		} `yaml:"Statement"`
	}
	if err := yaml.Unmarshal([]byte(y), &yp); code != 0 || err != nil {
		t.Fatalf("yaml: exit %d, %v", code, err)
	}
	if len(yp.Statement) != len(p.Statement) || yp.Statement[0].Sid != p.Statement[0].Sid {
		t.Errorf("yaml output is not the same policy:\n%s", y)
	}

	code, tf, _ := run(t, string(src), "write-policy", "--fmt", "terraform")
	var outer struct{ Policy string }
	if err := json.Unmarshal([]byte(tf), &outer); code != 0 || err != nil {
		t.Fatalf("terraform: exit %d, %v", code, err)
	}
	var inner writer.Policy
	if err := json.Unmarshal([]byte(outer.Policy), &inner); err != nil || len(inner.Statement) != len(p.Statement) {
		t.Errorf("terraform output does not wrap the policy: %v\n%s", err, tf)
	}

	if code, _, errOut := run(t, string(src), "write-policy", "--fmt", "xml"); code != ExitUsage {
		t.Errorf("--fmt xml: exit %d, want %d\n%s", code, ExitUsage, errOut)
	}
}

// positioned matches "file:line:col: message".
var positioned = regexp.MustCompile(`(?m)^Error: \S+:\d+:\d+: `)

// TestWritePolicyBadInput checks that bad templates fail with exit code 1
// and a message that says where and what, never a panic.
func TestWritePolicyBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		mentions  []string
	}{
		{"unknown key", "mode: crud\nreed:\n- arn:aws:s3:::b\n", []string{`did you mean "read"`}},
		{"not an ARN", "mode: crud\nread:\n- s3:::b\n", []string{"is not an ARN"}},
		{"unknown mode", "mode: policy\n", []string{`unknown mode "policy"`}},
		{"unknown action", "mode: actions\nactions:\n- s3:GetObjekt\n- ec2:DescribeInstancez\n",
			[]string{`unknown action "s3:GetObjekt"; did you mean s3:GetObject`, `unknown action "ec2:DescribeInstancez"; did you mean ec2:DescribeInstances`}},
		{"unknown service in actions mode", "mode: actions\nactions:\n- s4:GetObject\n", []string{`unknown service "s4"`, "did you mean"}},
		{"invalid YAML", "mode: crud\nread: [\n", []string{"invalid YAML"}},
		// yaml.v3 says line 3; the problem is the [ on line 4.
		{"unclosed flow sequence", "mode: crud\nname: x\nread:\n  - [unclosed\n", []string{"t.yml:4:5: invalid YAML: did not find expected ',' or ']'"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "t.yml")
			os.WriteFile(path, []byte(tc.src), 0o644)
			code, out, errOut := run(t, "", "write-policy", "--input-file", path)
			if code != ExitError {
				t.Fatalf("exit code %d, want 1\n%s", code, errOut)
			}
			if out != "" {
				t.Errorf("stdout not empty: %s", out)
			}
			if !positioned.MatchString(errOut) {
				t.Errorf("error without file:line:col:\n%s", errOut)
			}
			for _, m := range tc.mentions {
				if !strings.Contains(errOut, m) {
					t.Errorf("stderr lacks %q:\n%s", m, errOut)
				}
			}
		})
	}
	if code, _, errOut := run(t, "", "write-policy", "--input-file", "/nonexistent/x.yml"); code != ExitError || !strings.Contains(errOut, "/nonexistent/x.yml") {
		t.Errorf("missing file: exit %d\n%s", code, errOut)
	}
}

// TestWritePolicyWarnsUnmatched checks that an ARN that matches no
// resource type is reported with its position and the nearest formats.
func TestWritePolicyWarnsUnmatched(t *testing.T) {
	db, _ := dataset.Default()
	src := "mode: crud\nread:\n- arn:aws:s3:::b/o\n- arn:aws:sqs:us-east-1:123456789012:q/extra/parts\n- arn:aws:dynamodb:us-east-1:123456789012:tabel/t\n"
	code, out, errOut := run(t, src, "write-policy")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	table := db.Service("dynamodb").Resource("table").ARN
	for _, want := range []string{
		"<stdin>:5:3: arn:aws:dynamodb:us-east-1:123456789012:tabel/t matches no resource type of service dynamodb",
		"nearest ARN formats: " + table,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(out, "tabel") {
		t.Errorf("the unmatched ARN is in the policy")
	}
}

// TestWritePolicyDir writes one JSON file per template and reports
// failures without stopping.
func TestWritePolicyDir(t *testing.T) {
	in, outDir := t.TempDir(), filepath.Join(t.TempDir(), "out")
	src, _ := os.ReadFile("testdata/crud.yml")
	os.WriteFile(filepath.Join(in, "a.yml"), src, 0o644)
	os.WriteFile(filepath.Join(in, "b.yaml"), []byte("mode: actions\nactions: [kms:CreateGrant]\n"), 0o644)
	os.WriteFile(filepath.Join(in, "notes.txt"), []byte("not a template"), 0o644)
	code, _, errOut := run(t, "", "write-policy-dir", "--input-dir", in, "--output-dir", outDir)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, f := range []string{"a.json", "b.json"} {
		b, err := os.ReadFile(filepath.Join(outDir, f))
		var p writer.Policy
		if err != nil || json.Unmarshal(b, &p) != nil || len(p.Statement) == 0 {
			t.Errorf("%s: %v\n%s", f, err, b)
		}
	}
	if _, err := os.Stat(filepath.Join(outDir, "notes.json")); err == nil {
		t.Error("notes.txt was treated as a template")
	}
	os.WriteFile(filepath.Join(in, "c.yml"), []byte("mode: nope\n"), 0o644)
	code, _, errOut = run(t, "", "write-policy-dir", "--input-dir", in, "--output-dir", outDir)
	if code != ExitError || !strings.Contains(errOut, "c.yml:1:7") || !strings.Contains(errOut, "1 of 3 templates failed") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}

// TestCreateTemplate checks that both skeletons parse and write an empty
// policy, and that --output-file writes the file ("-": standard output).
func TestCreateTemplate(t *testing.T) {
	db, _ := dataset.Default()
	for _, kind := range []string{"crud", "actions"} {
		code, out, errOut := run(t, "", "create-template", "--template-type", kind)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", kind, code, errOut)
		}
		tmpl, err := template.Parse([]byte(out), kind)
		if err != nil || string(tmpl.Mode) != kind {
			t.Fatalf("%s skeleton: %v", kind, err)
		}
		res, err := writer.Write(db, tmpl, writer.Options{})
		if err != nil || len(res.Policy.Statement) != 0 {
			t.Errorf("%s skeleton: %v, %d statements", kind, err, len(res.Policy.Statement))
		}
		path := filepath.Join(t.TempDir(), kind+".yml")
		if code, _, _ := run(t, "", "create-template", "-t", kind, "-o", path); code != 0 {
			t.Fatalf("%s -o: exit %d", kind, code)
		}
		if b, _ := os.ReadFile(path); string(b) != out {
			t.Errorf("%s: the file differs from stdout", kind)
		}
		// "-" is standard output, as for the other commands' file arguments,
		// not a file named "-" in the working directory.
		if code, dash, _ := run(t, "", "create-template", "-t", kind, "-o", "-"); code != 0 || dash != out {
			t.Errorf("%s -o -: exit %d, stdout differs from the skeleton", kind, code)
		}
		if _, err := os.Stat("-"); err == nil {
			t.Errorf("%s -o -: wrote a file named -", kind)
		}
	}
	if code, _, _ := run(t, "", "create-template", "--template-type", "policy"); code != ExitUsage {
		t.Errorf("bad --template-type: exit %d, want %d", code, ExitUsage)
	}
}

// BenchmarkCLIWritePolicyREADME runs the CLI binary on the README's
// crud.yml, end to end (process start, dataset load, writing, output), as
// a user would. The binary is built from the current code first, as
// `make cli` builds it; the build is not timed.
func BenchmarkCLIWritePolicyREADME(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "policy-sentry")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, "../../cmd/policy-sentry")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	// HOME without ~/.policy-sentry: the embedded dataset, as in a fresh install.
	env := append(os.Environ(), "HOME="+dir)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "write-policy", "--input-file", "testdata/crud.yml")
		cmd.Env = env
		if out, err := cmd.Output(); err != nil || len(out) == 0 {
			b.Fatalf("%v", err)
		}
	}
}

// BenchmarkWritePolicyREADMEInProcess is the same run in-process, with the
// dataset already loaded: the part of the CLI run that is not start-up.
func BenchmarkWritePolicyREADMEInProcess(b *testing.B) {
	db, err := dataset.Default()
	if err != nil {
		b.Fatal(err)
	}
	src, _ := os.ReadFile("testdata/crud.yml")
	for i := 0; i < b.N; i++ {
		app := &App{Stdin: strings.NewReader(""), Stdout: new(bytes.Buffer), Stderr: new(bytes.Buffer), Preloaded: db}
		if _, err := app.writePolicy(db, src, "crud.yml", workbench.WriteOptions{Formats: []string{"json"}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDatasetLoad is the start-up cost of the CLI: decompressing and
// decoding the embedded dataset.
func BenchmarkDatasetLoad(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := iamdb.Load(dataset.Compressed(), ""); err != nil {
			b.Fatal(err)
		}
	}
}

// TestREADMECrudExample checks that the README's "Writing policies"
// example is testdata/crud.yml, the file the tests above run.
func TestREADMECrudExample(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Writing policies")
	if !ok {
		t.Fatal("README has no \"Writing policies\" section")
	}
	_, block, ok := strings.Cut(section, "```yaml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("the section has no yaml block")
	}
	want, _ := os.ReadFile("testdata/crud.yml")
	if block != string(want) {
		t.Errorf("README example differs from testdata/crud.yml:\n%s", block)
	}
}

// TestWritePolicyIaCAndSplit checks --fmt with each infrastructure-as-code
// format (the rendering is policyfmt's, tested there with each
// language's parser) and --split: parts named policy-1, ... each within
// the quota, the summary on stderr, and the usage error for an unknown
// quota.
func TestWritePolicyIaCAndSplit(t *testing.T) {
	for _, f := range []string{"terraform-hcl", "cloudformation", "cloudformation-json", "cdk"} {
		code, out, errOut := run(t, "", "write-policy", "--input-file", "testdata/crud.yml", "--fmt", f)
		if code != 0 || !strings.Contains(out, "S3ReadObject") {
			t.Errorf("--fmt %s: exit %d\n%s%s", f, code, out, errOut)
		}
	}
	code, out, errOut := run(t, "", "write-policy", "--input-file", "testdata/big.yml", "--split", "user-inline")
	if code != 0 {
		t.Fatalf("--split: exit %d\n%s", code, errOut)
	}
	var parts map[string]writer.Policy
	if err := json.Unmarshal([]byte(out), &parts); err != nil || len(parts) < 2 {
		t.Fatalf("--split output: %v\n%s", err, out)
	}
	for name, p := range parts {
		if !strings.HasPrefix(name, "policy-") || policyfmt.Size(&p).Chars > 2048 {
			t.Errorf("%s: %d characters", name, policyfmt.Size(&p).Chars)
		}
	}
	if !strings.Contains(errOut, "split into 4 policies that each fit the user inline policy quota (2048 characters)") || strings.Contains(errOut, "warning:") {
		t.Errorf("stderr:\n%s", errOut)
	}
	code, out, _ = run(t, "", "write-policy", "--input-file", "testdata/big.yml", "--split", "managed", "--fmt", "cloudformation")
	if code != 0 || !strings.Contains(out, "Policy1:") || strings.Contains(out, "Policy2:") {
		t.Errorf("--split managed --fmt cloudformation: exit %d\n%s", code, out)
	}
	if code, _, errOut := run(t, "", "write-policy", "--input-file", "testdata/big.yml", "--split", "manged"); code != ExitUsage || !strings.Contains(errOut, "use user-inline (2048), group-inline (5120), managed (6144), role-inline (10240)") {
		t.Errorf("--split manged: exit %d\n%s", code, errOut)
	}
}
