package deflate

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// samples are inputs of the kinds share links carry (JSON with YAML and
// policy text) and the edge cases of the format: empty, one byte, long
// runs (matches at distance 1, of 258 bytes), incompressible bytes, more
// than the 32 KiB window and than one stored block.
func samples(t *testing.T) map[string][]byte {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 70000)
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	text := make([]byte, 0, 100000)
	words := []string{"s3:GetObject", "\"Resource\"", "arn:aws:s3:::bucket/*", "Effect", "Allow", "\n  - ", "kms:Decrypt", "{", "}", ":"}
	for len(text) < 100000 {
		text = append(text, words[r.IntN(len(words))]...)
	}
	m := map[string][]byte{
		"empty":  {},
		"one":    {'x'},
		"two":    []byte("ab"),
		"run":    bytes.Repeat([]byte{'a'}, 1000),
		"run258": bytes.Repeat([]byte{'z'}, 259),
		"random": random,
		"text":   text,
		"state":  []byte(`{"tab":"crud","crud":"mode: crud\nname: example\nread:\n  - arn:aws:s3:::example-bucket\nwrite:\n  - arn:aws:s3:::example-bucket\n","min":true,"minLen":4,"out":"json"}`),
	}
	files, _ := filepath.Glob("../../writer/testdata/*/*.yml")
	for _, f := range files[:min(len(files), 20)] {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m[f] = b
	}
	return m
}

// TestRoundTrip compresses each sample, checks that compress/flate reads
// the stream back to the same bytes and that Decompress does too.
func TestRoundTrip(t *testing.T) {
	for name, b := range samples(t) {
		c := Compress(b)
		got, err := io.ReadAll(flate.NewReader(bytes.NewReader(c)))
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s: compress/flate reads Compress's %d bytes as %d bytes (want %d), error %v", name, len(c), len(got), len(b), err)
		}
		got, err = Decompress(c, len(b))
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s: Decompress reads Compress's %d bytes as %d bytes (want %d), error %v", name, len(c), len(got), len(b), err)
		}
		if len(b) > 10000 && name != "random" && len(c) > len(b)/2 {
			t.Errorf("%s: %d bytes compressed to %d", name, len(b), len(c))
		}
	}
}

// TestReadsFlate checks that Decompress reads what compress/flate writes
// at every level (stored, Huffman only, fixed and dynamic blocks), so
// that share links written before keep opening.
func TestReadsFlate(t *testing.T) {
	for name, b := range samples(t) {
		for level := flate.HuffmanOnly; level <= flate.BestCompression; level++ {
			var buf bytes.Buffer
			w, err := flate.NewWriter(&buf, level)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(b)
			w.Close()
			got, err := Decompress(buf.Bytes(), len(b))
			if err != nil || !bytes.Equal(got, b) {
				t.Errorf("%s, level %d: Decompress reads %d bytes as %d (want %d), error %v", name, level, buf.Len(), len(got), len(b), err)
			}
		}
	}
}

// TestDamaged checks that every truncation of a stream is an error, that
// the limit is kept, and that flipped bits never panic.
func TestDamaged(t *testing.T) {
	b := samples(t)["text"][:5000]
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(b)
	w.Close()
	for _, c := range [][]byte{buf.Bytes(), Compress(b), stored(b)} {
		for n := 0; n < len(c); n++ {
			if _, err := Decompress(c[:n], len(b)); !errors.Is(err, ErrCorrupt) {
				t.Errorf("%d of %d bytes: error %v, want ErrCorrupt", n, len(c), err)
			}
		}
		if _, err := Decompress(c, len(b)-1); !errors.Is(err, ErrTooLarge) {
			t.Errorf("limit %d for %d bytes: error %v, want ErrTooLarge", len(b)-1, len(b), err)
		}
		r := rand.New(rand.NewPCG(3, 4))
		for range 2000 {
			d := bytes.Clone(c)
			d[r.IntN(len(d))] ^= 1 << r.IntN(8)
			Decompress(d, len(b)) // must not panic
		}
	}
	for _, c := range [][]byte{{0x07}, {0x01, 0x01, 0x00, 0x00, 0x00}} { // block type 3; LEN not ^NLEN
		if _, err := Decompress(c, 100); !errors.Is(err, ErrCorrupt) {
			t.Errorf("% x: error %v, want ErrCorrupt", c, err)
		}
	}
}

// FuzzDecompress checks that Decompress never panics and agrees with
// compress/flate on what it accepts as complete.
func FuzzDecompress(f *testing.F) {
	f.Add(Compress([]byte("hello, hello, hello")))
	f.Add(stored([]byte("abc")))
	f.Fuzz(func(t *testing.T, c []byte) {
		got, err := Decompress(c, 1<<16)
		if err != nil {
			return
		}
		want, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(c)), 1<<16+1))
		if err == nil && !bytes.Equal(got, want) {
			t.Errorf("Decompress gives %d bytes, compress/flate %d", len(got), len(want))
		}
	})
}
