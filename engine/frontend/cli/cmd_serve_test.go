package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/leastpriv/policysentry/engine/frontend/api"
)

// crudTemplate is the done-when template.
const crudTemplate = "../api/testdata/crud.yml"

// buildBinary builds engine/cmd/policy-sentry into a temporary folder
// removed when the test ends.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "policy-sentry")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/leastpriv/policysentry/engine/cmd/policy-sentry").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startServe runs `policy-sentry serve --addr 127.0.0.1:0 --quiet` and
// returns its base URL; the process is stopped when the test ends.
func startServe(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--quiet"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve did not exit cleanly on SIGINT: %v", err)
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Errorf("serve did not stop within 10s of SIGINT")
		}
	})
	sc := bufio.NewScanner(stderr)
	var seen []string
	for sc.Scan() {
		line := sc.Text()
		seen = append(seen, line)
		if rest, ok := strings.CutPrefix(line, "serving on http://"); ok {
			addr, _, _ := strings.Cut(rest, "/")
			go io.Copy(io.Discard, stderr)
			return "http://" + addr
		}
	}
	t.Fatalf("serve did not say where it listens; stderr:\n%s", strings.Join(seen, "\n"))
	return ""
}

// cliOutput runs the built binary and returns its stdout.
func cliOutput(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("policy-sentry %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes()
}

// TestServeWritesTheCLIPolicy is the done-when check: POSTing
// crud.yml to `policy-sentry serve` answers the policy `policy-sentry
// write-policy --input-file crud.yml` prints, byte for byte.
func TestServeWritesTheCLIPolicy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	base := startServe(t, bin)
	src, err := os.ReadFile(crudTemplate)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Post(base+"/api/v1/policy", "application/yaml", bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, got)
	}
	want := cliOutput(t, bin, "write-policy", "--input-file", crudTemplate)
	if !bytes.Equal(got, want) {
		t.Errorf("serve answered a different policy\n--- serve\n%s\n--- write-policy\n%s", got, want)
	}
	// Without an embedded site, / says how to get one and the API works.
	res, err = http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "make server") {
		t.Errorf("GET / without a site: status %d, %q", res.StatusCode, body)
	}
}

// loadRequest is one kind of request of the load test with the answer
// every instance of it must get.
type loadRequest struct {
	method, path, ctype string
	body                []byte
	status              int
	want                []byte
}

// TestServeLoad sends 2,000 requests, 8 at a time, to `policy-sentry
// serve` on loopback, checks every answer against the expected bytes, and
// logs the throughput and the p99 latency (figures only, no timing
// assertion).
func TestServeLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const total, concurrency = 2000, 8
	bin := buildBinary(t)
	base := startServe(t, bin)
	crud, err := os.ReadFile(crudTemplate)
	if err != nil {
		t.Fatal(err)
	}
	policy, err := os.ReadFile("../api/testdata/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	kinds := []loadRequest{
		{method: "POST", path: "/api/v1/policy", ctype: "application/yaml", body: crud, status: 200,
			want: cliOutput(t, bin, "write-policy", "--input-file", crudTemplate)},
		{method: "POST", path: "/api/v1/policy?minimize=0&fmt=yaml", ctype: "application/yaml", body: crud, status: 200,
			want: cliOutput(t, bin, "write-policy", "--input-file", crudTemplate, "--minimize", "0", "--fmt", "yaml")},
		{method: "POST", path: "/api/v1/analyze?name=../api/testdata/policy.json", ctype: "application/json", body: policy, status: 200,
			want: cliOutput(t, bin, "analyze", "--policy", "../api/testdata/policy.json", "--fmt", "json")},
		{method: "GET", path: "/api/v1/query/actions?service=s3&access-level=tagging&fmt=yaml", status: 200,
			want: []byte(strings.SplitN(string(cliOutput(t, bin, "query", "action-table", "--service", "s3", "--access-level", "tagging", "--fmt", "yaml")), "\n", 2)[1])},
		{method: "GET", path: "/api/v1/dataset", status: 200, want: cliOutput(t, bin, "dataset", "info")},
		{method: "GET", path: "/api/v1/query/arns?service=nosuch", status: 404, want: []byte(`"code": "unknown_name"`)},
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}, Timeout: 30 * time.Second}
	latencies := make([]time.Duration, total)
	errs := make(chan error, total)
	jobs := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				k := kinds[i%len(kinds)]
				req, _ := http.NewRequestWithContext(context.Background(), k.method, base+k.path, bytes.NewReader(k.body))
				if k.ctype != "" {
					req.Header.Set("Content-Type", k.ctype)
				}
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					errs <- fmt.Errorf("request %d %s %s: %v", i, k.method, k.path, err)
					continue
				}
				got, err := io.ReadAll(res.Body)
				res.Body.Close()
				latencies[i] = time.Since(t0)
				switch {
				case err != nil:
					errs <- fmt.Errorf("request %d %s: reading: %v", i, k.path, err)
				case res.StatusCode != k.status:
					errs <- fmt.Errorf("request %d %s: status %d, want %d", i, k.path, res.StatusCode, k.status)
				case k.status == 200 && !bytes.Equal(got, k.want):
					errs <- fmt.Errorf("request %d %s: unexpected answer %.200q", i, k.path, got)
				case k.status != 200 && !bytes.Contains(got, k.want):
					errs <- fmt.Errorf("request %d %s: error answer %.200q lacks %s", i, k.path, got, k.want)
				}
			}
		}()
	}
	for i := range total {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	n := 0
	for err := range errs {
		if n < 10 {
			t.Error(err)
		}
		n++
	}
	if n > 0 {
		t.Fatalf("%d of %d answers were wrong", n, total)
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	p := func(q float64) time.Duration { return latencies[int(q*float64(total))-1] }
	t.Logf("load: %d requests, %d concurrent, in %s: %.0f requests/s; latency p50 %s, p99 %s, max %s",
		total, concurrency, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(),
		p(0.50).Round(time.Microsecond), p(0.99).Round(time.Microsecond), latencies[total-1].Round(time.Microsecond))
}

// TestServeHandlerSite checks the serve handler routes /api/ to the API
// and the rest to the web app's files with the site's headers.
func TestServeHandlerSite(t *testing.T) {
	fsys := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>app</title>")}}
	var logs bytes.Buffer
	h := newServeHandler(api.New(api.Options{}), fsys, log.New(&logs, "", 0))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "<title>app</title>") || w.Header().Get("Content-Security-Policy") == "" {
		t.Errorf("GET /: status %d, CSP %q, body %q", w.Code, w.Header().Get("Content-Security-Policy"), w.Body)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/dataset", nil))
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), `"dataset_unavailable"`) {
		t.Errorf("GET /api/v1/dataset went elsewhere than the API: %d %s", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "GET / 200") || !strings.Contains(logs.String(), "GET /api/v1/dataset 503") {
		t.Errorf("the request log lacks the requests:\n%s", logs.String())
	}
}

// TestSiteFS checks --site-dir needs a built site.
func TestSiteFS(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := siteFS(dir); err == nil || !strings.Contains(err.Error(), "make dist") {
		t.Errorf("--site-dir without index.html: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("x"), 0o644)
	fsys, note, err := siteFS(dir)
	if err != nil || fsys == nil || !strings.Contains(note, dir) {
		t.Errorf("--site-dir with index.html: %v, %q", err, note)
	}
}
