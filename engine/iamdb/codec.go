package iamdb

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"unsafe"
)

// The compact binary encoding of a DB, version 4 (before zstd; see
// Compress for the file, which compresses its parts separately):
//
//	header:
//	  magic "PSDB" version(1 byte)
//	  manifest: uvarint length + JSON
//	  string table: uvarint count, count uvarint lengths, then the bytes
//	  services: uvarint count, then per service fields as string indexes,
//	  its resource types and condition keys, the number of its actions and
//	  the length in bytes of its actions block
//	then one actions block per service, in service order:
//	  its own string table (as above), then the actions, their fields as
//	  indexes into that table; an action's resource type also stores 1 +
//	  the index of the service's resource type it names (0 for none), so
//	  decoding links it directly
//
// Every string is stored once in its table, in first-use order, so the
// encoding is deterministic and decoding allocates one big string per
// table (none when the buffer is owned). Each block holds what decoding
// one service's actions needs, so a reader can decompress and decode the
// header alone and each service when it is first asked for.
//
// Version 3 (the single-frame file of earlier releases, which users may
// still have in ~/.policy-sentry) had one string table for everything and
// each service's actions inline; Decode and Load still read it.
const (
	magic         = "PSDB"
	formatVersion = 4
	// oldFormatVersion is the earlier encoding that is still read.
	oldFormatVersion = 3
)

// Encode returns the binary encoding of db (uncompressed).
func Encode(db *DB) ([]byte, error) {
	header, blocks, err := encodeParts(db)
	if err != nil {
		return nil, err
	}
	out := header
	for _, b := range blocks {
		out = append(out, b...)
	}
	return out, nil
}

// encodeParts returns the encoding's header and each service's actions
// block (Encode is their concatenation).
func encodeParts(db *DB) (header []byte, blocks [][]byte, err error) {
	e := &encoder{index: map[string]uint64{}}
	var body []byte
	body = binary.AppendUvarint(body, uint64(len(db.Services)))
	blocks = make([][]byte, 0, len(db.Services))
	for _, s := range db.Services {
		resIndex := make(map[string]int, len(s.Resources))
		for i, r := range s.Resources {
			if _, dup := resIndex[lower(r.Name)]; !dup {
				resIndex[lower(r.Name)] = i + 1
			}
		}
		body = e.str(body, s.Prefix)
		body = e.str(body, s.Name)
		body = e.str(body, s.AuthorizationURL)
		body = binary.AppendUvarint(body, uint64(len(s.Resources)))
		for _, r := range s.Resources {
			body = e.str(body, r.Name)
			body = e.str(body, r.ARN)
			body = e.strs(body, r.ConditionKeys)
		}
		body = binary.AppendUvarint(body, uint64(len(s.Conditions)))
		for _, c := range s.Conditions {
			body = e.str(body, c.Name)
			body = e.str(body, c.Description)
			body = e.str(body, c.Type)
		}
		actions := s.Actions()
		be := &encoder{index: map[string]uint64{}}
		var block []byte
		for _, a := range actions {
			block = be.str(block, a.Name)
			block = be.str(block, a.Description)
			block = append(block, byte(a.AccessLevel))
			block = be.str(block, a.DocURL)
			block = binary.AppendUvarint(block, uint64(len(a.Resources)))
			for _, r := range a.Resources {
				block = be.str(block, r.Name)
				var flags byte
				if r.Required {
					flags |= 1
				}
				block = append(block, flags)
				ref := 0
				if r.Name != "" {
					ref = resIndex[lower(r.Name)]
				}
				block = binary.AppendUvarint(block, uint64(ref))
				block = be.strs(block, r.ConditionKeys)
				block = be.strs(block, r.DependentActions)
			}
		}
		block = append(be.table(nil), block...)
		blocks = append(blocks, block)
		body = binary.AppendUvarint(body, uint64(len(actions)))
		body = binary.AppendUvarint(body, uint64(len(block)))
	}
	m := db.Manifest
	m.File, m.SHA256, m.Size = "", "", 0
	mj, err := json.Marshal(m)
	if err != nil {
		return nil, nil, fmt.Errorf("encode manifest: %w", err)
	}
	out := make([]byte, 0, len(body)+e.size+len(mj)+64)
	out = append(out, magic...)
	out = append(out, formatVersion)
	out = binary.AppendUvarint(out, uint64(len(mj)))
	out = append(out, mj...)
	out = e.table(out)
	return append(out, body...), blocks, nil
}

