package iamdb

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/klauspost/compress/zstd"
)

// lazyDecoder is the decoder of a DB from LoadVerified, kept to decode
// each service's actions on first use. The lock serialises those decodes,
// which share the decoder's slabs, its arena and the zstd decoder.
type lazyDecoder struct {
	mu     sync.Mutex
	d      *decoder
	owned  bool         // the blocks in d's input are owned (see decode)
	frames *frameSource // the compressed blocks, or nil
	err    error        // the first failed decode (none for a file from Compress)
}

// frameSource holds the compressed actions blocks of a dataset file (see
// Compress) and what decompresses them.
type frameSource struct {
	frames [][]byte // one zstd frame per service
	extra  []byte   // the dictionary's frame, until decompressed
	// dict is the header, then (after the first decompress) the header
	// and the dictionary: the frames' raw zstd dictionary. Its capacity
	// leaves room for the dictionary after the header.
	dict []byte
	dec  *zstd.Decoder
	// plain, when not nil, is the decoder that decompressed the header,
	// kept for the dictionary's frame (neither uses a dictionary) and
	// closed after it.
	plain *zstd.Decoder
}

// decompress decompresses one service's block into dst (appending); the
// first call decompresses the dictionary.
func (f *frameSource) decompress(frame, dst []byte) ([]byte, error) {
	if f.dec == nil {
		var dict []byte
		var err error
		if f.plain != nil {
			dict, err = f.plain.DecodeAll(f.extra, f.dict)
			f.plain.Close()
			f.plain = nil
		} else {
			dict, err = decompress(f.extra, f.dict)
		}
		if err != nil {
			return nil, fmt.Errorf("decompress dataset dictionary: %w", err)
		}
		if f.dec, err = newDecoder(dict); err != nil {
			return nil, err
		}
		f.dict, f.extra = dict, nil
	}
	out, err := f.dec.DecodeAll(frame, dst)
	if err != nil {
		return nil, fmt.Errorf("decompress dataset: %w", err)
	}
	return out, nil
}

// close releases the zstd decoder, if any.
func (f *frameSource) close() {
	if f.dec != nil {
		f.dec.Close()
	}
	if f.plain != nil {
		f.plain.Close()
	}
}

// lazyActions locates one service's undecoded actions: n actions in an
// actions block of size bytes, either block itself or frame compressed.
type lazyActions struct {
	shared  *lazyDecoder
	n, size int
	block   []byte
	frame   []byte
}

// decodeActions decodes the service's actions (run once, by Actions).
// LoadVerified accepts only a file whose sha256 matched its manifest, so
// the bytes are as Compress wrote them and this cannot fail; if it did,
// the service would have no actions and the DB reports the error (LazyErr)
// rather than the program stopping.
func (s *Service) decodeActions() {
	l := s.lazy
	sh := l.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	d := sh.d
	blk, owned, err := l.block, sh.owned, error(nil)
	if l.frame != nil {
		blk, err = sh.blockOf(l)
		owned = true
	}
	if err == nil {
		err = d.block(s, blk, l.n, owned)
	}
	if err != nil {
		s.actions = nil
		if sh.err == nil {
			sh.err = fmt.Errorf("decoding the actions of %s: %w", s.Prefix, err)
		}
	}
}

// blockOf decompresses l's frame into a new buffer: from the arena when
// there is one and it has room (the block's strings then live there too),
// else from the heap.
func (sh *lazyDecoder) blockOf(l *lazyActions) ([]byte, error) {
	d := sh.d
	var buf []byte
	inArena := d.arena != nil && l.size > 0 && l.size <= len(d.arena)
	if inArena {
		buf = alloc[byte](d, l.size)[:0]
	} else {
		buf = make([]byte, 0, l.size)
	}
	out, err := sh.frames.decompress(l.frame, buf)
	if err != nil {
		return nil, err
	}
	if len(out) != l.size {
		return nil, fmt.Errorf("%w: the actions block is %d bytes, the header says %d", errTruncated, len(out), l.size)
	}
	if d.arena != nil && (!inArena || unsafe.SliceData(out) != unsafe.SliceData(buf)) {
		d.keep = append(d.keep, out) // on the heap, pointed to from the arena
	}
	return out, nil
}

// LazyErr returns the first error met while decoding a service's actions
// on first use (see LoadVerified), or nil. It is always nil for a dataset
// file written by this release's Compress.
func (db *DB) LazyErr() error {
	if db.lazy == nil {
		return nil
	}
	db.lazy.mu.Lock()
	defer db.lazy.mu.Unlock()
	return db.lazy.err
}
