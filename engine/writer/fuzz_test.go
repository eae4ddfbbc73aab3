package writer_test

import (
	"errors"
	"github.com/leastpriv/policysentry/engine/diag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/leastpriv/policysentry/engine/writer"
)

// FuzzWrite writes a policy from any template the parser accepts, with
// and without minimize: it must never panic, fail only with an
// diag.List, and give the same policy twice.
func FuzzWrite(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/golden/*.yml")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b, uint8(0))
		}
	}
	f.Add([]byte("mode: crud\nread:\n- arn:aws:s3:::*/*\n- arn:aws:dynamodb:*:*:table/backup\n"), uint8(1))
	f.Add([]byte("mode: actions\nactions:\n- '*:*'\n- s3:Get*\n"), uint8(3))
	f.Add([]byte("mode: actions\nactions:\n- 'sqs:*'\n- '*Object?cl'\ncondition:\n  source-ip: 203.0.113.0/24\n"), uint8(1))
	db := defaultDB(f)
	f.Fuzz(func(t *testing.T, src []byte, minimize uint8) {
		tmpl, err := template.Parse(src, "fuzz.yml")
		if err != nil {
			return
		}
		for _, e := range tmpl.Actions {
			// A pattern as broad as * writes every action of AWS: right,
			// but seconds under the fuzzer's instrumentation, which
			// counts it as a hang. TestBroadActionPattern covers it.
			if strings.ContainsAny(e.Value, "*?") && len(writer.ExpandAction(db, e.Value)) > 2000 {
				return
			}
		}
		opts := writer.Options{Minimize: minimize%2 == 1, MinLength: int(minimize / 2 % 8)}
		res, err := writer.Write(db, tmpl, opts)
		if err != nil {
			var ie diag.List
			if !errors.As(err, &ie) || len(ie) == 0 {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		again, err := writer.Write(db, tmpl, opts)
		if err != nil || string(policyfmt.JSON(again.Policy)) != string(policyfmt.JSON(res.Policy)) {
			t.Fatalf("second run differs (err %v)", err)
		}
	})
}
