package workbench_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/golden"
	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/leastpriv/policysentry/engine/workbench"
	"github.com/leastpriv/policysentry/engine/writer"
)

func defaultDB(t testing.TB) *iamdb.DB {
	t.Helper()
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// describe is a write result as text: the error, every diagnostic, the
// size, the added actions and the JSON rendering.
func describe(res *workbench.WriteResult, err error) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "error: %v\n", err != nil)
	for _, d := range res.Diagnostics {
		fmt.Fprintf(&b, "%s %s %s\n", d.Severity, d.Code, d.Error())
	}
	if res.Policy != nil {
		var names []string
		for _, r := range res.Renderings {
			names = append(names, r.Format.Name)
		}
		fmt.Fprintf(&b, "formats: %s\nsize: %d\nadded: %s\n--- json\n%s", strings.Join(names, " "), res.Size.Chars, strings.Join(res.Added, " "), res.Text("json"))
	}
	return b.Bytes()
}

// TestWrite writes every template of testdata/write and checks the result
// against its golden file (go test -update rewrites them).
func TestWrite(t *testing.T) {
	db := defaultDB(t)
	files, _ := filepath.Glob("testdata/write/*.yml")
	if len(files) == 0 {
		t.Fatal("no templates in testdata/write")
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".yml"), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res, err := workbench.Write(db, src, name, workbench.WriteOptions{})
			if (err == nil) != (res.Policy != nil) {
				t.Fatalf("error %v but policy %v", err, res.Policy != nil)
			}
			if err != nil {
				var l diag.List
				if !errors.As(err, &l) || len(l) == 0 || len(res.Errors()) != len(l) {
					t.Errorf("error %T %v is not the result's errors", err, err)
				}
			}
			for _, d := range res.Diagnostics {
				if d.Start.File != name || d.Code == "" {
					t.Errorf("diagnostic without the file name or a code: %+v", d)
				}
			}
			golden.Check(t, strings.TrimSuffix(f, ".yml")+".golden", describe(res, err), "")
		})
	}
}

// TestWriteSameAsWriter checks every rendering is the renderer's output
// for the writer's policy: the workbench adds nothing to them.
func TestWriteSameAsWriter(t *testing.T) {
	db := defaultDB(t)
	src, _ := os.ReadFile("testdata/write/crud.yml")
	for _, opts := range []writer.Options{{}, {Minimize: true}, {Minimize: true, MinLength: 4}} {
		res, err := workbench.Write(db, src, "crud.yml", workbench.WriteOptions{Options: opts})
		if err != nil {
			t.Fatal(err)
		}
		tmpl, _ := template.Parse(src, "crud.yml")
		want, err := writer.Write(db, tmpl, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Renderings) != len(policyfmt.Formats()) {
			t.Fatalf("%d renderings, want every format (%d)", len(res.Renderings), len(policyfmt.Formats()))
		}
		for _, r := range res.Renderings {
			if !bytes.Equal(r.Text, r.Format.Render(want.Policy)) {
				t.Errorf("%+v: %s rendering differs from the renderer's", opts, r.Format.Name)
			}
		}
		if ws := policyfmt.Size(want.Policy); res.Size.Chars != ws.Chars || len(res.Size.Over) != len(ws.Over) {
			t.Errorf("size %+v", res.Size)
		}
		hint := policyfmt.Hint(opts.Minimize)
		var sized int
		for _, d := range res.Diagnostics {
			if d.Code == workbench.CodePolicySize {
				sized++
				if !strings.HasSuffix(d.Message, hint) || d.Severity != diag.Warning {
					t.Errorf("%+v: size warning %q lacks the hint %q", opts, d.Message, hint)
				}
			}
		}
		if over := len(res.Size.Over) > 0; over != (sized == 1) {
			t.Errorf("%+v: over %v, %d size warnings", opts, over, sized)
		}
	}
}

// TestWriteFormats checks format selection by name and the error for an
// unknown one.
func TestWriteFormats(t *testing.T) {
	db := defaultDB(t)
	src := []byte("mode: crud\nread:\n- arn:aws:s3:::b/o\n")
	res, err := workbench.Write(db, src, "t.yml", workbench.WriteOptions{Formats: []string{"TERRAFORM", "yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Renderings) != 2 || res.Renderings[0].Format.Name != "yaml" || res.Text("terraform") == nil || res.Text("json") != nil {
		t.Errorf("renderings %+v", res.Renderings)
	}
	for _, tc := range []struct{ name, want string }{
		{"jsno", `did you mean "json"?`},
		{"xml", "formats: json, yaml, terraform"},
	} {
		_, err := workbench.Write(db, src, "t.yml", workbench.WriteOptions{Formats: []string{tc.name}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("format %q: error %v, want it to say %q", tc.name, err, tc.want)
		}
	}
	if _, err := workbench.Write(nil, src, "t.yml", workbench.WriteOptions{}); err == nil {
		t.Error("no error without a dataset")
	}
}

// TestAudit audits every file of testdata/audit: the report as JSON, or
// the diagnostics of a file that cannot be read.
func TestAudit(t *testing.T) {
	db := defaultDB(t)
	files, _ := filepath.Glob("testdata/audit/*.json")
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			src, _ := os.ReadFile(f)
			res, err := workbench.Audit(db, src, name, workbench.AuditOptions{Options: audit.Options{InfrastructureModification: true}})
			var got []byte
			if err != nil {
				var l diag.List
				if !errors.As(err, &l) || len(l) != 1 || !l[0].Start.IsValid() && l[0].Path == "" || res.Report != nil {
					t.Fatalf("error %T %v: want one diagnostic with a position or JSON path", err, err)
				}
				got = []byte(l.Error() + "\n")
			} else {
				for _, format := range workbench.ReportFormatNames() {
					if _, _, err := res.Render(format); err != nil {
						t.Errorf("render %s: %v", format, err)
					}
				}
				got, _, _ = res.Render("json")
			}
			golden.Check(t, strings.TrimSuffix(f, ".json")+".golden", got, "")
		})
	}
}

