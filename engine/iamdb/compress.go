package iamdb

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// Compress returns the zstd-compressed binary encoding of db. The output
// is deterministic for the same db.
func Compress(db *DB) ([]byte, error) {
	raw, err := Encode(db)
	if err != nil {
		return nil, err
	}
	enc, err := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstd.SpeedBestCompression),
		zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(1<<23),
		zstd.WithZeroFrames(true))
	if err != nil {
		return nil, fmt.Errorf("zstd encoder: %w", err)
	}
	defer enc.Close()
	return enc.EncodeAll(raw, nil), nil
}

// Load decompresses and decodes a dataset file made by Compress. When
// wantSHA256 is not empty, the file's sha256 (hex) must equal it.
func Load(compressed []byte, wantSHA256 string) (*DB, error) {
	return load(compressed, wantSHA256, nil, false)
}

// LoadVerified is Load for a file whose sha256 the caller has checked
// against its manifest (with CheckSHA256, or with the same digest
// computed elsewhere, such as the browser's SubtleCrypto): the file is
// then known to be as Encode wrote it, so each service's actions are
// left undecoded until Service.Actions first asks for them. Services,
// resource types, condition keys and the indexes are ready at once. The
// web app loads this way: its start-up decodes only the services that the
// first policy uses. Do not use it for a file of unknown origin: use Load,
// which checks all of it.
func LoadVerified(compressed []byte) (*DB, error) {
	return load(compressed, "", nil, true)
}

// CheckSHA256 returns an error unless the sha256 of compressed, in hex,
// is want.
func CheckSHA256(compressed []byte, want string) error {
	sum := sha256.Sum256(compressed)
	return CheckDigest(hex.EncodeToString(sum[:]), want)
}

// CheckDigest compares a dataset file's sha256 (hex), computed by the
// caller, with the manifest's, and says what to do when they differ.
func CheckDigest(got, want string) error {
	if got != want {
		return fmt.Errorf("dataset sha256 is %s, the manifest says %s: the download is corrupt or stale, reload to fetch it again", got, want)
	}
	return nil
}

// LoadPermanent is Load for a DB that lives as long as the process, laid
// out in mem: memory outside the Go heap (from mmap, say) that is never
// changed or freed afterwards, of capacity PermanentSize(compressed) or
// more. The decompressed bytes (which the strings point into), the
// actions, their resource lists and the string lists go into mem, and the
// rest (services, resource types, maps) on the heap. The collector does
// not scan mem, which is safe because whatever mem points to is mem itself
// or is reachable from the DB: so the caller must keep the DB reachable
// for ever and must not change it. The native CLI passes memory that the
// kernel backs with huge pages, so that its one load takes a few page
// faults instead of one per 4 KiB (the larger part of the first load's
// time on machines where faults are slow). A smaller mem is used for as
// much as fits, or not at all.
func LoadPermanent(compressed []byte, wantSHA256 string, mem []byte) (*DB, error) {
	return load(compressed, wantSHA256, mem[:0], false)
}

// LoadPermanentVerified is LoadPermanent for a file whose sha256 the
// caller has checked, or that is built into the program with a test
// checking it (the native CLI's embedded dataset): the decompressed bytes
// go into mem as with LoadPermanent, and each service's actions are
// decoded on the heap when Service.Actions first asks for them, as with
// LoadVerified. A command that needs a few services decodes only those.
func LoadPermanentVerified(compressed []byte, mem []byte) (*DB, error) {
	return load(compressed, "", mem[:0], true)
}

// PermanentSize returns the mem capacity that LoadPermanent needs for
// compressed: the decompressed size declared by its zstd frame header
// (0 when it declares none) plus room for the actions, measured on the
// real dataset as a little over twice the decompressed size (what is
// never touched costs address space only).
func PermanentSize(compressed []byte) int {
	return RawSize(compressed) * 4
}

func load(compressed []byte, wantSHA256 string, mem []byte, lazy bool) (*DB, error) {
	if wantSHA256 != "" {
		if err := CheckSHA256(compressed, wantSHA256); err != nil {
			return nil, err
		}
	}
	defer pauseGC()()
	var raw []byte
	var arena []byte
	if n := RawSize(compressed); mem != nil && n > 0 && n <= cap(mem) {
		out, err := decompress(compressed, mem[:0:n])
		if err != nil {
			return nil, err
		}
		raw = out
		if len(out) == n && &out[0] == &mem[:1][0] {
			// Decoded in place: the arena is the rest of mem, 8-byte aligned.
			start := (n + 7) &^ 7
			if start < cap(mem) {
				arena = mem[start:cap(mem)]
			}
		}
	} else {
		out, err := decompress(compressed, nil)
		if err != nil {
			return nil, err
		}
		raw = out
	}
	if lazy {
		arena = nil // lazily decoded actions live on the heap (see decodeArena)
	}
	db, err := decodeArena(raw, true, arena, lazy) // raw is ours: strings may share it
	if err != nil {
		return nil, fmt.Errorf("decode dataset: %w", err)
	}
	return db, nil
}

// RawSize returns the decompressed size that the zstd frame header of
// compressed declares, or 0 when it declares none.
func RawSize(compressed []byte) int {
	var h zstd.Header
	if h.Decode(compressed) != nil || !h.HasFCS || h.FrameContentSize > maxRaw {
		return 0
	}
	return int(h.FrameContentSize)
}

// maxRaw caps the decompressed size.
const maxRaw = 256 << 20

// Decompress undoes zstd compression (single-threaded, so it behaves the
// same under WebAssembly). The output is capped at 256 MiB.
func Decompress(compressed []byte) ([]byte, error) {
	return decompress(compressed, nil)
}

// decompress is Decompress, appending to dst.
func decompress(compressed, dst []byte) ([]byte, error) {
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxRaw))
	if err != nil {
		return nil, fmt.Errorf("zstd decoder: %w", err)
	}
	defer dec.Close()
	raw, err := dec.DecodeAll(compressed, dst)
	if err != nil {
		return nil, fmt.Errorf("decompress dataset: %w", err)
	}
	return raw, nil
}
