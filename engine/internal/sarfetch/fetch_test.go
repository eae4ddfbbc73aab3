package sarfetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// refServer serves a folder in the Service Authorization Reference's
// layout with ETags (If-None-Match gets 304), counting requests per
// path; fail maps a path to statuses to answer before serving it.
type refServer struct {
	files map[string][]byte
	mu    sync.Mutex
	hits  map[string]int
	fail  map[string][]int
}

func newRefServer(t testing.TB, dir string) *refServer {
	t.Helper()
	rs := &refServer{files: map[string][]byte{}, hits: map[string]int{}, fail: map[string][]int{}}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			rs.files["/"+filepath.ToSlash(rel)], err = os.ReadFile(p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func (rs *refServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rs.mu.Lock()
	rs.hits[r.URL.Path]++
	var status int
	if f := rs.fail[r.URL.Path]; len(f) > 0 {
		status, rs.fail[r.URL.Path] = f[0], f[1:]
	}
	rs.mu.Unlock()
	if status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	b, ok := rs.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256(b)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	w.Header().Set("Content-Type", "application/json")
	http.ServeContent(w, r, path.Base(r.URL.Path), time.Time{}, strings.NewReader(string(b)))
}

func (rs *refServer) count(p string) int {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.hits[p]
}

func start(t testing.TB, rs *refServer) string {
	srv := httptest.NewServer(rs)
	t.Cleanup(srv.Close)
	return srv.URL + "/index.json"
}

func opts(index, cache string) Options {
	return Options{IndexURL: index, CacheDir: cache, RetryWait: time.Millisecond, Workers: 2}
}

// TestFetchBuild downloads the fixture reference, builds the dataset and
// checks the merge (descriptions, required marks, dependent actions from
// the built-in dataset) and the summary against the built-in dataset.
func TestFetchBuild(t *testing.T) {
	rs := newRefServer(t, "testdata/reference")
	rs.fail["/v1/pipes/pipes.json"] = []int{500, 503} // retried
	cache := t.TempDir()
	res, err := Download(context.Background(), opts(start(t, rs), cache))
	if err != nil {
		t.Fatal(err)
	}
	if res.Downloaded != 2 || len(res.Services) != 2 || rs.count("/v1/pipes/pipes.json") != 3 {
		t.Fatalf("downloaded %d of %d; pipes asked %d times", res.Downloaded, len(res.Services), rs.count("/v1/pipes/pipes.json"))
	}
	base, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	db, err := Build(cache, base, dataset.OverridesYAML(), "overrides.yml", iamdb.Manifest{})
	if err != nil {
		t.Fatal(err)
	}
	if db.Manifest.Source != "sar" || db.Manifest.Counts.Services != 2 || db.Manifest.Counts.Actions != 11 {
		t.Errorf("manifest %+v", db.Manifest)
	}
	pipes := db.Service("pipes")
	if pipes.Name != base.Service("pipes").Name || pipes.Name == "pipes" {
		t.Errorf("service name not merged: %q", pipes.Name)
	}
	cp := pipes.Action("CreatePipe")
	if cp.Description == "" || cp.Description != base.Action("pipes:CreatePipe").Description {
		t.Errorf("description not merged: %q", cp.Description)
	}
	var pipeRes *iamdb.ActionResource
	for i := range cp.Resources {
		if cp.Resources[i].Name == "pipe" {
			pipeRes = &cp.Resources[i]
		}
	}
	if pipeRes == nil || !pipeRes.Required || !slices.Contains(pipeRes.DependentActions, "iam:PassRole") || pipeRes.Resource == nil {
		t.Errorf("pipe resource of CreatePipe not merged: %+v", pipeRes)
	}
	if got := pipes.Action("DescribePipe").AccessLevel; got != iamdb.List {
		t.Errorf("DescribePipe level %s: the reference's level must win", got)
	}
	if d := db.Service("newsvc").Action("GetThing"); d == nil || d.Description != "" {
		t.Errorf("new service's action: %+v", d)
	}
	sum := Compare(base, db)
	text := sum.Text(0)
	for _, w := range []string{
		fmt.Sprintf("Services: %d -> 2 (1 added, %d removed)", base.Manifest.Counts.Services, base.Manifest.Counts.Services-1),
		"Services added:\n  newsvc\n",
		"pipes:ReplayPipe", "newsvc:PutThing",
		"  pipes:UntagResource\n", "  pipes:UpdatePipe\n",
		"Access levels changed:\n  pipes:DescribePipe: Read -> List\n",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("summary lacks %q:\n%.2000s", w, text)
		}
	}
	if !strings.Contains(sum.Text(3), "... and ") {
		t.Error("Text(3) does not cut the lists")
	}

	// A second run asks with the ETags and gets 304s.
	res, err = Download(context.Background(), opts(start(t, rs), cache))
	if err != nil {
		t.Fatal(err)
	}
	if res.NotModified != 2 || res.Downloaded != 0 {
		t.Errorf("second run: %d not modified, %d downloaded", res.NotModified, res.Downloaded)
	}
}

// TestFetchResume: a run that fails on one service keeps the others; the
// next run does not ask for them again and finishes.
func TestFetchResume(t *testing.T) {
	rs := newRefServer(t, "testdata/reference")
	rs.fail["/v1/newsvc/newsvc.json"] = []int{404}
	cache := t.TempDir()
	index := start(t, rs)
	_, err := Download(context.Background(), opts(index, cache))
	if err == nil || !strings.Contains(err.Error(), "service newsvc") || !strings.Contains(err.Error(), "run again to resume") {
		t.Fatalf("error %v", err)
	}
	res, err := Download(context.Background(), opts(index, cache))
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != 1 || res.Downloaded != 1 || rs.count("/v1/pipes/pipes.json") != 1 {
		t.Errorf("resumed %d, downloaded %d, pipes asked %d times", res.Resumed, res.Downloaded, rs.count("/v1/pipes/pipes.json"))
	}
	// An interrupted run older than ResumeWithin is not resumed.
	rs.fail["/v1/newsvc/newsvc.json"] = []int{404}
	Download(context.Background(), opts(index, cache))
	o := opts(index, cache)
	o.Now = func() time.Time { return time.Now().Add(48 * time.Hour) }
	if res, err = Download(context.Background(), o); err != nil || res.Resumed != 0 {
		t.Errorf("stale state resumed: %+v %v", res, err)
	}
}

// TestFetchErrors: bad index, timeout.
func TestFetchErrors(t *testing.T) {
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "index.json"), []byte(`{"not": "a list"}`), 0o644)
	dup := t.TempDir()
	os.WriteFile(filepath.Join(dup, "index.json"), []byte(`[{"service":"a","url":"a.json"},{"service":"a","url":"a.json"}]`), 0o644)
	for _, c := range []struct{ dir, want string }{
		{bad, "expected a JSON array"},
		{dup, "service a is listed twice"},
	} {
		_, err := Download(context.Background(), opts(start(t, newRefServer(t, c.dir)), t.TempDir()))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
	rs := newRefServer(t, "testdata/reference")
	rs.fail["/v1/pipes/pipes.json"] = []int{500, 500, 500, 500, 500}
	o := opts(start(t, rs), t.TempDir())
	o.RetryWait = time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := Download(ctx, o)
	if err == nil || !strings.Contains(err.Error(), "run again to resume") {
		t.Errorf("timeout error %v", err)
	}
}

