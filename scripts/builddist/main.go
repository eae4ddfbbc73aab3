// Command builddist assembles the web app into dist/: the static shell
// from web/, wasm_exec.js from the Go toolchain, Vugu's DOM helper script,
// the app compiled to WebAssembly and the dataset, with content-hashed
// names for the wasm and the dataset. assets.json and manifest.json (not
// hashed, never cached) name the hashed files.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// Assets is dist/assets.json: the files the loader and the app fetch.
type Assets struct {
	Wasm    string `json:"wasm"`
	Dataset string `json:"dataset"`
	Version string `json:"version"`
	// WasmSize is the wasm's size in bytes: the loader's progress bar
	// needs it because a compressed response's Content-Length is not.
	WasmSize int `json:"wasmSize"`
	// Build identifies this build (hash of the wasm and the dataset), for
	// the service worker's cache name.
	Build string `json:"build"`
}

func main() {
	out := flag.String("out", "dist", "output folder")
	skipWasm := flag.Bool("skip-wasm", false, "reuse dist/app.wasm.tmp instead of compiling")
	flag.Parse()
	if err := run(*out, *skipWasm); err != nil {
		fmt.Fprintln(os.Stderr, "builddist:", err)
		os.Exit(1)
	}
}

func run(out string, skipWasm bool) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(out, "app.*.wasm"))
	olds, _ := filepath.Glob(filepath.Join(out, "iam.*.bin.zst"))
	for _, f := range append(old, olds...) {
		os.Remove(f)
	}
	tmp := filepath.Join(out, "app.wasm.tmp")
	if !skipWasm {
		// No inlining in the project's own packages (the app and the
		// engine; the standard library and the other modules keep it):
		// the Vugu components' generated Build functions are long
		// straight-line code that inlining makes much larger (about
		// 290 KB of wasm with one component per screen) and no faster,
		// the time being in the DOM; for the engine it made the module
		// 235 KB smaller raw and 100 KB smaller as brotli 11 (10,876,379
		// to 10,641,627 bytes; 2,060,761 to 1,960,602), and
		// BenchmarkWriteWithChecks and BenchmarkWriteWithoutChecks
		// (engine/frontend/webapp, three alternating runs at load 15)
		// showed no difference beyond their run-to-run spread. The same
		// for go.yaml.in/yaml/v3: 33 KB smaller raw, 32 KB smaller as
		// brotli 11 (10,477,359 to 10,444,385; 1,950,896 to 1,918,500);
		// decoding and encoding paths.yml (26 KB of YAML) took the same
		// time in node (28-30 ms both, two alternating runs of GOOS=js
		// benchmarks) and 8 % longer natively, where it is not applied.
		// vugu without inlining was 15 KB larger: not applied.
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w",
			"-gcflags=github.com/leastpriv/policysentry/...=-l", "-gcflags=go.yaml.in/yaml/v3=-l",
			"-o", tmp, "./wasm/app")
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("building the wasm: %w", err)
		}
	}
	wasm, err := os.ReadFile(tmp)
	if err != nil {
		return err
	}
	os.Remove(tmp)
	if err := copyTree("web", out); err != nil {
		return err
	}
	goroot, err := goEnv("GOROOT")
	if err != nil {
		return err
	}
	if err := copyFile(filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"), filepath.Join(out, "wasm_exec.js")); err != nil {
		return err
	}
	vugu, err := goList("github.com/vugu/vugu")
	if err != nil {
		return err
	}
	helper, err := vuguHelper(filepath.Join(vugu, "domrender", "renderer-js-script.go"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "vugu-helper.js"), []byte(helper), 0o644); err != nil {
		return err
	}
	data, err := os.ReadFile("dataset/iam.bin.zst")
	if err != nil {
		return err
	}
	mb, err := os.ReadFile("dataset/manifest.json")
	if err != nil {
		return err
	}
	var m iamdb.Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return fmt.Errorf("dataset/manifest.json: %w", err)
	}
	a := Assets{Wasm: "app." + short(wasm) + ".wasm", Dataset: "iam." + short(data) + ".bin.zst", Version: m.Version, WasmSize: len(wasm)}
	a.Build = short([]byte(a.Wasm + a.Dataset))
	if err := os.WriteFile(filepath.Join(out, a.Wasm), wasm, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, a.Dataset), data, 0o644); err != nil {
		return err
	}
	m.File = a.Dataset
	if err := prerender(filepath.Join(out, "index.html")); err != nil {
		return err
	}
	if err := addPreloads(filepath.Join(out, "index.html"), a); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(out, "manifest.json"), m); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(out, "assets.json"), a); err != nil {
		return err
	}
	fmt.Printf("dist: %s (%d bytes), %s (%d bytes)\n", a.Wasm, len(wasm), a.Dataset, len(data))
	return nil
}

