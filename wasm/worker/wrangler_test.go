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
	for _, f := range []string{"build/app.wasm", "build/worker.mjs", "node_modules/.bin/wrangler", "../../dist/index.html", "../../dist/manifest.json"} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("%v: run make test-worker", err)
		}
	}
	base := startWrangler(t)
	native := api.New(api.Options{DB: func(context.Context) (*iamdb.DB, error) { return dataset.Default() }})

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
	cases := []struct {
		method, path, ctype string
		body                []byte
		status              int
	}{
		{"POST", "/api/v1/policy", "application/yaml", crud, 200},
		{"POST", "/api/v1/policy?fmt=yaml&minimize=0", "application/yaml", crud, 200},
		{"POST", "/api/v1/analyze", "application/json", policy, 200},
		{"POST", "/api/v1/simulate", "application/json", simulation, 200},
		{"GET", "/api/v1/query/actions?service=s3&access-level=tagging", "", nil, 200},
		{"GET", "/api/v1/query/arns?service=s3x", "", nil, 404},
		{"POST", "/api/v1/policy", "text/plain", crud, 415},
		{"POST", "/api/v1/policy", "application/yaml", []byte("mode: crud\nread: [\n"), 400},
		{"DELETE", "/api/v1/dataset", "", nil, 405},
		{"GET", "/api/v1/nothing", "", nil, 404},
	}
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

// startWrangler runs `wrangler dev` on a free loopback port and waits
// until the API answers; the process group is stopped when the test ends.
func startWrangler(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(filepath.Join("node_modules", ".bin", "wrangler"), "dev", "--ip", "127.0.0.1", "--port", fmt.Sprint(port),
		"--inspector-port", "0", "--show-interactive-dev-session=false", "--log-level", "warn")
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
		res, err := http.Get(base + "/api/v1/dataset")
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
