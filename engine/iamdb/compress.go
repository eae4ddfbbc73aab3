package iamdb

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/klauspost/compress/zstd"
	"github.com/leastpriv/policysentry/engine/internal/parallel"
)

// fileMagic starts a dataset file written by Compress (version 4 on);
// earlier releases wrote one zstd frame, which starts with the zstd magic number.
const fileMagic = "PSDZ"

// Compress returns the dataset file of db: Encode's header and each
// service's actions block compressed as separate zstd frames, so that a
// reader decompresses the header alone at start and a service's block
// when it is first asked for:
//
//	magic "PSDZ" version(1 byte)
//	uvarint size of the whole encoding (Encode's length)
//	uvarint frame count, then each frame's length in bytes
//	the frames: the header; the dictionary; then one per service, in
//	service order
//
// The services' frames are compressed with a raw zstd dictionary (ID 0,
// so not named in the frames): the header followed by the dictionary
// frame's content, which is the actions blocks of every dictStride-th
// service. The header holds the names, ARN formats and condition keys
// that actions repeat (and a reader has it in memory anyway); the sample
// blocks hold the phrases of descriptions and documentation links that
// recur from service to service, which separate frames would otherwise
// lose (measured on the real dataset: 717 KB without the sample, 660 KB
// with it, about 652 KB with every sixth service). The header and dictionary
// frames use no zstd dictionary: klauspost/compress decodes frames that
// use one with its generic code instead of its assembly (about half the
// speed natively), and every reader of a service decompresses the
// dictionary. The output is deterministic for the same db.
func Compress(db *DB) ([]byte, error) {
	header, blocks, err := encodeParts(db)
	if err != nil {
		return nil, err
	}
	var sample []byte
	for i := 0; i < len(blocks); i += dictStride {
		sample = append(sample, blocks[i]...)
	}
	frames := make([][]byte, 0, 2+len(blocks))
	enc, err := newEncoder(nil)
	if err != nil {
		return nil, err
	}
	frames = append(frames, enc.EncodeAll(header, nil), enc.EncodeAll(sample, nil))
	enc.Close()
	enc, err = newEncoder(append(header[:len(header):len(header)], sample...))
	if err != nil {
		return nil, err
	}
	defer enc.Close()
	size := len(header)
	for _, b := range blocks {
		frames = append(frames, enc.EncodeAll(b, nil))
		size += len(b)
	}
	out := append([]byte(fileMagic), formatVersion)
	out = binary.AppendUvarint(out, uint64(size))
	out = binary.AppendUvarint(out, uint64(len(frames)))
	for _, f := range frames {
		out = binary.AppendUvarint(out, uint64(len(f)))
	}
	for _, f := range frames {
		out = append(out, f...)
	}
	return out, nil
}

// dictStride picks the services whose actions blocks make the
// dictionary (see Compress).
const dictStride = 10

// newEncoder returns the zstd encoder of Compress, with dict as its raw
// dictionary when not nil.
func newEncoder(dict []byte) (*zstd.Encoder, error) {
	opts := []zstd.EOption{
		zstd.WithEncoderLevel(zstd.SpeedBestCompression),
		zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(1 << 23),
		zstd.WithZeroFrames(true),
	}
	if dict != nil {
		opts = append(opts, zstd.WithEncoderDictRaw(0, dict))
	}
	enc, err := zstd.NewWriter(nil, opts...)
	if err != nil {
		return nil, fmt.Errorf("zstd encoder: %w", err)
	}
	return enc, nil
}

// newDecoder returns a single-threaded zstd decoder (it behaves the same
// under WebAssembly), with dict as its raw dictionary when not nil.
func newDecoder(dict []byte) (*zstd.Decoder, error) {
	opts := []zstd.DOption{zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxRaw)}
	if dict != nil {
		opts = append(opts, zstd.WithDecoderDictRaw(0, dict))
	}
	dec, err := zstd.NewReader(nil, opts...)
	if err != nil {
		return nil, fmt.Errorf("zstd decoder: %w", err)
	}
	return dec, nil
}