// BenchmarkFetchBuild is `initialize --fetch` against a local server: a
// 450-service index (each service a copy of the pipes fixture), downloaded
// into an empty cache, imported, merged and compressed.
func BenchmarkFetchBuild(b *testing.B) {
	src, err := os.ReadFile("testdata/reference/v1/pipes/pipes.json")
	if err != nil {
		b.Fatal(err)
	}
	rs := &refServer{files: map[string][]byte{}, hits: map[string]int{}, fail: map[string][]int{}}
	var index strings.Builder
	index.WriteString("[")
	for i := range 450 {
		name := fmt.Sprintf("svc%03d", i)
		if i > 0 {
			index.WriteString(",")
		}
		fmt.Fprintf(&index, `{"service":%q,"url":"v1/%s/%s.json"}`, name, name, name)
		rs.files["/v1/"+name+"/"+name+".json"] = []byte(strings.Replace(string(src), `"Name": "pipes"`, `"Name": "`+name+`"`, 1))
	}
	index.WriteString("]")
	rs.files["/index.json"] = []byte(index.String())
	url := start(b, rs)
	base, err := dataset.Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		cache := b.TempDir()
		if _, err := Download(context.Background(), opts(url, cache)); err != nil {
			b.Fatal(err)
		}
		db, err := Build(cache, base, dataset.OverridesYAML(), "overrides.yml", iamdb.Manifest{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := iamdb.Compress(db); err != nil {
			b.Fatal(err)
		}
	}
}