// addPreloads lets the browser start downloading the dataset while it
// parses the page, and puts the asset list into the page (a JSON data
// block, which the Content Security Policy allows as it is not run), so
// that loader.js starts the wasm download at once instead of after a
// round trip for assets.json. The wasm is not preloaded: measured in
// TestPerformanceFigures, a preloaded module reached the compiler in one
// piece on the main thread, after the download, and cold start-up was
// about 0.3 s slower than streaming it from the loader's own fetch.
func addPreloads(index string, a Assets) error {
	b, err := os.ReadFile(index)
	if err != nil {
		return err
	}
	js, err := json.Marshal(a) // escapes <, > and &: safe inside <script>
	if err != nil {
		return err
	}
	links := `<link rel="preload" href="` + a.Dataset + `" as="fetch" crossorigin>` + "\n" +
		`<script type="application/json" id="ps-assets">` + string(js) + `</script>` + "\n"
	s := string(b)
	if !strings.Contains(s, "</head>") {
		return fmt.Errorf("%s has no </head>", index)
	}
	s = strings.Replace(s, "</head>", links+"</head>", 1)
	return os.WriteFile(index, []byte(s), 0o644)
}

// prerender puts the default screen, rendered natively by wasm/app's
// native entry point (wasm/app/prerender.go: the CRUD template, its
// policy, the tabs and the dataset version), in place of index.html's
// boot placeholder (the element with id vugu_mount_point), so that a
// first visit shows a complete page before the wasm is in. The app's
// first render syncs that tree in place. The screen's policy goes in too,
// as a JSON data block (#ps-initial, at the end of the body: it is not
// needed for the first paint) that the app takes at start-up instead of
// writing the same policy again (wasm/app/initial.go).
func prerender(index string) error {
	b, err := os.ReadFile(index)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "builddist-prerender-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	statePath := filepath.Join(tmp, "initial.json")
	cmd := exec.Command("go", "run", "./wasm/app", "-state", statePath)
	cmd.Env = append(os.Environ(), "GOOS=", "GOARCH=")
	cmd.Stderr = os.Stderr
	html, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("prerendering the default screen (go run ./wasm/app): %w", err)
	}
	state, err := os.ReadFile(statePath)
	if err != nil {
		return fmt.Errorf("prerendering the default screen: %w", err)
	}
	s, err := replaceMountPoint(string(b), string(html))
	if err != nil {
		return fmt.Errorf("%s: %w", index, err)
	}
	if s, err = insertInitial(s, state); err != nil {
		return fmt.Errorf("%s: %w", index, err)
	}
	return os.WriteFile(index, []byte(s), 0o644)
}

// insertInitial puts the default screen's policy (JSON, with <, > and &
// escaped by encoding/json) in a data block before the page's first
// script element in the body.
func insertInitial(page string, state []byte) (string, error) {
	if bytes.Contains(state, []byte("</")) || !json.Valid(state) {
		return "", fmt.Errorf("the initial policy is not escaped JSON")
	}
	body := strings.Index(page, "<body")
	i := strings.Index(page[max(body, 0):], "<script src=")
	if body < 0 || i < 0 {
		return "", fmt.Errorf("no script element in the body to put the initial policy before")
	}
	i += body
	return page[:i] + `<script type="application/json" id="ps-initial">` + string(state) + "</script>\n" + page[i:], nil
}

// replaceMountPoint replaces the <div id="vugu_mount_point"> element of
// page (nested divs counted) with html.
func replaceMountPoint(page, html string) (string, error) {
	const open = `<div id="vugu_mount_point">`
	i := strings.Index(page, open)
	if i < 0 {
		return "", fmt.Errorf("no %s", open)
	}
	depth, j := 0, i
	for {
		o := strings.Index(page[j:], "<div")
		c := strings.Index(page[j:], "</div>")
		if c < 0 {
			return "", fmt.Errorf("%s is not closed", open)
		}
		if o >= 0 && o < c {
			depth++
			j += o + len("<div")
			continue
		}
		depth--
		j += c + len("</div>")
		if depth == 0 {
			return page[:i] + strings.TrimSpace(html) + page[j:], nil
		}
	}
}

func short(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])[:12]
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

func goEnv(key string) (string, error) {
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", key, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func goList(mod string) (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", mod).Output()
	if err != nil {
		return "", fmt.Errorf("go list -m %s: %w (run go mod download)", mod, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// vuguHelper extracts the DOM helper script that Vugu's renderer would
// eval() (the jsHelperScript constant): the CSP forbids eval, so the page
// loads it as a file instead.
func vuguHelper(goFile string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), goFile, nil, 0)
	if err != nil {
		return "", err
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, sp := range g.Specs {
			vs := sp.(*ast.ValueSpec)
			if len(vs.Names) == 1 && vs.Names[0].Name == "jsHelperScript" && len(vs.Values) == 1 {
				if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
					return strconv.Unquote(lit.Value)
				}
			}
		}
	}
	return "", fmt.Errorf("%s: no jsHelperScript constant (Vugu changed?)", goFile)
}
