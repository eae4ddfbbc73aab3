package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitializeFetch runs `initialize --fetch` against a local server
// holding fixture files in the Service Authorization Reference's format,
// with a temporary HOME: the dataset lands in ~/.policy-sentry, the
// summary names what changed, and the next commands use the new dataset.
func TestInitializeFetch(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	srv := httptest.NewServer(http.FileServer(http.Dir("../../internal/sarfetch/testdata/reference")))
	defer srv.Close()
	code, out, errOut := run(t, "", "initialize", "--fetch", "--fetch-url", srv.URL+"/index.json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, w := range []string{"Services added:\n  newsvc\n", "Actions added:\n  newsvc:GetThing\n", "pipes:DescribePipe: Read -> List",
		"Wrote the dataset (2 services, 11 actions", filepath.Join(home, ".policy-sentry", "iam.bin.zst")} {
		if !strings.Contains(out, w) {
			t.Errorf("stdout lacks %q:\n%s", w, out)
		}
	}
	if !strings.Contains(errOut, "2/2 services") || !strings.Contains(errOut, "2 downloaded") {
		t.Errorf("progress: %s", errOut)
	}
	for _, f := range []string{"iam.bin.zst", "manifest.json", "sar/index.json", "sar/pipes.json", "sar/state.json"} {
		if _, err := os.Stat(filepath.Join(home, ".policy-sentry", f)); err != nil {
			t.Error(err)
		}
	}
	// Without a preloaded DB, the CLI now reads ~/.policy-sentry/iam.bin.zst.
	var o, e bytes.Buffer
	app := &App{Stdin: strings.NewReader(""), Stdout: &o, Stderr: &e}
	if code := app.Run([]string{"query", "action-table", "--service", "newsvc"}); code != 0 || !strings.Contains(o.String(), "newsvc:PutThing") {
		t.Errorf("query on the fetched dataset: exit %d\n%s%s", code, o.String(), e.String())
	}
	o.Reset()
	app = &App{Stdin: strings.NewReader(""), Stdout: &o, Stderr: &e}
	if code := app.Run([]string{"--version"}); code != 0 || !strings.Contains(o.String(), "dataset: sar ") || !strings.Contains(o.String(), "2 services") {
		t.Errorf("--version: %s", o.String())
	}
	// A second run asks again and finds nothing new.
	code, out, _ = run(t, "", "initialize", "--fetch", "--fetch-url", srv.URL+"/index.json", "--fetch-out", filepath.Join(home, "out"))
	if code != 0 || !strings.Contains(out, filepath.Join(home, "out", "iam.bin.zst")) {
		t.Errorf("--fetch-out: exit %d\n%s", code, out)
	}
	// An unreachable index is a clear error.
	code, _, errOut = run(t, "", "initialize", "--fetch", "--fetch-url", srv.URL+"/missing.json")
	if code != 1 || !strings.Contains(errOut, "missing.json: HTTP 404") {
		t.Errorf("missing index: exit %d: %s", code, errOut)
	}
}
