// Command bundle writes the saved offline bundle: one self-contained HTML
// file (dist/policy-sentry-offline.html) that runs the whole app from
// disk (file://) with no network and no server. It reads a built dist/
// (make dist) and inlines everything index.html loads:
//
//   - app.css as a <style> element, icon.svg as a data: URL;
//   - vugu-helper.js, wasm_exec.js and loader.js as inline scripts;
//   - the account audit's worker (wasm_exec.js then auditworker.js) as a
//     non-executed <script type="text/plain" id="ps-worker"> block, which
//     loader.js runs as a Worker from a Blob URL (the CSP allows
//     worker-src blob:);
//   - the wasm, gzip-compressed, and the dataset (already zstd), each in a
//     non-executed <script type="application/octet-stream"> data block,
//     written with 7 bits per character (see encode7), which costs about
//     15% where base64 costs 33%;
//   - a small boot script that defines window.policySentryAssets for
//     loader.js: the wasm bytes come from DecompressionStream("gzip"),
//     and the app's fetches of manifest.json and the dataset (it fetches
//     them over HTTP when served) are answered from the inlined bytes.
//
// A file:// page gets no HTTP headers, so the Content Security Policy is
// a <meta http-equiv> element allowing exactly the inline scripts and
// style by their sha256 hashes. Output is deterministic for a given dist/.
//
//	go run ./scripts/bundle [-dist dist] [-out dist/policy-sentry-offline.html] [-sizes]
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/andybalholm/brotli"
)

// Assets is the part of dist/assets.json the bundle needs.
type Assets struct {
	Wasm    string `json:"wasm"`
	Dataset string `json:"dataset"`
	Version string `json:"version"`
	Build   string `json:"build"`
}

func main() {
	dist := flag.String("dist", "dist", "built app (make dist)")
	out := flag.String("out", "", "output file (default <dist>/policy-sentry-offline.html)")
	sizes := flag.Bool("sizes", false, "also print raw/gzip/brotli sizes of the wasm and the dataset (slow)")
	flag.Parse()
	if *out == "" {
		*out = filepath.Join(*dist, "policy-sentry-offline.html")
	}
	if err := run(*dist, *out, *sizes); err != nil {
		fmt.Fprintln(os.Stderr, "bundle:", err)
		os.Exit(1)
	}
}

func run(dist, out string, sizes bool) error {
	var a Assets
	if err := readJSON(filepath.Join(dist, "assets.json"), &a); err != nil {
		return fmt.Errorf("%w (run make dist first)", err)
	}
	read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dist, name)) }
	wasm, err := read(a.Wasm)
	if err != nil {
		return err
	}
	data, err := read(a.Dataset)
	if err != nil {
		return err
	}
	manifest, err := read("manifest.json")
	if err != nil {
		return err
	}
	index, err := read("index.html")
	if err != nil {
		return err
	}
	gz := gzipBytes(wasm)
	page, err := Build(string(index), read, a, gz, data, manifest)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, []byte(page), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d bytes (wasm %d, gzip %d; dataset %s %d)\n", out, len(page), len(wasm), len(gz), a.Version, len(data))
	if sizes {
		fmt.Printf("| file | raw | gzip -9 | brotli 11 |\n|---|---:|---:|---:|\n")
		for _, f := range []struct {
			name string
			b    []byte
		}{{"wasm " + a.Wasm, wasm}, {"dataset " + a.Dataset, data}} {
			fmt.Printf("| %s | %d | %d | %d |\n", f.name, len(f.b), len(gzipBytes(f.b)), len(brotliBytes(f.b)))
		}
	}
	return nil
}