// file is a parsed dataset file (see Compress).
type file struct {
	size   int      // of the whole encoding
	frames [][]byte // the header's, the dictionary's, then each service's
}

// IsFile reports whether b starts like a dataset file written by Compress
// (format version 4 and later; earlier files are plain zstd).
func IsFile(b []byte) bool { return bytes.HasPrefix(b, []byte(fileMagic)) }

// parseFile splits a dataset file into its frames.
func parseFile(b []byte) (file, error) {
	var f file
	if !IsFile(b) || len(b) < len(fileMagic)+1 {
		return f, errors.New("not a policy-sentry dataset file (bad magic)")
	}
	if v := b[len(fileMagic)]; v != formatVersion {
		return f, fmt.Errorf("dataset file format version %d is not supported (want %d): the file was written by another release; rebuild it with this one (`make dataset`), or, if it is ~/.policy-sentry/iam.bin.zst, run `policy-sentry initialize` again", v, formatVersion)
	}
	d := &decoder{b: b, pos: len(fileMagic) + 1}
	size := d.uvarint()
	n := d.count()
	lens := make([]uint64, n)
	total := uint64(0)
	for i := range lens {
		lens[i] = d.uvarint()
		total += lens[i]
		if lens[i] > uint64(len(b)) || total > uint64(len(b)) {
			return f, fmt.Errorf("%w: frame %d of %d bytes", errTruncated, i, lens[i])
		}
	}
	if d.err != nil {
		return f, d.err
	}
	if size > maxRaw || n < 2 {
		return f, fmt.Errorf("%w: %d frames for %d bytes", errTruncated, n, size)
	}
	if total != uint64(len(b)-d.pos) {
		return f, fmt.Errorf("%w: the frames take %d bytes, %d follow the frame table", errTruncated, total, len(b)-d.pos)
	}
	f.size, f.frames = int(size), make([][]byte, n)
	for i, l := range lens {
		f.frames[i] = b[d.pos : d.pos+int(l) : d.pos+int(l)]
		d.pos += int(l)
	}
	return f, nil
}

// Load decompresses and decodes a dataset file made by Compress (or by
// the releases that wrote format version 3), all of it: every frame is
// decompressed and every byte checked, so it suits a file of unknown
// origin. When wantSHA256 is not empty, the file's sha256 (hex) must
// equal it.
func Load(compressed []byte, wantSHA256 string) (*DB, error) {
	return load(compressed, wantSHA256, nil, false)
}

// LoadVerified is Load for a file whose sha256 the caller has checked
// against its manifest (with CheckSHA256, or with the same digest
// computed elsewhere, such as the browser's SubtleCrypto): the file is
// then known to be as Compress wrote it, so only its header frame is
// decompressed and decoded, and each service's frame is decompressed and
// its actions decoded when Service.Actions first asks for them (the first
// such call also decompresses the dictionary). Services, resource types,
// condition keys and the indexes are ready at once. The web app loads this
// way: its start-up decodes only the services that the first policy uses.
// Do not use it for a file of unknown origin: use Load, which checks all
// of it. A version 3 file is decoded whole.
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
// checking it (the native CLI's embedded dataset): the header is
// decompressed into mem, followed (on the first service's decode) by the
// dictionary, and each service's frame is decompressed and its actions
// decoded when Service.Actions first asks for them, as with LoadVerified,
// into the rest of mem as far as it goes (mem of RawSize(compressed) holds
// the header, the dictionary and more than a few services). A command that
// needs a few services decompresses and decodes only those.
func LoadPermanentVerified(compressed []byte, mem []byte) (*DB, error) {
	return load(compressed, "", mem[:0], true)
}

