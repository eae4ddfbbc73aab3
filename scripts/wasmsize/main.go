// Command wasmsize reports what each Go package costs in a WebAssembly
// module built by Go: it builds the package for GOOS=js GOARCH=wasm with
// -trimpath (keeping the function names a -ldflags=-s build drops), then
// prints the module's sections, its size as shipped (without the names
// section) raw, gzip -9 and brotli 11, and the bytes of function code of
// each package, named by the module's "name" section. The data section
// (constants, type descriptors, the pclntab) is not attributed.
//
//	go run ./scripts/wasmsize [-by package|module|function] [-top N] [-tags T] ./wasm/app
//	go run ./scripts/wasmsize file.wasm      # a module already built with names
//
// With -by module, packages are grouped by module (the standard library
// as "std", this project's packages one by one); with -by function, each
// function is its own group (the largest functions first). To see what a
// dependency costs, compare the report before and after dropping it.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/andybalholm/brotli"
)

func main() {
	by := flag.String("by", "package", "group function code by package, module or function")
	top := flag.Int("top", 40, "print the N largest groups (0: all)")
	tags := flag.String("tags", "", "build tags for go build")
	compress := flag.Bool("compress", true, "print the gzip -9 and brotli 11 sizes (brotli takes a few seconds)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: wasmsize [-by package|module|function] [-top N] [-tags T] [-compress=false] package|file.wasm")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || (*by != "package" && *by != "module" && *by != "function") {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *by, *tags, *top, *compress); err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
}