// Build returns the bundle page from dist/index.html. read reads a file of
// dist/; gzWasm is the gzip-compressed wasm; data and manifest are the
// dataset and its manifest.json.
func Build(index string, read func(string) ([]byte, error), a Assets, gzWasm, data, manifest []byte) (string, error) {
	var scriptHashes, styleHashes []string
	var firstErr error
	fail := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	inlineScript := func(js string) string {
		js = strings.ReplaceAll(js, "</script", `<\/script`)
		scriptHashes = append(scriptHashes, hash(js))
		return "<script>" + js + "</script>"
	}

	// <script src="x.js" defer></script> → inline (in place: the page's
	// scripts are the last elements of its body); the boot script goes just
	// before loader.js.
	reScript := regexp.MustCompile(`<script src="([^"]+)"(?: defer)?></script>`)
	sawLoader := false
	index = reScript.ReplaceAllStringFunc(index, func(tag string) string {
		name := reScript.FindStringSubmatch(tag)[1]
		js, err := read(name)
		if err != nil {
			fail(err)
			return ""
		}
		s := inlineScript(string(js))
		if name == "loader.js" {
			sawLoader = true
			worker, err := workerBlock(read)
			if err != nil {
				fail(err)
			}
			s = dataBlock("ps-wasm", gzWasm) + dataBlock("ps-dataset", data) + worker + inlineScript(bootScript(a, len(gzWasm), len(data), manifest)) + "\n" + s
		}
		return s
	})
	if !sawLoader {
		fail(fmt.Errorf("index.html does not load loader.js"))
	}

	reLink := regexp.MustCompile(`<link rel="([a-z]+)" href="([^"]+)"[^>]*>\n?`)
	index = reLink.ReplaceAllStringFunc(index, func(tag string) string {
		m := reLink.FindStringSubmatch(tag)
		switch m[1] {
		case "stylesheet":
			css, err := read(m[2])
			if err != nil {
				fail(err)
				return ""
			}
			s := string(css) + bundleCSS
			styleHashes = append(styleHashes, hash(s))
			return "<style>" + s + "</style>\n"
		case "icon":
			svg, err := read(m[2])
			if err != nil {
				fail(err)
				return ""
			}
			return `<link rel="icon" href="data:image/svg+xml;base64,` + base64.StdEncoding.EncodeToString(svg) + `">` + "\n"
		default: // the web app manifest and anything else needs a server
			return ""
		}
	})
	if firstErr != nil {
		return "", firstErr
	}
	if len(styleHashes) == 0 {
		return "", fmt.Errorf("index.html has no stylesheet link")
	}

	csp := "default-src 'none'; script-src " + strings.Join(scriptHashes, " ") + " 'wasm-unsafe-eval'; style-src " +
		strings.Join(styleHashes, " ") + "; worker-src blob:; img-src data:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
	meta := `<meta charset="utf-8">`
	if !strings.Contains(index, meta) {
		return "", fmt.Errorf("index.html has no %s", meta)
	}
	index = strings.Replace(index, meta, meta+"\n"+`<meta http-equiv="Content-Security-Policy" content="`+html.EscapeString(csp)+`">`, 1)
	index = regexp.MustCompile(`<title>[^<]*</title>`).ReplaceAllString(index,
		"<title>Policy Sentry (offline bundle, IAM dataset "+html.EscapeString(a.Version)+")</title>")
	note := `<p class="bundle-note" data-testid="bundle-version">Offline bundle: IAM dataset ` + html.EscapeString(a.Version) +
		`. This file runs without a network; nothing you type leaves your machine.</p>` + "\n"
	if !strings.Contains(index, "<body>\n") {
		return "", fmt.Errorf("index.html has no <body>")
	}
	index = strings.Replace(index, "<body>\n", "<body>\n"+note, 1)
	return index, nil
}

// bundleCSS styles the bundle's version note.
const bundleCSS = "\n.bundle-note{margin:0;padding:.3rem 1rem;font-size:.85rem;opacity:.8;border-bottom:1px solid rgba(127,127,127,.3)}\n"

