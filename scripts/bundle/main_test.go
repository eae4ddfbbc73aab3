package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"regexp"
	"strings"
	"testing"
)

func TestEncode7RoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	cases := [][]byte{nil, {0}, {0xff}, []byte("<\r\x00</script>"), bytes.Repeat([]byte{0}, 100)}
	for n := 1; n < 40; n++ {
		b := make([]byte, n)
		r.Read(b)
		cases = append(cases, b)
	}
	big := make([]byte, 1<<16)
	r.Read(big)
	cases = append(cases, big)
	for _, b := range cases {
		s := encode7(b)
		if strings.ContainsAny(s, "<\r\x00") {
			t.Fatalf("%x: encoding has a character the HTML parser changes", b)
		}
		if got := decode7(s, len(b)); !bytes.Equal(got, b) && len(b) > 0 {
			t.Fatalf("round trip of %d bytes: got %x", len(b), got)
		}
	}
	// About 8/7 characters per byte, plus a little for the escapes.
	if s := encode7(big); len(s) > len(big)*8/7*104/100 {
		t.Errorf("%d bytes encode to %d: more than 8/7 + 4%%", len(big), len(s))
	}
}

func TestBuild(t *testing.T) {
	files := map[string]string{
		"app.css":        "body{color:red}",
		"icon.svg":       "<svg/>",
		"vugu-helper.js": "window.vuguRender = 1;",
		"wasm_exec.js":   "var Go = function () {}; // </script> inside a comment",
		"loader.js":      "boot();",
		"auditworker.js": "self.onmessage = null; // the worker",
	}
	read := func(name string) ([]byte, error) {
		s, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("no %s", name)
		}
		return []byte(s), nil
	}
	index := `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Policy Sentry</title>
<link rel="stylesheet" href="app.css">
<link rel="icon" href="icon.svg" type="image/svg+xml">
<link rel="manifest" href="site.webmanifest">
</head>
<body>
<div id="vugu_mount_point"></div>
<script src="vugu-helper.js"></script>
<script src="wasm_exec.js"></script>
<script src="loader.js"></script>
</body>
</html>
`
	a := Assets{Wasm: "app.0123.wasm", Dataset: "iam.4567.bin.zst", Version: "0.21.1", Build: "b1"}
	out, err := Build(index, read, a, []byte{1, 2, 3}, []byte{0x28, 0xb5, 0x2f, 0xfd}, []byte(`{"file":"iam.4567.bin.zst"}`))
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`(src|href)="[^d"]`).MatchString(out) {
		t.Errorf("the bundle still references a file:\n%s", out)
	}
	if strings.Contains(out, "webmanifest") {
		t.Error("the web app manifest link is kept")
	}
	if !strings.Contains(out, `data-testid="bundle-version">Offline bundle: IAM dataset 0.21.1`) {
		t.Error("the page does not say which dataset it carries")
	}
	m := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]+)">`).FindStringSubmatch(out)
	if m == nil {
		t.Fatal("no CSP meta element")
	}
	csp := strings.ReplaceAll(m[1], "&#39;", "'")
	// Every executable inline script and the style are allowed by hash;
	// data blocks are not scripts and need none.
	scripts := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllStringSubmatch(out, -1)
	if len(scripts) != 4 {
		t.Errorf("%d inline scripts, want 4 (helper, wasm_exec, boot, loader)", len(scripts))
	}
	for _, s := range scripts {
		if !strings.Contains(csp, hash(s[1])) {
			t.Errorf("CSP lacks the hash of script %.40q", s[1])
		}
	}
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(out)
	if style == nil || !strings.Contains(csp, "style-src "+hash(style[1])) {
		t.Errorf("CSP lacks the style's hash")
	}
	for _, d := range []string{"default-src 'none'", "worker-src blob:", "'wasm-unsafe-eval'", "connect-src 'none'", "object-src 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, d) {
			t.Errorf("CSP lacks %s: %s", d, csp)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "'self'") {
		t.Errorf("CSP is too broad: %s", csp)
	}
	if strings.Count(out, "</script") != strings.Count(out, "<script") {
		t.Error("an inlined script closes its element early")
	}
	for _, id := range []string{"ps-wasm", "ps-dataset"} {
		if !strings.Contains(out, `<script type="application/octet-stream" id="`+id+`">`) {
			t.Errorf("no %s data block", id)
		}
	}
	// The worker's script: wasm_exec.js (escaped) then auditworker.js, not run.
	worker := regexp.MustCompile(`(?s)<script type="text/plain" id="ps-worker">(.*?)</script>`).FindStringSubmatch(out)
	if worker == nil || !strings.Contains(worker[1], `var Go = function () {}; // <\/script> inside`) || !strings.HasSuffix(worker[1], "self.onmessage = null; // the worker") {
		t.Errorf("no ps-worker block of wasm_exec.js and auditworker.js: %v", worker)
	}
	if i, j := strings.Index(out, `id="ps-wasm"`), strings.Index(out, "boot();"); i < 0 || j < i {
		t.Error("the data blocks do not precede loader.js")
	}
}

// TestBuildDeterministic: the same dist/ gives the same bundle, byte for byte.
func TestBuildDeterministic(t *testing.T) {
	read := func(name string) ([]byte, error) { return []byte("/* " + name + " */"), nil }
	index := "<meta charset=\"utf-8\">\n<link rel=\"stylesheet\" href=\"app.css\">\n<body>\n<script src=\"loader.js\"></script>\n"
	a := Assets{Wasm: "app.1.wasm", Dataset: "iam.2.bin.zst", Version: "v", Build: "b"}
	wasm := bytes.Repeat([]byte("wasm"), 1000)
	first, err := Build(index, read, a, gzipBytes(wasm), []byte{1, 2}, []byte("{}"))
	if err != nil {
		t.Fatal(err)
	}
	second, _ := Build(index, read, a, gzipBytes(wasm), []byte{1, 2}, []byte("{}"))
	if first != second {
		t.Error("two builds of the same input differ")
	}
}
