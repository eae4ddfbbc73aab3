package workbench_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/golden"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// TestWriteGrant writes every template of testdata/grant and checks the
// diagnostics, the validation options and the renderings against the
// golden files.
func TestWriteGrant(t *testing.T) {
	db := defaultDB(t)
	files, _ := filepath.Glob("testdata/grant/*.yml")
	if len(files) == 0 {
		t.Fatal("no templates in testdata/grant")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !workbench.IsGrant(src) {
				t.Fatal("IsGrant = false")
			}
			res, err := workbench.WriteGrant(db, src, filepath.Base(f), workbench.GrantOptions{})
			var b bytes.Buffer
			fmt.Fprintf(&b, "error: %v\n", err != nil)
			for _, d := range res.Diagnostics {
				fmt.Fprintf(&b, "%s %s %s\n", d.Severity, d.Code, d.Error())
			}
			if res.Policy != nil {
				fmt.Fprintf(&b, "validated as: %s %s\n", res.Validation.PolicyType, res.Validation.ResourceType)
				for _, r := range res.Renderings {
					fmt.Fprintf(&b, "--- %s %s\n%s", r.Format.Name, r.Format.MediaType, r.Text)
				}
			}
			golden.Check(t, strings.TrimSuffix(f, ".yml")+".golden", b.Bytes(), "go test ./engine/workbench -run TestWriteGrant -update")
		})
	}
}

// TestWriteGrantFormats: one format by name; a format grant policies do
// not have is an error naming those they have.
func TestWriteGrantFormats(t *testing.T) {
	db := defaultDB(t)
	src, _ := os.ReadFile("testdata/grant/s3-read.yml")
	res, err := workbench.WriteGrant(db, src, "t.yml", workbench.GrantOptions{Formats: []string{"YAML"}})
	if err != nil || len(res.Renderings) != 1 || res.Text("yaml") == nil || res.Text("json") != nil {
		t.Fatalf("yaml only: err %v, %d renderings", err, len(res.Renderings))
	}
	_, err = workbench.WriteGrant(db, src, "t.yml", workbench.GrantOptions{Formats: []string{"terraform"}})
	if err == nil || !strings.Contains(err.Error(), "json or yaml") {
		t.Fatalf("terraform: %v", err)
	}
	if workbench.IsGrant([]byte("mode: crud\n")) {
		t.Error("IsGrant(crud)")
	}
}
