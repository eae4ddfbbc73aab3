package writer_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/golden"
	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/leastpriv/policysentry/engine/writer"
)

func defaultDB(t testing.TB) *iamdb.DB {
	t.Helper()
	db, err := dataset.Default()
	if err != nil {
		t.Fatalf("loading the embedded dataset: %v", err)
	}
	return db
}

// minimizeDirective reads "# minimize: N" from a template's comments.
var minimizeDirective = regexp.MustCompile(`(?m)^# minimize: (\d+)$`)

// TestGolden writes a policy for every template in testdata/golden with
// the embedded dataset and compares the JSON (and the warnings, one a
// line) with <name>.json and <name>.warnings. Run with -update to rewrite
// them after an intended change; the invariants below are checked either
// way, so a golden file cannot enshrine a broken policy.
func TestGolden(t *testing.T) {
	db := defaultDB(t)
	files, _ := filepath.Glob("testdata/golden/*.yml")
	if len(files) < 30 {
		t.Fatalf("only %d golden templates", len(files))
	}
	note := datasetNote(t)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			tmpl, err := template.Parse(src, f)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			var opts writer.Options
			if m := minimizeDirective.FindSubmatch(src); m != nil {
				opts.Minimize = true
				opts.MinLength, _ = strconv.Atoi(string(m[1]))
			}
			res, err := writer.Write(db, tmpl, opts)
			if err != nil {
				t.Fatalf("write: %v", err)
			}
			got := policyfmt.JSON(res.Policy)
			var warns bytes.Buffer
			for _, w := range res.Warnings {
				warns.WriteString(w.Short() + "\n")
			}

			again, err := writer.Write(db, tmpl, opts)
			if err != nil || !bytes.Equal(policyfmt.JSON(again.Policy), got) {
				t.Fatalf("a second run gave a different policy (err %v)", err)
			}
			checkInvariants(t, db, tmpl, res.Policy, opts)
			if opts.Minimize {
				checkMinimizedGrantsSame(t, db, tmpl, res.Policy)
			}

			base := strings.TrimSuffix(f, ".yml")
			golden.Check(t, base+".json", got, note)
			golden.Check(t, base+".warnings", warns.Bytes(), note)
		})
	}
}

// datasetNote returns, when the embedded dataset is not the one the
// golden files were written with, a hint added to golden mismatches.
func datasetNote(t *testing.T) string {
	m, err := dataset.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	stamp := "testdata/golden/DATASET"
	if golden.Updating() {
		os.WriteFile(stamp, []byte(m.SHA256+"\n"), 0o644)
		return ""
	}
	b, _ := os.ReadFile(stamp)
	if was := strings.TrimSpace(string(b)); was != m.SHA256 {
		return fmt.Sprintf("\nnote: the golden files were written with dataset %s, the embedded one is %s; if the data changed, review with -update and git diff", was, m.SHA256)
	}
	return ""
}

// checkInvariants checks what must hold of any written policy.
func checkInvariants(t *testing.T, db *iamdb.DB, tmpl *template.Template, p *writer.Policy, opts writer.Options) {
	t.Helper()
	if p.Version != "2012-10-17" {
		t.Errorf("Version %q", p.Version)
	}
	templateARNs := map[string]bool{"*": true}
	for _, l := range [][]template.Entry{tmpl.Read, tmpl.Write, tmpl.List, tmpl.Tagging, tmpl.PermissionsManagement,
		tmpl.STS.AssumeRole, tmpl.STS.AssumeRoleWithSAML, tmpl.STS.AssumeRoleWithWebIdentity} {
		for _, e := range l {
			templateARNs[e.Value] = true
		}
	}
	formats := map[string]bool{"*": true}
	for _, s := range db.Services {
		for _, r := range s.Resources {
			formats[r.ARN] = true
		}
	}
	var excluded []string
	for _, e := range tmpl.ExcludeActions {
		if e.Value != "" {
			excluded = append(excluded, e.Value)
		}
	}
	skip := map[string]bool{}
	for _, e := range tmpl.SkipResourceConstraints {
		skip[e.Value] = true
	}
	sids := map[string]bool{}
	for _, s := range p.Statement {
		if sids[s.Sid] {
			t.Errorf("duplicate Sid %s", s.Sid)
		}
		sids[s.Sid] = true
		if s.Effect != "Allow" {
			t.Errorf("%s: Effect %q", s.Sid, s.Effect)
		}
		if len(s.Action) == 0 || len(s.Resource) == 0 {
			t.Errorf("%s: empty Action or Resource", s.Sid)
		}
		if !sort.StringsAreSorted(s.Action) {
			t.Errorf("%s: actions not sorted: %v", s.Sid, s.Action)
		}
		if (s.Sid == "MultMultNone" || s.Sid == "SkipResourceConstraints") && (len(s.Resource) != 1 || s.Resource[0] != "*") {
			t.Errorf("%s: Resource %v, want [*]", s.Sid, s.Resource)
		}
		for _, r := range s.Resource {
			if tmpl.Mode == template.ModeCRUD && !templateARNs[r] {
				t.Errorf("%s: Resource %s is not in the template", s.Sid, r)
			}
			if tmpl.Mode == template.ModeActions && !formats[r] {
				t.Errorf("%s: Resource %s is not an ARN format of the dataset", s.Sid, r)
			}
		}
		for _, a := range s.Action {
			if s.Sid == "SkipResourceConstraints" && skip[a] {
				continue
			}
			if len(db.Expand(a)) == 0 {
				t.Errorf("%s: %s matches no action of the dataset", s.Sid, a)
			}
			if opts.Minimize {
				continue
			}
			for _, x := range excluded {
				if iamdb.Glob(x, a) {
					t.Errorf("%s: %s is excluded by %s", s.Sid, a, x)
				}
			}
		}
	}
}

// checkMinimizedGrantsSame expands the minimized policy's actions against
// the dataset and checks that they are the unminimized policy's, per
// Resource list.
func checkMinimizedGrantsSame(t *testing.T, db *iamdb.DB, tmpl *template.Template, minimized *writer.Policy) {
	t.Helper()
	full, err := writer.Write(db, tmpl, writer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	grants := func(p *writer.Policy, expand bool) map[string]bool {
		out := map[string]bool{}
		for _, s := range p.Statement {
			for _, a := range s.Action {
				names := []string{a}
				if expand {
					names = nil
					for _, x := range db.Expand(a) {
						names = append(names, x.FullName())
					}
					if len(names) == 0 {
						names = []string{a}
					}
				}
				for _, n := range names {
					for _, r := range s.Resource {
						out[strings.ToLower(n)+" on "+r] = true
					}
				}
			}
		}
		return out
	}
	want, got := grants(full.Policy, false), grants(minimized, true)
	for k := range want {
		if !got[k] {
			t.Errorf("minimizing lost %s", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("minimizing added %s", k)
		}
	}
}
