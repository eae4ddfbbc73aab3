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
	return LoadBuffer(compressed, wantSHA256, nil)
}

// LoadBuffer is Load that decompresses into buf when its capacity is at
// least RawSize(compressed) (else into a new buffer). The DB's strings
// point into that memory, so the caller must never change or free buf
// afterwards. The native CLI passes memory that the kernel backs with
// huge pages, so the first load in a fresh process takes far fewer page
// faults.
func LoadBuffer(compressed []byte, wantSHA256 string, buf []byte) (*DB, error) {
	if wantSHA256 != "" {
		sum := sha256.Sum256(compressed)
		if got := hex.EncodeToString(sum[:]); got != wantSHA256 {
			return nil, fmt.Errorf("dataset sha256 is %s, the manifest says %s: the download is corrupt or stale, reload to fetch it again", got, wantSHA256)
		}
	}
	defer pauseGC()()
	raw, err := decompress(compressed, buf[:0])
	if err != nil {
		return nil, err
	}
	db, err := decode(raw, true) // raw is ours: strings may share it
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
