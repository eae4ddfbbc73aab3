package iamdb

import (
	"fmt"
	"sync"
)

// lazyDecoder is the decoder of a DB from LoadVerified, kept to decode
// each service's actions on first use. The lock serialises those decodes,
// which share the decoder's slabs.
type lazyDecoder struct {
	mu  sync.Mutex
	d   *decoder
	err error // the first failed decode (none for a file from Encode)
}

// lazyActions locates one service's undecoded actions: n actions in the
// bytes [start, end) of the decoder's input.
type lazyActions struct {
	shared     *lazyDecoder
	start, end int
	n          int
}

// decodeActions decodes the service's actions (run once, by Actions).
// LoadVerified accepts only a file whose sha256 matched its manifest, so
// the bytes are as Encode wrote them and this cannot fail; if it did, the
// service would have no actions and the DB reports the error (LazyErr)
// rather than the program stopping.
func (s *Service) decodeActions() {
	l := s.lazy
	sh := l.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	d := sh.d
	all := d.b
	d.b, d.pos, d.err = all[:l.end], l.start, nil
	defer func() { d.b = all }()
	d.actions(s, l.n)
	if d.err == nil && d.pos != l.end {
		d.err = fmt.Errorf("%w: the actions of service %s end at byte %d, not %d", errTruncated, s.Prefix, d.pos, l.end)
	}
	if d.err != nil {
		s.actions = nil
		if sh.err == nil {
			sh.err = fmt.Errorf("decoding the actions of %s: %w", s.Prefix, d.err)
		}
	}
}

// LazyErr returns the first error met while decoding a service's actions
// on first use (see LoadVerified), or nil. It is always nil for a dataset
// file written by this release's Encode.
func (db *DB) LazyErr() error {
	if db.lazy == nil {
		return nil
	}
	db.lazy.mu.Lock()
	defer db.lazy.mu.Unlock()
	return db.lazy.err
}
