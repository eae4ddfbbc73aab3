//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/frontend/api"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// wranglerEnv is the variable that turns on TestWranglerDev (make
// test-worker sets it after building the Worker and installing wrangler).
const wranglerEnv = "POLICY_SENTRY_WRANGLER"

// TestWranglerDev starts `wrangler dev` (workerd) on the built Worker and
// dist/, and checks the API answers through it exactly what the native
// handler answers, and that the static assets are served.
func TestWranglerDev(t *testing.T) {
	if os.Getenv(wranglerEnv) == "" {
		t.Skipf("set %s=1 (make test-worker builds the Worker, installs wrangler and runs this)", wranglerEnv)
	}
	checkBuilt(t)
	base := startWrangler(t, ".", "/api/v1/dataset")
	native := nativeHandler()
	cases := wranglerCases(t)
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, base+c.path, bytes.NewReader(c.body))
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(res.Body)
			res.Body.Close()
			nr := httptest.NewRequest(c.method, c.path, bytes.NewReader(c.body))
			if c.ctype != "" {
				nr.Header.Set("Content-Type", c.ctype)
			}
			w := httptest.NewRecorder()
			native.ServeHTTP(w, nr)
			if res.StatusCode != c.status || w.Code != c.status {
				t.Fatalf("status: Worker %d, native %d, want %d: %s", res.StatusCode, w.Code, c.status, got)
			}
			if !bytes.Equal(got, w.Body.Bytes()) {
				t.Errorf("the Worker's answer differs from the native handler's (a stale build/app.wasm? make test-worker rebuilds it)\n--- Worker\n%.600s\n--- native\n%.600s", got, w.Body)
			}
			if ct := res.Header.Get("Content-Type"); ct != w.Header().Get("Content-Type") {
				t.Errorf("Content-Type: Worker %q, native %q", ct, w.Header().Get("Content-Type"))
			}
		})
	}

	// The dataset is the one in dist/, read from the static assets.
	res, err := http.Get(base + "/api/v1/dataset")
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ File, SHA256 string }
	err = json.NewDecoder(res.Body).Decode(&m)
	res.Body.Close()
	sum := sha256.Sum256(dataset.Compressed())
	if err != nil || m.SHA256 != hex.EncodeToString(sum[:]) || !strings.HasPrefix(m.File, "iam.") {
		t.Errorf("GET /api/v1/dataset: %v, file %q, sha256 %s", err, m.File, m.SHA256)
	}

	// Everything else is dist/.
	res, err = http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	index, _ := os.ReadFile("../../dist/index.html")
	if res.StatusCode != 200 || !bytes.Equal(page, index) {
		t.Errorf("GET /: status %d, not dist/index.html", res.StatusCode)
	}
}

// startWrangler runs `wrangler dev` in dir (a Worker folder with its
// wrangler.jsonc and node_modules) on a free loopback port and waits until
// probe answers 200 (probe "/" leaves the Go instance unstarted); the
// process group is stopped when the test ends.
func startWrangler(t testing.TB, dir, probe string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(filepath.Join(dir, "node_modules", ".bin", "wrangler"), "dev", "--ip", "127.0.0.1", "--port", fmt.Sprint(port),
		"--inspector-port", "0", "--show-interactive-dev-session=false", "--log-level", "warn")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CI=1", "WRANGLER_SEND_METRICS=false", "NO_COLOR=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var logs strings.Builder
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			mu.Lock()
			logs.WriteString(sc.Text() + "\n")
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(base + probe)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return base
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	t.Fatalf("wrangler dev did not answer on %s within 120s; its output:\n%s", base, logs.String())
	return ""
}

// checkBuilt fails t when `make worker` and npm have not run.
func checkBuilt(t testing.TB) {
	t.Helper()
	for _, f := range []string{"build/app.wasm", "build/wasm_exec.js", "node_modules/.bin/wrangler", "../../dist/index.html", "../../dist/manifest.json"} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("%v: run make test-worker", err)
		}
	}
}

// nativeHandler is the API handler the Worker's answers are checked against.
func nativeHandler() *api.Handler {
	return api.New(api.Options{DB: func(context.Context) (*iamdb.DB, error) { return dataset.Default() }})
}

// wranglerCase is one API request and the status both handlers answer.
type wranglerCase struct {
	method, path, ctype string
	body                []byte
	status              int
}

