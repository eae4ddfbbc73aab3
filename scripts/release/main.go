// Command release cross-compiles the policy-sentry CLI for Linux, macOS
// and Windows on amd64 and arm64, packs each binary with the licence-free
// docs into an archive (tar.gz; zip for Windows) and writes SHA256SUMS.
// The version is stamped into the binary with -ldflags -X; `make release`
// passes the one `git describe` gives.
//
//	go run ./scripts/release -version v1.2.3 -out bin/release
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Target is one GOOS/GOARCH pair.
type Target struct{ OS, Arch string }

// Targets are the release platforms.
var Targets = []Target{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

const (
	pkg        = "./engine/cmd/policy-sentry"
	versionVar = "github.com/leastpriv/policysentry/engine/frontend/cli.Version"
)

// epoch is the archives' file time, so that the same binaries give the
// same archives.
var epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

func main() {
	version := flag.String("version", "dev", "version to stamp into the binaries (git describe)")
	out := flag.String("out", "bin/release", "output folder (cleared first)")
	only := flag.String("only", "", "build only these GOOS/GOARCH pairs, comma-separated (e.g. linux/amd64)")
	flag.Parse()
	if err := run(*version, *out, *only); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(version, out, only string) error {
	targets, err := selectTargets(only)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	readme, err := os.ReadFile("engine/frontend/cli/README.md")
	if err != nil {
		return fmt.Errorf("the archives include engine/frontend/cli/README.md: %w", err)
	}
	var archives []string
	for _, t := range targets {
		bin := "policy-sentry"
		if t.OS == "windows" {
			bin += ".exe"
		}
		tmp := filepath.Join(out, "build", t.OS+"-"+t.Arch, bin)
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X "+versionVar+"="+version, "-o", tmp, pkg)
		cmd.Env = append(os.Environ(), "GOOS="+t.OS, "GOARCH="+t.Arch, "CGO_ENABLED=0")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		fmt.Fprintf(os.Stderr, "building %s/%s\n", t.OS, t.Arch)
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build %s/%s: %w", t.OS, t.Arch, err)
		}
		b, err := os.ReadFile(tmp)
		if err != nil {
			return err
		}
		name := ArchiveName(version, t)
		data, err := Archive(t, bin, b, readme)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return err
		}
		archives = append(archives, name)
	}
	if err := os.RemoveAll(filepath.Join(out, "build")); err != nil {
		return err
	}
	sums, err := Sums(out, archives)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "SHA256SUMS"), sums, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %d archives and SHA256SUMS to %s\n", len(archives), out)
	return nil
}

func selectTargets(only string) ([]Target, error) {
	if only == "" {
		return Targets, nil
	}
	var out []Target
	for _, s := range strings.Split(only, ",") {
		os, arch, ok := strings.Cut(strings.TrimSpace(s), "/")
		found := false
		for _, t := range Targets {
			if ok && t.OS == os && t.Arch == arch {
				out = append(out, t)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("-only %q: not a release target (use GOOS/GOARCH, e.g. linux/amd64)", s)
		}
	}
	return out, nil
}

// ArchiveName is policy-sentry_VERSION_OS_ARCH.tar.gz (.zip for Windows).
func ArchiveName(version string, t Target) string {
	ext := ".tar.gz"
	if t.OS == "windows" {
		ext = ".zip"
	}
	return fmt.Sprintf("policy-sentry_%s_%s_%s%s", strings.TrimPrefix(version, "v"), t.OS, t.Arch, ext)
}

// Archive packs the binary and README.md, with fixed times and modes.
func Archive(t Target, bin string, binary, readme []byte) ([]byte, error) {
	var buf bytes.Buffer
	files := []struct {
		name string
		mode int64
		data []byte
	}{{bin, 0o755, binary}, {"README.md", 0o644, readme}}
	if t.OS == "windows" {
		zw := zip.NewWriter(&buf)
		for _, f := range files {
			h := &zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: epoch}
			h.SetMode(os.FileMode(f.mode))
			w, err := zw.CreateHeader(h)
			if err != nil {
				return nil, err
			}
			if _, err := w.Write(f.data); err != nil {
				return nil, err
			}
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	gz.ModTime = epoch
	tw := tar.NewWriter(gz)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data)), ModTime: epoch, Format: tar.FormatPAX}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Sums is SHA256SUMS for the files in dir, sorted by name, in the format
// `sha256sum -c` reads.
func Sums(dir string, names []string) ([]byte, error) {
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	var b bytes.Buffer
	for _, n := range sorted {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(h.Sum(nil)), n)
	}
	return b.Bytes(), nil
}