// PermanentSize returns the mem capacity that LoadPermanent needs for
// compressed: its decompressed size (RawSize) plus room for the actions,
// measured on the real dataset as a little over twice the decompressed
// size (what is never touched costs address space only).
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
	if !IsFile(compressed) {
		return loadSingle(compressed, mem)
	}
	f, err := parseFile(compressed)
	if err != nil {
		return nil, fmt.Errorf("decode dataset: %w", err)
	}
	// The header goes first into mem (or the heap). A lazy load keeps
	// room after it for the dictionary, which the first service's decode
	// decompresses there; a full load puts every block after it, so the
	// buffer is Encode's bytes.
	hsize, xsize := frameSize(f.frames[0]), frameSize(f.frames[1])
	need := f.size
	if lazy {
		need = hsize + xsize
	}
	var buf []byte
	inMem := mem != nil && hsize > 0 && need <= cap(mem)
	if inMem {
		buf = mem[:0:need]
	} else if hsize > 0 {
		buf = make([]byte, 0, need)
	}
	// One decoder for the frames without a dictionary: the header now
	// and, in a lazy load, the dictionary frame on the first service's
	// decode (a decoder's first use allocates its buffers: reusing it
	// spares a command that page-faulting).
	plain, err := newDecoder(nil)
	if err != nil {
		return nil, err
	}
	header, err := plain.DecodeAll(f.frames[0], buf)
	if err != nil {
		plain.Close()
		return nil, fmt.Errorf("decompress dataset: %w", err)
	}
	// arena returns the rest of mem after n bytes, when out was
	// decompressed in place.
	arena := func(out []byte, n int) []byte {
		if !inMem || len(out) == 0 || &out[0] != &mem[:1][0] {
			return nil
		}
		if start := (n + 7) &^ 7; start < cap(mem) {
			return mem[start:cap(mem)]
		}
		return nil
	}
	if lazy {
		frames := &frameSource{frames: f.frames[2:], extra: f.frames[1], dict: header, plain: plain}
		db, err := decodeFrames(header, true, arena(header, need), true, frames)
		if err != nil {
			frames.close()
			return nil, fmt.Errorf("decode dataset: %w", err)
		}
		return db, nil
	}
	plain.Close()
	raw, err := f.decompressBlocks(header)
	if err != nil {
		return nil, err
	}
	if len(raw) != f.size {
		return nil, fmt.Errorf("decode dataset: %w: %d bytes decompressed, the file says %d", errTruncated, len(raw), f.size)
	}
	db, err := decodeArena(raw, true, arena(raw, f.size), false) // raw is ours: strings may share it
	if err != nil {
		return nil, fmt.Errorf("decode dataset: %w", err)
	}
	return db, nil
}