type encoder struct {
	strings []string
	index   map[string]uint64
	size    int
}

func (e *encoder) str(b []byte, s string) []byte {
	i, ok := e.index[s]
	if !ok {
		i = uint64(len(e.strings))
		e.index[s] = i
		e.strings = append(e.strings, s)
		e.size += len(s) + 2
	}
	return binary.AppendUvarint(b, i)
}

// table appends the string table: the count, each length, the bytes.
func (e *encoder) table(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(e.strings)))
	for _, s := range e.strings {
		b = binary.AppendUvarint(b, uint64(len(s)))
	}
	for _, s := range e.strings {
		b = append(b, s...)
	}
	return b
}

func (e *encoder) strs(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = e.str(b, s)
	}
	return b
}

// errTruncated is returned for input that ends early or has bad indexes.
var errTruncated = errors.New("truncated or corrupt dataset")

type decoder struct {
	b   []byte
	pos int
	err error

	// The string table: string i is all[offs[i]:offs[i+1]]. Offsets (4
	// bytes a string) instead of a []string (16) keep the load's memory,
	// and so its page faults in a fresh process, down.
	all  string
	offs []uint32

	// Slabs that small slices are carved from, so that decoding makes a
	// few large allocations instead of one per list.
	strSlab []string
	resSlab []ActionResource

	// Heap slabs of the header's resource types and their pointers.
	resObjSlab []Resource
	resPtrSlab []*Resource

	// arena, when not nil, is the rest of a LoadPermanent buffer: memory
	// outside the Go heap, never freed, that the actions, their resource
	// lists and string lists are carved from (see LoadPermanent). keep
	// lists the heap slices made when it ran out.
	arena []byte
	keep  []any
}

// alloc returns n zeroed Ts: from the arena when there is one and it has
// room, else from the heap (kept in d.keep when there is an arena, as
// arena memory may point to it).
func alloc[T any](d *decoder, n int) []T {
	var zero T
	size := uintptr(n) * unsafe.Sizeof(zero)
	if d.arena != nil && n > 0 && size <= uintptr(len(d.arena)) {
		s := unsafe.Slice((*T)(unsafe.Pointer(&d.arena[0])), n)
		size = (size + 7) &^ 7 // keep the next slice 8-byte aligned
		if size > uintptr(len(d.arena)) {
			size = uintptr(len(d.arena))
		}
		d.arena = d.arena[size:]
		return s
	}
	s := make([]T, n)
	if d.arena != nil && n > 0 {
		d.keep = append(d.keep, s)
	}
	return s
}

// carveHeap is carve for objects that must stay on the heap, even when
// there is an arena.
func carveHeap[T any](slab *[]T, n int) []T {
	if n == 0 {
		return []T{} // not nil, as make gives (no allocation)
	}
	if n > slabSize/16 {
		return make([]T, n)
	}
	if len(*slab) < n {
		*slab = make([]T, slabSize/4)
	}
	out := (*slab)[:n:n]
	*slab = (*slab)[n:]
	return out
}

// slabSize is how many elements a slab holds.
const slabSize = 4096

// carve returns a slice of n Ts carved from *slab, which is refilled
// with slabSize new ones when it runs short (a long list gets its own).
func carve[T any](d *decoder, slab *[]T, n int) []T {
	if n > slabSize/4 {
		return alloc[T](d, n)
	}
	if len(*slab) < n {
		*slab = alloc[T](d, slabSize)
	}
	out := (*slab)[:n:n]
	*slab = (*slab)[n:]
	return out
}

// stringSlice returns a slice of n strings carved from the slab.
func (d *decoder) stringSlice(n int) []string { return carve(d, &d.strSlab, n) }

// resourceSlice returns a slice of n ActionResources carved from the slab.
func (d *decoder) resourceSlice(n int) []ActionResource { return carve(d, &d.resSlab, n) }