// wranglerCases are the requests sent through wrangler dev.
func wranglerCases(t testing.TB) []wranglerCase {
	t.Helper()
	crud, err := os.ReadFile("../../engine/frontend/api/testdata/crud.yml")
	if err != nil {
		t.Fatal(err)
	}
	policy, err := os.ReadFile("../../engine/frontend/api/testdata/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	simulation, err := os.ReadFile("../../engine/frontend/api/testdata/simulate.json")
	if err != nil {
		t.Fatal(err)
	}
	return []wranglerCase{
		{"POST", "/api/v1/simulate", "application/json", simulation, 200},
		{"POST", "/api/v1/policy", "application/yaml", crud, 200},
		{"POST", "/api/v1/policy?fmt=yaml&minimize=0", "application/yaml", crud, 200},
		{"POST", "/api/v1/analyze", "application/json", policy, 200},
		{"GET", "/api/v1/query/actions?service=s3&access-level=tagging", "", nil, 200},
		{"GET", "/api/v1/query/arns?service=s3x", "", nil, 404},
		{"POST", "/api/v1/policy", "text/plain", crud, 415},
		{"POST", "/api/v1/policy", "application/yaml", []byte("mode: crud\nread: [\n"), 400},
		{"DELETE", "/api/v1/dataset", "", nil, 405},
		{"GET", "/api/v1/nothing", "", nil, 404},
	}
}

// benchCase is the request BenchmarkWranglerDev times: POST
// /api/v1/policy of crud.yml, found by its path rather than its place in
// wranglerCases (a case added in front made the benchmark time POST
// /api/v1/simulate instead).
func benchCase(b *testing.B) wranglerCase {
	for _, c := range wranglerCases(b) {
		if c.method == "POST" && c.path == "/api/v1/policy" && c.status == 200 {
			return c
		}
	}
	b.Fatal("wranglerCases has no POST /api/v1/policy of crud.yml")
	return wranglerCase{}
}

// send sends c to the server at base and returns the status and body.
func (c wranglerCase) send(base string) (int, []byte, error) {
	req, err := http.NewRequest(c.method, base+c.path, bytes.NewReader(c.body))
	if err != nil {
		return 0, nil, err
	}
	if c.ctype != "" {
		req.Header.Set("Content-Type", c.ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// native answers c with the native handler.
func (c wranglerCase) native(h http.Handler) (int, []byte) {
	nr := httptest.NewRequest(c.method, c.path, bytes.NewReader(c.body))
	if c.ctype != "" {
		nr.Header.Set("Content-Type", c.ctype)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, nr)
	return w.Code, w.Body.Bytes()
}

// TestWranglerDevConcurrent sends every case several times at once to a
// Worker whose Go instance has not started (the requests race its start
// and the dataset load), then again once it is warm, and checks each
// answer is the native handler's: one Go instance serves overlapping
// requests without mixing their bodies.
func TestWranglerDevConcurrent(t *testing.T) {
	if os.Getenv(wranglerEnv) == "" {
		t.Skipf("set %s=1 (make test-worker builds the Worker, installs wrangler and runs this)", wranglerEnv)
	}
	checkBuilt(t)
	base := startWrangler(t, ".", "/")
	native := nativeHandler()
	cases := wranglerCases(t)
	type want struct {
		status int
		body   []byte
	}
	wants := make([]want, len(cases))
	for i, c := range cases {
		wants[i].status, wants[i].body = c.native(native)
	}
	const copies = 4
	for _, wave := range []string{"cold", "warm"} {
		var wg sync.WaitGroup
		for n := range copies * len(cases) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				i := n % len(cases)
				c := cases[i]
				status, body, err := c.send(base)
				if err != nil {
					t.Errorf("%s %s %s: %v", wave, c.method, c.path, err)
					return
				}
				if status != wants[i].status || !bytes.Equal(body, wants[i].body) {
					t.Errorf("%s %s %s: Worker %d %.300s, native %d %.300s", wave, c.method, c.path, status, body, wants[i].status, wants[i].body)
				}
			}()
		}
		wg.Wait()
	}
}

// BenchmarkWranglerDev measures the API through wrangler dev: the first
// request to a fresh Worker (first-ms: Go's start, the dataset load and
// the answer), then b.N sequential warm requests (median-ms, p90-ms), each
// POST /api/v1/policy of crud.yml. Run with -benchtime 200x (make
// bench-worker). POLICY_SENTRY_WORKER_DIR names another Worker folder to
// measure (a reference build) instead of this one.
func BenchmarkWranglerDev(b *testing.B) {
	if os.Getenv(wranglerEnv) == "" {
		b.Skipf("set %s=1 (make bench-worker builds the Worker, installs wrangler and runs this)", wranglerEnv)
	}
	dir := "."
	if d := os.Getenv("POLICY_SENTRY_WORKER_DIR"); d != "" {
		dir = d
	} else {
		checkBuilt(b)
	}
	base := startWrangler(b, dir, "/")
	c := benchCase(b)
	timed := func() time.Duration {
		start := time.Now()
		status, body, err := c.send(base)
		if err != nil || status != 200 {
			b.Fatalf("%s %s: %d %v %.300s", c.method, c.path, status, err, body)
		}
		return time.Since(start)
	}
	first := timed()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		times = append(times, timed())
	}
	b.StopTimer()
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(first), "first-ms")
	b.ReportMetric(ms(times[len(times)/2]), "median-ms")
	b.ReportMetric(ms(times[len(times)*9/10]), "p90-ms")
}
