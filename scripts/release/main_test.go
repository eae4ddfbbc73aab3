package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestArchive checks both archive kinds hold the binary (executable) and
// the README, and that packing twice gives the same bytes.
func TestArchive(t *testing.T) {
	for _, tg := range []Target{{"linux", "arm64"}, {"windows", "amd64"}} {
		a, err := Archive(tg, "policy-sentry", []byte("BIN"), []byte("README"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Archive(tg, "policy-sentry", []byte("BIN"), []byte("README"))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: archive is not deterministic", tg.OS)
		}
		got := map[string]string{}
		if tg.OS == "windows" {
			zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range zr.File {
				r, _ := f.Open()
				d, _ := io.ReadAll(r)
				got[f.Name] = string(d)
			}
		} else {
			gz, err := gzip.NewReader(bytes.NewReader(a))
			if err != nil {
				t.Fatal(err)
			}
			tr := tar.NewReader(gz)
			for {
				h, err := tr.Next()
				if err != nil {
					break
				}
				d, _ := io.ReadAll(tr)
				got[h.Name] = string(d)
				if h.Name == "policy-sentry" && h.Mode&0o111 == 0 {
					t.Error("binary is not executable")
				}
			}
		}
		if got["policy-sentry"] != "BIN" || got["README.md"] != "README" {
			t.Errorf("%s archive holds %v", tg.OS, got)
		}
	}
}

func TestArchiveNameAndTargets(t *testing.T) {
	if n := ArchiveName("v1.2.3", Target{"windows", "arm64"}); n != "policy-sentry_1.2.3_windows_arm64.zip" {
		t.Error(n)
	}
	if n := ArchiveName("0.1.0-5-gabc", Target{"darwin", "amd64"}); n != "policy-sentry_0.1.0-5-gabc_darwin_amd64.tar.gz" {
		t.Error(n)
	}
	if len(Targets) != 6 {
		t.Errorf("%d targets", len(Targets))
	}
	if _, err := selectTargets("linux/amd64,plan9/386"); err == nil || !strings.Contains(err.Error(), "plan9/386") {
		t.Errorf("bad -only accepted: %v", err)
	}
}

func TestSums(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "b"), []byte("hello\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a"), nil, 0o644)
	s, err := Sums(dir, []string{"b", "a"})
	if err != nil {
		t.Fatal(err)
	}
	want := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a\n" +
		"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  b\n"
	if string(s) != want {
		t.Errorf("SHA256SUMS:\n%s", s)
	}
}