// uvarint reads a varint; it reads the bytes itself (no nested calls on
// the usual path), as it runs about a million times per load.
func (d *decoder) uvarint() uint64 {
	var v uint64
	for shift, p := uint(0), d.pos; p < len(d.b) && shift < 64; shift, p = shift+7, p+1 {
		c := d.b[p]
		if c < 0x80 {
			d.pos = p + 1
			return v | uint64(c)<<shift
		}
		v |= uint64(c&0x7f) << shift
	}
	d.fail(fmt.Errorf("%w: bad varint at byte %d", errTruncated, d.pos))
	return 0
}

// fail records the first error; decoding goes on harmlessly (reads return
// zero values) and the caller checks d.err at the end of each service.
func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.pos = len(d.b)
}

func (d *decoder) byte() byte {
	if d.pos < len(d.b) {
		c := d.b[d.pos]
		d.pos++
		return c
	}
	d.fail(fmt.Errorf("%w at byte %d", errTruncated, d.pos))
	return 0
}

// count reads a list length and checks it against the bytes left, so a
// corrupt length cannot make the decoder allocate without bound.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)-d.pos) {
		d.fail(fmt.Errorf("%w: list of %d at byte %d", errTruncated, n, d.pos))
		return 0
	}
	return int(n)
}

// str reads a string-table index and returns the string; like uvarint, it
// reads the varint itself.
func (d *decoder) str() string {
	var i uint64
	for shift, p := uint(0), d.pos; p < len(d.b) && shift < 64; shift, p = shift+7, p+1 {
		c := d.b[p]
		if c < 0x80 {
			d.pos = p + 1
			if i |= uint64(c) << shift; i+1 < uint64(len(d.offs)) {
				return d.all[d.offs[i]:d.offs[i+1]]
			}
			d.fail(fmt.Errorf("%w: string %d out of range at byte %d", errTruncated, i, p))
			return ""
		}
		i |= uint64(c&0x7f) << shift
	}
	d.fail(fmt.Errorf("%w: bad varint at byte %d", errTruncated, d.pos))
	return ""
}