func run(target, by, tags string, top int, compress bool) error {
	file, pkgs := target, []string(nil)
	if !strings.HasSuffix(target, ".wasm") {
		dir, err := os.MkdirTemp("", "wasmsize")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		file = filepath.Join(dir, "out.wasm")
		if err := goCmd(nil, "build", "-trimpath", "-tags", tags, "-o", file, target); err != nil {
			return err
		}
		var out bytes.Buffer
		if err := goCmd(&out, "list", "-tags", tags, "-deps", target); err != nil {
			return err
		}
		pkgs = strings.Fields(out.String())
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	m, err := parse(b)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	group := newNamer(pkgs).pkg
	switch by {
	case "module":
		pkgOf := group
		group = func(name string) string { return moduleOf(pkgOf(name)) }
	case "function":
		group = func(name string) string { return name }
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "%s\n", target)
	if compress {
		shipped := m.withoutNames(b)
		fmt.Fprintf(w, "shipped (without the name section): %d bytes, gzip -9 %d, brotli 11 %d\n",
			len(shipped), len(gzipBytes(shipped)), len(brotliBytes(shipped)))
	}
	report(w, m, group, top)
	return nil
}

// goCmd runs the go command for js/wasm; its output goes to out (or
// stdout), its errors to stderr.
func goCmd(out io.Writer, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	cmd.Stdout, cmd.Stderr = cmp.Or[io.Writer](out, os.Stdout), os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return nil
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

// module is what wasmsize reads from a module.
type module struct {
	total     int
	sections  map[string]int // section name -> bytes
	nameSec   [2]int         // start and end offsets of the name section
	imports   int            // imported functions (they come first in the index space)
	codeSizes []int          // body size of each defined function
	names     map[int]string // function index -> name
}

// parse reads the sections of a WebAssembly binary module.
func parse(b []byte) (*module, error) {
	if len(b) < 8 || !bytes.Equal(b[:4], []byte("\x00asm")) {
		return nil, errors.New("not a WebAssembly module")
	}
	m := &module{total: len(b), sections: map[string]int{}, names: map[int]string{}}
	r := bytes.NewReader(b[8:])
	for r.Len() > 0 {
		at := len(b) - r.Len()
		id, err := r.ReadByte()
		if err != nil {
			return nil, err
		}
		size, err := binary.ReadUvarint(r)
		if err != nil || size > uint64(r.Len()) {
			return nil, fmt.Errorf("section %d: bad size", id)
		}
		body := make([]byte, size)
		io.ReadFull(r, body)
		name := sectionNames[id]
		s := bytes.NewReader(body)
		switch id {
		case 0:
			n, err := readName(s)
			if err != nil {
				return nil, fmt.Errorf("custom section: %w", err)
			}
			name = "custom " + n
			if n == "name" {
				m.nameSec = [2]int{at, len(b) - r.Len()}
				if err := m.readNames(s); err != nil {
					return nil, fmt.Errorf("name section: %w", err)
				}
			}
		case 2:
			if err := m.readImports(s); err != nil {
				return nil, fmt.Errorf("import section: %w", err)
			}
		case 10:
			if err := m.readCode(s); err != nil {
				return nil, fmt.Errorf("code section: %w", err)
			}
		}
		m.sections[name] += int(size)
	}
	return m, nil
}

// withoutNames returns the module b without its name section: what a
// -ldflags=-s build ships.
func (m *module) withoutNames(b []byte) []byte {
	if m.nameSec[1] == 0 {
		return b
	}
	return slices.Concat(b[:m.nameSec[0]], b[m.nameSec[1]:])
}

var sectionNames = map[byte]string{1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global", 7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount"}

func readName(r *bytes.Reader) (string, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil || n > uint64(r.Len()) {
		return "", errors.New("bad name")
	}
	b := make([]byte, n)
	io.ReadFull(r, b)
	return string(b), nil
}

func (m *module) readImports(r *bytes.Reader) error {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return err
	}
	for range n {
		if _, err := readName(r); err != nil {
			return err
		}
		if _, err := readName(r); err != nil {
			return err
		}
		kind, err := r.ReadByte()
		if err != nil {
			return err
		}
		switch kind {
		case 0: // function: type index
			m.imports++
			_, err = binary.ReadUvarint(r)
		case 1: // table: elemtype, limits
			r.ReadByte()
			err = skipLimits(r)
		case 2: // memory: limits
			err = skipLimits(r)
		case 3: // global: valtype, mutability
			r.ReadByte()
			_, err = r.ReadByte()
		default:
			return fmt.Errorf("import kind %d", kind)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func skipLimits(r *bytes.Reader) error {
	flags, err := r.ReadByte()
	if err != nil {
		return err
	}
	if _, err := binary.ReadUvarint(r); err != nil {
		return err
	}
	if flags&1 != 0 {
		_, err = binary.ReadUvarint(r)
	}
	return err
}

func (m *module) readCode(r *bytes.Reader) error {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return err
	}
	for range n {
		size, err := binary.ReadUvarint(r)
		if err != nil || size > uint64(r.Len()) {
			return errors.New("bad function body size")
		}
		r.Seek(int64(size), io.SeekCurrent)
		m.codeSizes = append(m.codeSizes, int(size))
	}
	return nil
}

func (m *module) readNames(r *bytes.Reader) error {
	for r.Len() > 0 {
		id, err := r.ReadByte()
		if err != nil {
			return err
		}
		size, err := binary.ReadUvarint(r)
		if err != nil || size > uint64(r.Len()) {
			return errors.New("bad subsection size")
		}
		if id != 1 { // only function names
			r.Seek(int64(size), io.SeekCurrent)
			continue
		}
		n, err := binary.ReadUvarint(r)
		if err != nil {
			return err
		}
		for range n {
			idx, err := binary.ReadUvarint(r)
			if err != nil {
				return err
			}
			name, err := readName(r)
			if err != nil {
				return err
			}
			m.names[int(idx)] = name
		}
	}
	return nil
}

// namer maps function names of the name section, where Go writes the
// package path with "/" as "_" ("net_http.(*Client).Do" is written
// "net_http.__Client_.Do"), back to package paths.
type namer struct{ mangled map[string]string }

func newNamer(pkgs []string) namer {
	n := namer{map[string]string{}}
	for _, p := range pkgs {
		n.mangled[strings.ReplaceAll(p, "/", "_")] = p
	}
	return n
}

// pkg returns the package of a function name: the longest known package
// before a ".", else the text before the first "." ("type_" for the
// compiler's type helpers).
func (n namer) pkg(sym string) string {
	if sym == "" {
		return "(unnamed)"
	}
	best := ""
	for i := 0; i < len(sym); i++ {
		if sym[i] == '.' {
			if p, ok := n.mangled[sym[:i]]; ok {
				best = p
			}
		}
	}
	if best != "" {
		return best
	}
	if i := strings.IndexByte(sym, '.'); i > 0 {
		return sym[:i]
	}
	return sym
}

// moduleOf maps a package path to its module: "std" for the standard
// library, the first three elements for github.com and similar hosts.
func moduleOf(pkg string) string {
	first, _, _ := strings.Cut(pkg, "/")
	if !strings.Contains(first, ".") {
		return "std"
	}
	parts := strings.Split(pkg, "/")
	switch {
	case strings.HasPrefix(pkg, "github.com/leastpriv/policysentry/"):
		return strings.Join(parts[:min(len(parts), 5)], "/")
	case first == "github.com" || first == "golang.org":
		return strings.Join(parts[:min(len(parts), 3)], "/")
	}
	return strings.Join(parts[:min(len(parts), 3)], "/")
}

// report prints the section sizes, then the code bytes of each group.
func report(w io.Writer, m *module, group func(string) string, top int) {
	code := map[string]int{}
	total := 0
	for i, size := range m.codeSizes {
		code[group(m.names[m.imports+i])] += size
		total += size
	}
	fmt.Fprintf(w, "module %d bytes\n", m.total)
	secs := slices.SortedFunc(func(yield func(string) bool) {
		for k := range m.sections {
			if !yield(k) {
				return
			}
		}
	}, func(a, b string) int { return cmp.Compare(m.sections[b], m.sections[a]) })
	for _, s := range secs {
		fmt.Fprintf(w, "  section %-18s %9d bytes %5.1f%%\n", s, m.sections[s], pct(m.sections[s], m.total))
	}
	fmt.Fprintf(w, "function code by group (%d functions, %d bytes):\n", len(m.codeSizes), total)
	keys := make([]string, 0, len(code))
	for k := range code {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(code[b], code[a]), cmp.Compare(a, b))
	})
	rest := 0
	for i, k := range keys {
		if top > 0 && i >= top {
			rest += code[k]
			continue
		}
		fmt.Fprintf(w, "  %9d %5.1f%%  %s\n", code[k], pct(code[k], total), k)
	}
	if rest > 0 {
		fmt.Fprintf(w, "  %9d %5.1f%%  (%d more groups)\n", rest, pct(rest, total), len(keys)-top)
	}
}

func pct(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(n) / float64(total)
}