// TestAuditAll checks that unreadable inputs stay in input order, with
// their diagnostics, and that progress counts every document.
func TestAuditAll(t *testing.T) {
	db := defaultDB(t)
	good, _ := os.ReadFile("testdata/audit/policy.json")
	bad, _ := os.ReadFile("testdata/audit/malformed-policy.json")
	var many []string
	for i := 0; i < 20; i++ {
		many = append(many, string(good))
	}
	inputs := []workbench.Input{
		{Name: "a.json", Data: good},
		{Name: "bad.json", Data: bad},
		{Name: "many.json", Data: []byte("[" + strings.Join(many, ",") + "]")},
	}
	for _, progress := range []bool{false, true} {
		var calls [][2]int
		opts := workbench.AuditOptions{}
		if progress {
			opts.Progress = func(done, total int) { calls = append(calls, [2]int{done, total}) }
		}
		res, err := workbench.AuditAll(db, inputs, opts)
		if err != nil {
			t.Fatal(err)
		}
		ps := res.Report.Policies
		if len(ps) != 22 || ps[0].Name != "a.json" || ps[1].Name != "bad.json" || ps[1].Error == "" || ps[2].Name != "many.json[0]" {
			t.Fatalf("progress %v: %d reports, first %q %q %q", progress, len(ps), ps[0].Name, ps[1].Name, ps[2].Name)
		}
		if len(res.Diagnostics) != 1 || res.Diagnostics[0].Start.File != "bad.json" || !res.Diagnostics[0].Start.IsValid() {
			t.Errorf("diagnostics %v", res.Diagnostics)
		}
		if progress && (len(calls) == 0 || calls[len(calls)-1] != [2]int{21, 21}) {
			t.Errorf("progress calls %v, want the last at 21 of 21", calls)
		}
	}
	one, _ := workbench.Audit(db, good, "a.json", workbench.AuditOptions{})
	all, _ := workbench.AuditAll(db, inputs[:1], workbench.AuditOptions{})
	a, _, _ := one.Render("json")
	b, _, _ := all.Render("json")
	if !bytes.Equal(a, b) {
		t.Error("Audit and AuditAll of the same file differ")
	}
	if _, _, err := one.Render("xml"); err == nil || !strings.Contains(err.Error(), "json, yaml, text") {
		t.Errorf("unknown report format: %v", err)
	}
	lv, f, err := one.RenderLevel(iamdb.PermissionsManagement, "text")
	if err != nil || f.MediaType != "text/plain" || bytes.Count(lv, []byte("\n")) != len(one.Report.ActionsAt(iamdb.PermissionsManagement)) {
		t.Errorf("RenderLevel: %v %q", err, lv)
	}
}

// BenchmarkWrite is the workbench's cost over the writer's: the README
// template, with every format and with the CLI's one.
func BenchmarkWrite(b *testing.B) {
	db := defaultDB(b)
	src, _ := os.ReadFile("testdata/write/crud.yml")
	for _, formats := range [][]string{nil, {"json"}} {
		name := "every-format"
		if formats != nil {
			name = "json-only"
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := workbench.Write(db, src, "crud.yml", workbench.WriteOptions{Formats: formats}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzWrite checks Write on any text: no panic, a policy exactly when
// there is no error, every diagnostic inside the source, and with a
// split every part within the quota.
func FuzzWrite(f *testing.F) {
	files, _ := filepath.Glob("testdata/write/*.yml")
	for _, file := range files {
		b, _ := os.ReadFile(file)
		f.Add(b, false, uint16(0))
		f.Add(b, false, uint16(1800)) // split for 2,000 characters
	}
	db := defaultDB(f)
	f.Fuzz(func(t *testing.T, src []byte, minimize bool, split uint16) {
		if tm, err := template.Parse(src, "f.yml"); err == nil {
			for _, e := range tm.Actions {
				// A pattern as broad as * writes every action of AWS:
				// seconds under instrumentation (a "hang" to the fuzzer).
				if strings.ContainsAny(e.Value, "*?") && len(writer.ExpandAction(db, e.Value)) > 2000 {
					return
				}
			}
		}
		opts := workbench.WriteOptions{Options: writer.Options{Minimize: minimize}}
		if split > 0 {
			opts.Split = policyfmt.Limit{Name: "fuzz", Chars: policyfmt.MinSplitChars + int(split)%11000}
		}
		res, err := workbench.Write(db, src, "f.yml", opts)
		if (err == nil) != (res.Policy != nil) || (err != nil) != (len(res.Errors()) > 0) {
			t.Fatalf("error %v, policy %v, %d errors", err, res.Policy != nil, len(res.Errors()))
		}
		for _, d := range res.Diagnostics {
			if d.Start.Offset < 0 || d.Start.Offset > len(src) || d.Message == "" || d.Code == "" {
				t.Fatalf("diagnostic %+v outside the %d-byte source", d, len(src))
			}
		}
		if res.Split != nil {
			for _, p := range res.Split.Parts {
				if n := policyfmt.Size(p.Policy).Chars; n > opts.Split.Chars {
					t.Fatalf("%s has %d characters, over %d", p.Name, n, opts.Split.Chars)
				}
			}
		}
	})
}
