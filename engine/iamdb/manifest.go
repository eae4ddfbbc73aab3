package iamdb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// DecodeManifest reads a manifest (manifest.json, or the one inside a
// dataset file) as json.Unmarshal into a Manifest does: keys matched
// without regard to case, unknown keys and nulls skipped, the last of
// duplicate keys kept. It reads the token stream of encoding/json's
// Decoder instead of unmarshalling by reflection: the manifest is decoded
// at every start, and under WebAssembly the first reflective Unmarshal
// of a process costs 40 to 60 ms of compiling encoding/json's decoder
// (wasm/README.md), the token reader a fraction of that.
// FuzzDecodeManifest checks it against json.Unmarshal.
func DecodeManifest(b []byte) (Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	top := []manifestField{
		{"source", func() error { return readString(dec, &m.Source) }},
		{"package", func() error { return readString(dec, &m.Package) }},
		{"version", func() error { return readString(dec, &m.Version) }},
		{"integrity", func() error { return readString(dec, &m.Integrity) }},
		{"build_date", func() error { return readString(dec, &m.BuildDate) }},
		{"counts", func() error {
			return readObject(dec, []manifestField{
				{"services", func() error { return readIntField(dec, &m.Counts.Services) }},
				{"actions", func() error { return readIntField(dec, &m.Counts.Actions) }},
				{"resource_types", func() error { return readIntField(dec, &m.Counts.ResourceTypes) }},
				{"condition_keys", func() error { return readIntField(dec, &m.Counts.ConditionKeys) }},
				{"wildcard_only_actions", func() error { return readIntField(dec, &m.Counts.WildcardOnly) }},
			})
		}},
		{"file", func() error { return readString(dec, &m.File) }},
		{"sha256", func() error { return readString(dec, &m.SHA256) }},
		{"size", func() error { return readInt(dec, &m.Size) }},
		{"overrides", func() error { return readIntField(dec, &m.Overrides) }},
	}
	err := readObject(dec, top)
	if err == nil {
		// Like json.Unmarshal: nothing but space after the value.
		if _, tokErr := dec.Token(); tokErr == nil {
			err = errors.New("invalid character after top-level value")
		} else if !errors.Is(tokErr, io.EOF) {
			err = tokErr
		}
	}
	if err != nil {
		return Manifest{}, fmt.Errorf("manifest: %w", err)
	}
	return m, nil
}

// manifestField is a key of a JSON object and what reads its value.
type manifestField struct {
	name string
	read func() error
}

// readObject reads an object (or null, which leaves the target as it is):
// each key's value is read by the field of that name (without regard to
// case, as encoding/json matches keys; no two names here differ only in
// case), or skipped.
func readObject(dec *json.Decoder, fields []manifestField) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t == nil {
		return nil
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("expected an object, found %v", t)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := k.(string)
		if !ok {
			return fmt.Errorf("expected a key, found %v", k)
		}
		read := func() error { return skipValue(dec) }
		for _, f := range fields {
			if strings.EqualFold(f.name, key) { // as encoding/json matches keys
				read = f.read
				break
			}
		}
		if err := read(); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	_, err = dec.Token() // the closing brace
	return err
}

// readString reads a string, or null (leaving *s as it is).
func readString(dec *json.Decoder, s *string) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	switch v := t.(type) {
	case nil:
	case string:
		*s = v
	default:
		return fmt.Errorf("expected a string, found %v", t)
	}
	return nil
}

// readInt reads an integer, or null (leaving *n as it is).
func readInt(dec *json.Decoder, n *int64) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	switch v := t.(type) {
	case nil:
	case json.Number:
		i, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return fmt.Errorf("expected an integer, found %s", v)
		}
		*n = i
	default:
		return fmt.Errorf("expected an integer, found %v", t)
	}
	return nil
}

// readIntField is readInt for an int field.
func readIntField(dec *json.Decoder, n *int) error {
	v := int64(*n)
	if err := readInt(dec, &v); err != nil {
		return err
	}
	if int64(int(v)) != v {
		return fmt.Errorf("the integer %d is out of range", v)
	}
	*n = int(v)
	return nil
}

// skipValue reads and drops one value, however nested.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			default:
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}