// decompressBlocks appends every service's block to header (already
// decompressed), giving Encode's bytes. The dictionary goes into a
// temporary copy of the header, as the blocks follow the header.
//
// Each frame declares its decompressed size, so every block's place in
// the output is known before any is decompressed: the frames are
// decompressed in place on all cores (one decoder each; klauspost/compress
// decodes frames with a dictionary without its assembly, so this is most
// of a full load), and a frame whose output does not fill its place
// exactly is an error. The bytes are the same as one by one.
func (f file) decompressBlocks(header []byte) ([]byte, error) {
	dict := make([]byte, len(header), len(header)+frameSize(f.frames[1]))
	copy(dict, header)
	dict, err := decompress(f.frames[1], dict)
	if err != nil {
		return nil, fmt.Errorf("decompress dataset dictionary: %w", err)
	}
	blocks := f.frames[2:]
	// A small frame may not declare its size: those are decompressed
	// first, one by one (they are a few hundred bytes), to learn it.
	small := make([][]byte, len(blocks))
	var first *zstd.Decoder
	defer func() {
		if first != nil {
			first.Close()
		}
	}()
	offs := make([]int, len(blocks)+1)
	offs[0] = len(header)
	for i, fr := range blocks {
		n := frameSize(fr)
		if n == 0 {
			if first == nil {
				if first, err = newDecoder(dict); err != nil {
					return nil, err
				}
			}
			if small[i], err = first.DecodeAll(fr, []byte{}); err != nil {
				return nil, fmt.Errorf("decompress dataset: service frame %d: %w", i, err)
			}
			n = len(small[i])
		}
		if n > f.size {
			return nil, fmt.Errorf("decompress dataset: %w: service frame %d declares %d bytes, the file %d", errTruncated, i, n, f.size)
		}
		offs[i+1] = offs[i] + n
	}
	if offs[len(blocks)] != f.size {
		return nil, fmt.Errorf("decompress dataset: %w: the frames declare %d bytes, the file says %d", errTruncated, offs[len(blocks)], f.size)
	}
	raw := header
	if cap(raw) < f.size {
		raw = make([]byte, len(header), f.size)
		copy(raw, header)
	}
	raw = raw[:f.size]
	workers := parallel.Workers(len(blocks), 32)
	decs := make([]*zstd.Decoder, workers)
	errs := make([]error, len(blocks))
	parallel.Do(len(blocks), workers, func(w, i int) {
		if decs[w] == nil {
			if decs[w], errs[i] = newDecoder(dict); errs[i] != nil {
				return
			}
		}
		if small[i] != nil {
			copy(raw[offs[i]:offs[i+1]], small[i])
			return
		}
		slot := raw[offs[i]:offs[i]:offs[i+1]]
		out, err := decs[w].DecodeAll(blocks[i], slot)
		switch {
		case err != nil:
			errs[i] = fmt.Errorf("decompress dataset: service frame %d: %w", i, err)
		case len(out) != offs[i+1]-offs[i] || (len(out) > 0 && &out[0] != &raw[:offs[i]+1][offs[i]]):
			errs[i] = fmt.Errorf("decompress dataset: %w: service frame %d gives %d bytes, it declares %d", errTruncated, i, len(out), offs[i+1]-offs[i])
		}
	})
	for _, d := range decs {
		if d != nil {
			d.Close()
		}
	}
	for _, err := range errs {
		if err != nil {
			return nil, err // the first frame's, whatever the schedule
		}
	}
	return raw, nil
}

// loadSingle loads a file of one zstd frame, as releases before format
// version 4 wrote (always decoded whole).
func loadSingle(compressed []byte, mem []byte) (*DB, error) {
	var raw []byte
	var arena []byte
	if n := frameSize(compressed); mem != nil && n > 0 && n <= cap(mem) {
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
	db, err := decodeArena(raw, true, arena, false) // raw is ours: strings may share it
	if err != nil {
		return nil, fmt.Errorf("decode dataset: %w", err)
	}
	return db, nil
}

// RawSize returns the size of the whole encoding that a dataset file
// declares (for a file of one zstd frame, as earlier releases wrote, the
// size its frame header declares), or 0 when it declares none.
func RawSize(compressed []byte) int {
	if IsFile(compressed) {
		f, err := parseFile(compressed)
		if err != nil {
			return 0
		}
		return f.size
	}
	return frameSize(compressed)
}

// frameSize returns the decompressed size that a zstd frame header
// declares, or 0 when it declares none.
func frameSize(frame []byte) int {
	var h zstd.Header
	if h.Decode(frame) != nil || !h.HasFCS || h.FrameContentSize > maxRaw {
		return 0
	}
	return int(h.FrameContentSize)
}

// maxRaw caps the decompressed size.
const maxRaw = 256 << 20

// Decompress returns the binary encoding (Encode's bytes) of a dataset
// file, or undoes zstd compression of anything else (single-threaded, so
// it behaves the same under WebAssembly). The output is capped at 256 MiB.
func Decompress(compressed []byte) ([]byte, error) {
	if !IsFile(compressed) {
		return decompress(compressed, nil)
	}
	f, err := parseFile(compressed)
	if err != nil {
		return nil, err
	}
	header, err := decompress(f.frames[0], make([]byte, 0, f.size))
	if err != nil {
		return nil, err
	}
	return f.decompressBlocks(header)
}

// decompress undoes zstd compression, appending to dst.
func decompress(compressed, dst []byte) ([]byte, error) {
	dec, err := newDecoder(nil)
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	raw, err := dec.DecodeAll(compressed, dst)
	if err != nil {
		return nil, fmt.Errorf("decompress dataset: %w", err)
	}
	return raw, nil
}
