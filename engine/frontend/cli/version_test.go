package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
)

// TestVersion: --version prints the program version, then the dataset's
// source, version, counts and where it comes from.
func TestVersion(t *testing.T) {
	m, err := dataset.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, "", "--version")
	want := fmt.Sprintf("policy-sentry, version %s\ndataset: %s %s %s (built %s, %d services, %d actions), built in\n",
		Version, m.Source, m.Package, m.Version, m.BuildDate[:10], m.Counts.Services, m.Counts.Actions)
	if code != 0 || out != want {
		t.Errorf("exit %d\n%q\nwant\n%q", code, out, want)
	}
	var o, e strings.Builder
	app := &App{Stdin: strings.NewReader(""), Stdout: &o, Stderr: &e}
	code = app.Run([]string{"--dataset", "nope.bin.zst", "--version"})
	if out = o.String(); code != 0 || !strings.Contains(out, "dataset: cannot be loaded") || !strings.Contains(out, "nope.bin.zst") {
		t.Errorf("bad --dataset: exit %d %q", code, out)
	}
	if v := effectiveVersion("v1.2.3"); v != "v1.2.3" {
		t.Errorf("stamped version replaced: %s", v)
	}
}