func (d *decoder) strs() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := d.stringSlice(n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

// action decodes one action of s into a.
func (d *decoder) action(s *Service, a *Action) {
	*a = Action{Name: d.str(), Description: d.str(), AccessLevel: AccessLevel(d.byte()), DocURL: d.str()}
	a.Resources = d.resourceSlice(d.count())
	for k := range a.Resources {
		r := &a.Resources[k]
		r.Name = d.str()
		r.Required = d.byte()&1 != 0
		if ref := d.uvarint(); ref > 0 && ref <= uint64(len(s.Resources)) {
			r.Resource = s.Resources[ref-1]
		} else if ref != 0 && d.err == nil {
			d.err = fmt.Errorf("%w: resource type reference %d out of range at byte %d", errTruncated, ref, d.pos)
		}
		r.ConditionKeys = d.strs()
		r.DependentActions = d.strs()
	}
	if d.err == nil && (a.AccessLevel < Read || a.AccessLevel > PermissionsManagement) {
		d.err = fmt.Errorf("%w: action %s:%s has access level %d", errTruncated, s.Prefix, a.Name, a.AccessLevel)
	}
}

// actions decodes the n actions of s (at d.pos) into s.actions.
func (d *decoder) actions(s *Service, n int) {
	s.actions = make([]*Action, n)
	actions := alloc[Action](d, n)
	for j := range s.actions {
		s.actions[j] = &actions[j]
		d.action(s, &actions[j])
		actions[j].Service = s
	}
}

// table reads a string table at d.pos into d.all and d.offs; owned says
// that d.all may point into d.b (see decode).
func (d *decoder) table(owned bool) error {
	n := d.count()
	d.offs = alloc[uint32](d, n+1) // in the arena when there is one: fewer fresh heap pages
	total := uint64(0)
	for i := 1; i <= n; i++ {
		l := d.uvarint()
		if l > uint64(len(d.b))-total || total+l > math.MaxUint32 {
			return fmt.Errorf("%w: string table", errTruncated)
		}
		total += l
		d.offs[i] = uint32(total)
	}
	if d.err != nil {
		return d.err
	}
	if total > uint64(len(d.b)-d.pos) {
		return fmt.Errorf("%w: string table", errTruncated)
	}
	switch {
	case total == 0:
		d.all = ""
	case owned:
		d.all = unsafe.String(&d.b[d.pos], int(total))
	default:
		d.all = string(d.b[d.pos : d.pos+int(total)])
	}
	d.pos += int(total)
	return nil
}

// block decodes the actions block of s (its n actions) from blk, with
// its own string table; the header's input and table are restored after.
func (d *decoder) block(s *Service, blk []byte, n int, owned bool) error {
	b, pos, all, offs := d.b, d.pos, d.all, d.offs
	defer func() { d.b, d.pos, d.all, d.offs = b, pos, all, offs }()
	d.b, d.pos, d.err = blk, 0, nil
	if err := d.table(owned); err != nil {
		return err
	}
	d.actions(s, n)
	if d.err == nil && d.pos != len(blk) {
		d.err = fmt.Errorf("%w: the actions of service %s end at byte %d of %d", errTruncated, s.Prefix, d.pos, len(blk))
	}
	return d.err
}

// Decode parses the binary encoding produced by Encode (or by the
// releases that wrote version 3) and indexes it.
func Decode(b []byte) (*DB, error) {
	return decode(b, false)
}

// decode is Decode; owned says that b is the caller's private buffer,
// never changed afterwards, so the strings may point into it instead of
// into a copy (Load owns the buffer it decompresses into).
func decode(b []byte, owned bool) (*DB, error) {
	return decodeArena(b, owned, nil, false)
}

// decodeArena is decode with an arena (see LoadPermanent): b must be
// owned, and outside the Go heap too when arena is not nil. When lazy, b
// must be owned and verified (see LoadVerified): each service's actions
// block is kept, to be decoded on first use (version 3 is decoded whole).
func decodeArena(b []byte, owned bool, arena []byte, lazy bool) (*DB, error) {
	return decodeFrames(b, owned, arena, lazy, nil)
}

// decodeFrames is decodeArena for a version 4 header whose services'
// actions blocks are still compressed: frames, when not nil, holds them
// (b is then the header alone) and lazy must be set; they are
// decompressed when first asked for, into the arena when there is one.
func decodeFrames(b []byte, owned bool, arena []byte, lazy bool, frames *frameSource) (*DB, error) {
	if len(b) < len(magic)+1 || string(b[:len(magic)]) != magic {
		return nil, errors.New("not a policy-sentry dataset (bad magic)")
	}
	switch v := b[len(magic)]; {
	case v == oldFormatVersion && frames == nil:
		return decodeV3(b, owned, arena)
	case v != formatVersion:
		return nil, fmt.Errorf("dataset format version %d is not supported (want %d or %d): the file was written by another release; rebuild it with this one (`make dataset`), or, if it is ~/.policy-sentry/iam.bin.zst, run `policy-sentry initialize` again", v, oldFormatVersion, formatVersion)
	}
	d := &decoder{b: b, pos: len(magic) + 1, arena: arena}
	m, err := d.manifest()
	if err != nil {
		return nil, err
	}
	if err := d.table(owned); err != nil {
		return nil, err
	}
	services := make([]*Service, d.count())
	all := make([]Service, len(services))
	type blockSize struct{ n, size int }
	sizes := make([]blockSize, len(services))
	for i := range services {
		s := &all[i]
		d.service(s)
		n, size := d.uvarint(), d.uvarint()
		if d.err != nil {
			return nil, d.err
		}
		if size > maxRaw || n > size {
			return nil, fmt.Errorf("%w: service %d has %d actions in %d bytes", errTruncated, i, n, size)
		}
		if strings.TrimSpace(s.Prefix) == "" {
			return nil, fmt.Errorf("%w: service %d has no prefix", errTruncated, i)
		}
		services[i], sizes[i] = s, blockSize{int(n), int(size)}
	}
	end := d.pos
	if frames != nil {
		if !lazy || len(frames.frames) != len(services) {
			return nil, fmt.Errorf("%w: %d compressed blocks for %d services", errTruncated, len(frames.frames), len(services))
		}
		if end != len(b) {
			return nil, fmt.Errorf("%w: %d trailing bytes after the header", errTruncated, len(b)-end)
		}
	} else {
		total := 0
		for _, z := range sizes {
			total += z.size
		}
		if rest := len(b) - end; total < rest {
			return nil, fmt.Errorf("%w: %d trailing bytes", errTruncated, rest-total)
		} else if total > rest {
			return nil, fmt.Errorf("%w: the actions blocks take %d bytes, only %d follow the header", errTruncated, total, rest)
		}
	}
	var shared *lazyDecoder
	if lazy {
		shared = &lazyDecoder{d: d, owned: owned, frames: frames}
	}
	for i, s := range services {
		z := sizes[i]
		switch {
		case frames != nil:
			s.lazy = &lazyActions{shared: shared, n: z.n, size: z.size, frame: frames.frames[i]}
		case lazy:
			s.lazy = &lazyActions{shared: shared, n: z.n, size: z.size, block: b[end : end+z.size]}
		default:
			if err := d.block(s, b[end:end+z.size], z.n, owned); err != nil {
				return nil, err
			}
		}
		end += z.size
	}
	return d.link(m, services, lazy, shared)
}

// manifest reads the manifest (at d.pos).
func (d *decoder) manifest() (Manifest, error) {
	mlen := d.count()
	if d.err != nil {
		return Manifest{}, d.err
	}
	m, err := DecodeManifest(d.b[d.pos : d.pos+mlen])
	if err != nil {
		return m, fmt.Errorf("dataset %w", err)
	}
	d.pos += mlen
	return m, nil
}

// service reads a service's names, resource types and condition keys.
func (d *decoder) service(s *Service) {
	*s = Service{Prefix: d.str(), Name: d.str(), AuthorizationURL: d.str()}
	// Resource types stay on the heap (they point to their compiled ARN
	// format, made later), in a few large slabs.
	s.Resources = carveHeap(&d.resPtrSlab, d.count())
	resources := carveHeap(&d.resObjSlab, len(s.Resources))
	for j := range s.Resources {
		resources[j] = Resource{Name: d.str(), ARN: d.str(), ConditionKeys: d.strs()}
		s.Resources[j] = &resources[j]
	}
	// Condition keys point to nothing but their strings, so they may lie
	// in the arena (see LoadPermanent); resource types may not, as they
	// point to their compiled ARN format on the heap.
	s.Conditions = alloc[*Condition](d, d.count())
	conditions := alloc[Condition](d, len(s.Conditions))
	for j := range s.Conditions {
		conditions[j] = Condition{Name: d.str(), Description: d.str(), Type: d.str()}
		s.Conditions[j] = &conditions[j]
	}
}

// link links the decoded services into a DB and checks the manifest's
// counts against them.
func (d *decoder) link(m Manifest, services []*Service, lazy bool, shared *lazyDecoder) (*DB, error) {
	src := m.Counts
	db := link(m, services, false, lazy)
	db.keep, db.lazy = d.keep, shared
	if src != (Counts{}) && src != db.Manifest.Counts {
		return nil, fmt.Errorf("%w: manifest counts %+v do not match data %+v", errTruncated, src, db.Manifest.Counts)
	}
	return db, nil
}

// decodeV3 decodes the version 3 encoding (one string table, each
// service's actions inline after their count and byte length), which
// earlier releases wrote; it is always decoded whole.
func decodeV3(b []byte, owned bool, arena []byte) (*DB, error) {
	d := &decoder{b: b, pos: len(magic) + 1, arena: arena}
	m, err := d.manifest()
	if err != nil {
		return nil, err
	}
	if err := d.table(owned); err != nil {
		return nil, err
	}
	services := make([]*Service, d.count())
	all := make([]Service, len(services))
	for i := range services {
		s := &all[i]
		d.service(s)
		n, size := d.count(), d.count()
		if d.err != nil {
			return nil, d.err
		}
		start := d.pos
		d.actions(s, n)
		if d.err == nil && d.pos != start+size {
			d.err = fmt.Errorf("%w: the actions of service %d end at byte %d, not %d", errTruncated, i, d.pos, start+size)
		}
		if d.err != nil {
			return nil, d.err
		}
		if strings.TrimSpace(s.Prefix) == "" {
			return nil, fmt.Errorf("%w: service %d has no prefix", errTruncated, i)
		}
		services[i] = s
	}
	if d.pos != len(b) {
		return nil, fmt.Errorf("%w: %d trailing bytes", errTruncated, len(b)-d.pos)
	}
	return d.link(m, services, false, nil)
}
