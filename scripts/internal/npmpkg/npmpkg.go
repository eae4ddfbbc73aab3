// Package npmpkg fetches pinned npm packages with `npm pack` into a cache
// outside git and checks them against their published integrity hash.
package npmpkg

import (
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Package is a pinned npm package.
type Package struct {
	Name, Version, Integrity string
}

// Tarball is the file name npm pack gives the package.
func (p Package) Tarball() string {
	n := strings.ReplaceAll(strings.TrimPrefix(p.Name, "@"), "/", "-")
	return fmt.Sprintf("%s-%s.tgz", n, p.Version)
}

// Fetch returns the path of the package's tarball in cache, running
// `npm pack` when it is not there yet, and checks its integrity.
func Fetch(p Package, cache string) (string, error) {
	path := filepath.Join(cache, p.Tarball())
	if _, err := os.Stat(path); err != nil {
		if err := os.MkdirAll(cache, 0o755); err != nil {
			return "", err
		}
		cmd := exec.Command("npm", "pack", "--silent", p.Name+"@"+p.Version, "--pack-destination", cache)
		cmd.Stdout = os.Stderr
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("npm pack %s@%s: %w (is npm installed and the registry reachable?)", p.Name, p.Version, err)
		}
	}
	if err := Verify(p, path); err != nil {
		return "", err
	}
	return path, nil
}

// Verify checks a tarball against the pinned sha512 integrity.
func Verify(p Package, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sum := sha512.Sum512(b)
	if got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:]); got != p.Integrity {
		return fmt.Errorf("%s: integrity %s does not match the pinned %s; delete the file to fetch it again", path, got, p.Integrity)
	}
	return nil
}
