package writer_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/internal/golden"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/leastpriv/policysentry/engine/writer"
)

// TestConditionErrors writes every template of testdata/condition-errors,
// whose conditions IAM rejects or that could never match, and compares
// the errors (one a line, file:line:column) with <name>.err (-update
// rewrites). Nothing is written for them.
func TestConditionErrors(t *testing.T) {
	db := defaultDB(t)
	files, _ := filepath.Glob("testdata/condition-errors/*.yml")
	if len(files) < 5 {
		t.Fatalf("only %d templates", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yml"), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			tmpl, err := template.Parse(src, filepath.Base(f))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			res, err := writer.Write(db, tmpl, writer.Options{})
			var l diag.List
			if !errors.As(err, &l) || res != nil {
				t.Fatalf("err %v, result %v", err, res)
			}
			for _, d := range l {
				if d.Code == "" || d.Start.Line == 0 {
					t.Errorf("no code or position: %v", d)
				}
			}
			golden.Check(t, strings.TrimSuffix(f, ".yml")+".err", []byte(err.Error()+"\n"), "")
		})
	}
}
