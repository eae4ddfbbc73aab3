// Package deflate reads and writes raw DEFLATE streams (RFC 1951, no
// zlib or gzip framing) in a few kilobytes of code: the web app's share
// links are deflated, and compress/flate costs the WebAssembly module
// 173 KB raw (21 KB brotli) for links of a few kilobytes.
//
// Decompress reads any DEFLATE stream (stored, fixed and dynamic Huffman
// blocks), so links written by compress/flate keep opening. Compress
// writes one block with the fixed Huffman codes after a greedy LZ77 match
// search over the 32 KiB window; its output is a valid stream for any
// DEFLATE reader (compress/flate, the browsers' DecompressionStream).
package deflate

import "errors"

// ErrCorrupt is returned for a stream that is not valid DEFLATE or ends
// before its final block.
var ErrCorrupt = errors.New("deflate: corrupt or truncated stream")

// ErrTooLarge is returned when the decompressed data would exceed the
// limit given to Decompress.
var ErrTooLarge = errors.New("deflate: decompressed data over the limit")

// The base and extra bits of the length codes 257..285 and of the
// distance codes 0..29 (RFC 1951, 3.2.5).
var (
	lengthBase  = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

// codeOrder is the order of the code length code lengths in a dynamic
// block's header.
var codeOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// huffman is a canonical Huffman code for decoding: the number of codes
// of each length and the symbols in code order.
type huffman struct {
	count  [16]uint16
	symbol []uint16
}

// build makes the code from the code length of each symbol (0: unused).
// An over-subscribed set of lengths is an error; an incomplete one is
// allowed (a stream never uses the missing codes, and a single distance
// code is incomplete by design), the missing codes decoding as errors.
func (h *huffman) build(lengths []uint8) error {
	h.count = [16]uint16{}
	for _, l := range lengths {
		h.count[l]++
	}
	h.count[0] = 0
	left := 1
	for l := 1; l < 16; l++ {
		left = left<<1 - int(h.count[l])
		if left < 0 {
			return ErrCorrupt
		}
	}
	var offs [16]uint16
	for l := 1; l < 15; l++ {
		offs[l+1] = offs[l] + h.count[l]
	}
	h.symbol = make([]uint16, offs[15]+h.count[15])
	for s, l := range lengths {
		if l != 0 {
			h.symbol[offs[l]] = uint16(s)
			offs[l]++
		}
	}
	return nil
}

// inflater holds the state of one Decompress.
type inflater struct {
	in    []byte
	pos   int    // next byte of in
	bits  uint32 // bits read from in, not used yet (low bits first)
	nbits uint
	out   []byte
	max   int
}

// need makes n (at most 24) bits available.
func (f *inflater) need(n uint) error {
	for f.nbits < n {
		if f.pos >= len(f.in) {
			return ErrCorrupt
		}
		f.bits |= uint32(f.in[f.pos]) << f.nbits
		f.pos++
		f.nbits += 8
	}
	return nil
}

// take reads n (at most 24) bits, the first one lowest.
func (f *inflater) take(n uint) (int, error) {
	if err := f.need(n); err != nil {
		return 0, err
	}
	v := int(f.bits & (1<<n - 1))
	f.bits >>= n
	f.nbits -= n
	return v, nil
}

// decode reads one symbol of h, bit by bit (codes are packed from their
// highest bit).
func (f *inflater) decode(h *huffman) (int, error) {
	code, first, index := 0, 0, 0
	for l := 1; l < 16; l++ {
		b, err := f.take(1)
		if err != nil {
			return 0, err
		}
		code |= b
		count := int(h.count[l])
		if code-first < count {
			return int(h.symbol[index+code-first]), nil
		}
		index += count
		first = (first + count) << 1
		code <<= 1
	}
	return 0, ErrCorrupt
}

// Decompress reads the raw DEFLATE stream in (bytes after its final block
// are ignored) and returns what it holds: ErrCorrupt for an invalid or
// truncated stream, ErrTooLarge if that is more than max bytes.
func Decompress(in []byte, max int) ([]byte, error) {
	f := &inflater{in: in, max: max}
	var lit, dist huffman
	for {
		final, err := f.take(1)
		if err != nil {
			return nil, err
		}
		typ, err := f.take(2)
		if err != nil {
			return nil, err
		}
		switch typ {
		case 0:
			err = f.stored()
		case 1:
			fixedCodes(&lit, &dist)
			err = f.codes(&lit, &dist)
		case 2:
			if err = f.dynamic(&lit, &dist); err == nil {
				err = f.codes(&lit, &dist)
			}
		default:
			err = ErrCorrupt
		}
		if err != nil {
			return nil, err
		}
		if final == 1 {
			return f.out, nil
		}
	}
}

// stored copies a stored block.
func (f *inflater) stored() error {
	f.bits, f.nbits = 0, 0 // to the byte boundary
	if f.pos+4 > len(f.in) {
		return ErrCorrupt
	}
	n := int(f.in[f.pos]) | int(f.in[f.pos+1])<<8
	if n^0xffff != int(f.in[f.pos+2])|int(f.in[f.pos+3])<<8 {
		return ErrCorrupt
	}
	f.pos += 4
	if f.pos+n > len(f.in) {
		return ErrCorrupt
	}
	if len(f.out)+n > f.max {
		return ErrTooLarge
	}
	f.out = append(f.out, f.in[f.pos:f.pos+n]...)
	f.pos += n
	return nil
}

// fixedCodes sets the codes of a fixed Huffman block (RFC 1951, 3.2.6).
func fixedCodes(lit, dist *huffman) {
	var l [288]uint8
	for i := range l {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	lit.build(l[:])
	var d [30]uint8
	for i := range d {
		d[i] = 5
	}
	dist.build(d[:])
}

// dynamic reads the codes of a dynamic Huffman block.
func (f *inflater) dynamic(lit, dist *huffman) error {
	nlen, err := f.take(5)
	if err != nil {
		return err
	}
	ndist, err := f.take(5)
	if err != nil {
		return err
	}
	ncode, err := f.take(4)
	if err != nil {
		return err
	}
	nlen, ndist, ncode = nlen+257, ndist+1, ncode+4
	if nlen > 286 || ndist > 30 {
		return ErrCorrupt
	}
	var lengths [286 + 30]uint8
	for i := 0; i < ncode; i++ {
		v, err := f.take(3)
		if err != nil {
			return err
		}
		lengths[codeOrder[i]] = uint8(v)
	}
	var lencode huffman
	if err := lencode.build(lengths[:19]); err != nil {
		return err
	}
	lengths = [286 + 30]uint8{}
	for i := 0; i < nlen+ndist; {
		sym, err := f.decode(&lencode)
		if err != nil {
			return err
		}
		if sym < 16 {
			lengths[i] = uint8(sym)
			i++
			continue
		}
		var v uint8
		var rep int
		switch sym {
		case 16:
			if i == 0 {
				return ErrCorrupt
			}
			v = lengths[i-1]
			rep, err = f.take(2)
			rep += 3
		case 17:
			rep, err = f.take(3)
			rep += 3
		default:
			rep, err = f.take(7)
			rep += 11
		}
		if err != nil {
			return err
		}
		if i+rep > nlen+ndist {
			return ErrCorrupt
		}
		for ; rep > 0; rep-- {
			lengths[i] = v
			i++
		}
	}
	if lengths[256] == 0 {
		return ErrCorrupt // no end-of-block code
	}
	if err := lit.build(lengths[:nlen]); err != nil {
		return err
	}
	return dist.build(lengths[nlen : nlen+ndist])
}

// codes decodes the data of a Huffman block up to its end-of-block code.
func (f *inflater) codes(lit, dist *huffman) error {
	for {
		sym, err := f.decode(lit)
		if err != nil {
			return err
		}
		if sym < 256 {
			if len(f.out) >= f.max {
				return ErrTooLarge
			}
			f.out = append(f.out, byte(sym))
			continue
		}
		if sym == 256 {
			return nil
		}
		sym -= 257
		if sym >= len(lengthBase) {
			return ErrCorrupt
		}
		extra, err := f.take(uint(lengthExtra[sym]))
		if err != nil {
			return err
		}
		n := int(lengthBase[sym]) + extra
		dsym, err := f.decode(dist)
		if err != nil {
			return err
		}
		if dsym >= len(distBase) {
			return ErrCorrupt
		}
		extra, err = f.take(uint(distExtra[dsym]))
		if err != nil {
			return err
		}
		d := int(distBase[dsym]) + extra
		if d > len(f.out) {
			return ErrCorrupt
		}
		if len(f.out)+n > f.max {
			return ErrTooLarge
		}
		for from := len(f.out) - d; n > 0; n-- { // byte by byte: d may be < n
			f.out = append(f.out, f.out[from])
			from++
		}
	}
}

// The LZ77 search: a hash of 3 bytes to the latest position that had it,
// each position to the previous one with the same hash, at most maxChain
// candidates per position, matches of 3 to 258 bytes up to 32 KiB back.
const (
	hashBits = 15
	maxChain = 128
	minMatch = 3
	maxMatch = 258
	window   = 32768
)

// bitWriter packs bits low first, as DEFLATE streams are read.
type bitWriter struct {
	out   []byte
	acc   uint64
	nbits uint
}

func (w *bitWriter) put(v uint32, n uint) {
	w.acc |= uint64(v) << w.nbits
	w.nbits += n
	for w.nbits >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nbits -= 8
	}
}

// putCode writes a Huffman code of n bits, highest bit first.
func (w *bitWriter) putCode(code uint32, n uint) {
	var r uint32
	for i := uint(0); i < n; i++ {
		r = r<<1 | code>>i&1
	}
	w.put(r, n)
}

// literal writes a symbol of the fixed literal/length code.
func (w *bitWriter) literal(sym int) {
	switch {
	case sym < 144:
		w.putCode(uint32(0x30+sym), 8)
	case sym < 256:
		w.putCode(uint32(0x190+sym-144), 9)
	case sym < 280:
		w.putCode(uint32(sym-256), 7)
	default:
		w.putCode(uint32(0xc0+sym-280), 8)
	}
}

// match writes a length n and distance d with the fixed codes.
func (w *bitWriter) match(n, d int) {
	k := len(lengthBase) - 1
	for int(lengthBase[k]) > n {
		k--
	}
	w.literal(257 + k)
	w.put(uint32(n-int(lengthBase[k])), uint(lengthExtra[k]))
	k = len(distBase) - 1
	for int(distBase[k]) > d {
		k--
	}
	w.putCode(uint32(k), 5)
	w.put(uint32(d-int(distBase[k])), uint(distExtra[k]))
}

// Compress deflates b into a raw DEFLATE stream: one fixed Huffman block
// (or stored blocks, if that is shorter). The output depends only on b.
func Compress(b []byte) []byte {
	w := &bitWriter{}
	w.put(1, 1) // final block
	w.put(1, 2) // fixed Huffman codes
	var head [1 << hashBits]int32
	for i := range head {
		head[i] = -1
	}
	prev := make([]int32, len(b))
	hash := func(i int) int {
		return int((uint32(b[i])<<16|uint32(b[i+1])<<8|uint32(b[i+2]))*2654435761) >> (32 - hashBits)
	}
	find := func(i int) (int, int) {
		best, dist := 0, 0
		limit := min(maxMatch, len(b)-i)
		for c, chain := head[hash(i)], 0; c >= 0 && i-int(c) <= window && chain < maxChain; c, chain = prev[c], chain+1 {
			n := 0
			for n < limit && b[int(c)+n] == b[i+n] {
				n++
			}
			if n > best {
				best, dist = n, i-int(c)
				if n == limit {
					break
				}
			}
		}
		return best, dist
	}
	insert := func(i int) {
		h := hash(i)
		prev[i] = head[h]
		head[h] = int32(i)
	}
	for i := 0; i < len(b); {
		if i+minMatch > len(b) {
			w.literal(int(b[i]))
			i++
			continue
		}
		n, d := find(i)
		insert(i)
		if n >= minMatch && n < maxMatch && i+1+minMatch <= len(b) {
			if n2, _ := find(i + 1); n2 > n { // a longer match one byte on
				w.literal(int(b[i]))
				i++
				continue
			}
		}
		if n < minMatch {
			w.literal(int(b[i]))
			i++
			continue
		}
		w.match(n, d)
		for j := i + 1; j < i+n && j+minMatch <= len(b); j++ {
			insert(j)
		}
		i += n
	}
	w.literal(256)
	if w.nbits > 0 { // the last bits, padded to a byte
		w.out = append(w.out, byte(w.acc))
	}
	if len(w.out) <= len(b)+5*(len(b)/0xffff+1) {
		return w.out
	}
	return stored(b)
}

// stored writes b as stored blocks of at most 65,535 bytes.
func stored(b []byte) []byte {
	var out []byte
	for {
		n := min(len(b), 0xffff)
		final := byte(0)
		if n == len(b) {
			final = 1
		}
		out = append(out, final, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
		out = append(out, b[:n]...)
		b = b[n:]
		if final == 1 {
			return out
		}
	}
}