// bootScript defines window.policySentryAssets for loader.js and answers
// the app's fetches of manifest.json and the dataset from the page.
func bootScript(a Assets, wasmLen, dataLen int, manifest []byte) string {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	return `// Offline bundle boot (scripts/bundle): decodes the inlined wasm and
// dataset; nothing is fetched from the network.
(function () {
  "use strict";
  function decode7(id, n) {
    var s = document.getElementById(id).textContent, out = new Uint8Array(n);
    var acc = 0, bits = 0, j = 0;
    for (var i = 0; i < s.length && j < n; i++) {
      var c = s.charCodeAt(i);
      acc = ((acc << 7) | (c >= 256 ? c - 256 : c)) & 0x7fff;
      bits += 7;
      if (bits >= 8) { bits -= 8; out[j++] = (acc >> bits) & 255; }
    }
    if (j !== n) { throw new Error(id + ": " + j + " of " + n + " bytes"); }
    return out;
  }
  var dataset = null;
  var files = {};
  files["manifest.json"] = function () { return new TextEncoder().encode(` + q(string(manifest)) + `); };
  files[` + q(a.Dataset) + `] = function () { return dataset || (dataset = decode7("ps-dataset", ` + fmt.Sprint(dataLen) + `)); };
  var realFetch = window.fetch;
  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : (input && input.url) || String(input);
    var name = url.split(/[?#]/)[0].split("/").pop();
    if (Object.prototype.hasOwnProperty.call(files, name)) {
      return Promise.resolve(new Response(files[name](), { status: 200, headers: { "Content-Type": "application/octet-stream" } }));
    }
    return realFetch.apply(this, arguments);
  };
  window.policySentryAssets = {
    wasm: ` + q(a.Wasm) + `, dataset: ` + q(a.Dataset) + `, version: ` + q(a.Version) + `, build: ` + q(a.Build) + `,
    offlineBundle: true,
    wasmBytes: async function () {
      document.getElementById("boot-status").textContent = "unpacking the app…";
      var gz = decode7("ps-wasm", ` + fmt.Sprint(wasmLen) + `);
      var stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"));
      return new Uint8Array(await new Response(stream).arrayBuffer());
    }
  };
})();
`
}

// workerBlock is the account audit worker's script for a Blob URL:
// wasm_exec.js and auditworker.js in a non-executed script element.
func workerBlock(read func(string) ([]byte, error)) (string, error) {
	var js []string
	for _, name := range []string{"wasm_exec.js", "auditworker.js"} {
		b, err := read(name)
		if err != nil {
			return "", err
		}
		js = append(js, strings.ReplaceAll(string(b), "</script", `<\/script`))
	}
	return `<script type="text/plain" id="ps-worker">` + strings.Join(js, "\n;\n") + "</script>\n", nil
}

// dataBlock is a non-executed script element holding b as encode7 text.
func dataBlock(id string, b []byte) string {
	return `<script type="application/octet-stream" id="` + id + `">` + encode7(b) + "</script>\n"
}

// encode7 writes b as 7-bit groups, one character each. The three values
// the HTML parser would not keep in a script element (NUL, CR, and "<",
// which could start "</script") are written as U+0100+value, which the
// decoder maps back; every other value is the ASCII character itself.
func encode7(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b)*8/7 + 16)
	acc, bits := 0, 0
	emit := func(v int) {
		switch v {
		case 0, '\r', '<':
			sb.WriteRune(rune(0x100 + v))
		default:
			sb.WriteByte(byte(v))
		}
	}
	for _, c := range b {
		acc = acc<<8 | int(c)
		bits += 8
		for bits >= 7 {
			bits -= 7
			emit(acc >> bits & 0x7f)
		}
		acc &= 1<<bits - 1
	}
	if bits > 0 {
		emit(acc << (7 - bits) & 0x7f)
	}
	return sb.String()
}

// decode7 is the inverse of encode7 (the page does this in JavaScript);
// n is the byte count.
func decode7(s string, n int) []byte {
	out := make([]byte, 0, n)
	acc, bits := 0, 0
	for len(s) > 0 && len(out) < n {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		v := int(r)
		if v >= 0x100 {
			v -= 0x100
		}
		acc = (acc<<7 | v) & 0x7fff
		bits += 7
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
		}
	}
	return out
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func brotliBytes(b []byte) []byte {
	var buf bytes.Buffer
	w := brotli.NewWriterLevel(&buf, brotli.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
