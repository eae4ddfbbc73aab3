package diff

import (
	"math/bits"
	"slices"
	"strings"
	"sync"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// bitset is a set of action indexes.
type bitset []uint64

func (b *bitset) set(i int) {
	for len(*b) <= i/64 {
		*b = append(*b, 0)
	}
	(*b)[i/64] |= 1 << (i % 64)
}

func (b *bitset) clear(i int) {
	if i/64 < len(*b) {
		(*b)[i/64] &^= 1 << (i % 64)
	}
}

func (b bitset) has(i int) bool { return i/64 < len(b) && b[i/64]&(1<<(i%64)) != 0 }

func (b bitset) word(w int) uint64 {
	if w < len(b) {
		return b[w]
	}
	return 0
}

// universe is every action of a dataset, with lower-case full names, each
// service's index range, and each action's ARN globs; computed once per DB
// (a DB does not change once loaded).
type universe struct {
	lowerNames []string // "service:action", lower-case
	fullNames  []string // "service:Action", the dataset's spelling
	byLower    map[string]int
	services   []svcRange
	// globs[i] are action i's resource ARN formats as globs; globKey[i]
	// numbers distinct glob lists.
	globs     [][]string
	globKey   []int
	globParts [][]arnParts
}

type svcRange struct {
	prefix     string // lower-case
	start, end int
}

func (u *universe) n() int { return len(u.lowerNames) }

var universes sync.Map // *iamdb.DB → *universe

func universeOf(db *iamdb.DB) *universe {
	if u, ok := universes.Load(db); ok {
		return u.(*universe)
	}
	u := &universe{byLower: map[string]int{}}
	keyIDs := map[string]int{}
	formats := map[*iamdb.Resource]string{}
	for _, s := range db.Services {
		r := svcRange{prefix: strings.ToLower(s.Prefix), start: len(u.lowerNames)}
		for _, a := range s.Actions() {
			full := s.Prefix + ":" + a.Name
			lower := strings.ToLower(full)
			u.byLower[lower] = len(u.lowerNames)
			u.fullNames = append(u.fullNames, full)
			u.lowerNames = append(u.lowerNames, lower)
			gl := actionGlobs(a, formats)
			k := strings.Join(gl, "\n")
			id, ok := keyIDs[k]
			if !ok {
				id = len(keyIDs) + 1
				keyIDs[k] = id
			}
			u.globs = append(u.globs, gl)
			u.globKey = append(u.globKey, id)
			parts := make([]arnParts, len(gl))
			for k, g := range gl {
				parts[k] = splitARN(g)
			}
			u.globParts = append(u.globParts, parts)
		}
		r.end = len(u.lowerNames)
		u.services = append(u.services, r)
	}
	v, _ := universes.LoadOrStore(db, u)
	return v.(*universe)
}

// actionGlobs returns the action's resource ARN formats with placeholders
// read as *, or, for an action without resource types, any ARN of its
// service.
func actionGlobs(a *iamdb.Action, formats map[*iamdb.Resource]string) []string {
	var out []string
	for _, r := range a.Resources {
		if r.Resource == nil || r.Resource.ARN == "" {
			continue
		}
		f, ok := formats[r.Resource]
		if !ok {
			f = placeholder.ReplaceAllString(r.Resource.ARN, "*")
			formats[r.Resource] = f
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		out = []string{"arn:*:" + a.Service.Prefix + ":*:*:*"}
	}
	return out
}

// space is the actions of one comparison: the dataset's, then the
// literal action names the policies use that the dataset lacks.
type space struct {
	u          *universe
	extraLower []string
	extraFull  []string
	extraIdx   map[string]int
	patterns   map[string]int
	patParts   []arnParts
}

func newSpace(db *iamdb.DB) *space {
	return &space{u: universeOf(db), extraIdx: map[string]int{}, patterns: map[string]int{}}
}

// intern numbers a resource pattern, so per-pattern answers can be cached
// by number.
func (sp *space) intern(p string) int {
	id, ok := sp.patterns[p]
	if !ok {
		id = len(sp.patterns)
		sp.patterns[p] = id
		sp.patParts = append(sp.patParts, splitARN(p))
	}
	return id
}

// arnParts is an ARN pattern split once: its six fields, or nil when it
// is not a six-field ARN (then it is compared whole).
type arnParts struct {
	whole string
	segs  []string
}

func splitARN(p string) arnParts {
	s := strings.SplitN(p, ":", 6)
	if len(s) < 6 {
		s = nil
	}
	return arnParts{whole: p, segs: s}
}

// overlapParts is arnOverlaps on split patterns: the service field first,
// the cheapest to rule a pair out.
func overlapParts(a, b arnParts) bool {
	if a.segs == nil || b.segs == nil {
		return overlaps(a.whole, b.whole)
	}
	if !overlaps(a.segs[2], b.segs[2]) {
		return false
	}
	for i := range a.segs {
		if i != 2 && !overlaps(a.segs[i], b.segs[i]) {
			return false
		}
	}
	return true
}

func (sp *space) n() int { return sp.u.n() + len(sp.extraLower) }

func (sp *space) lower(i int) string {
	if i < sp.u.n() {
		return sp.u.lowerNames[i]
	}
	return sp.extraLower[i-sp.u.n()]
}

func (sp *space) full(i int) string {
	if i < sp.u.n() {
		return sp.u.fullNames[i]
	}
	return sp.extraFull[i-sp.u.n()]
}

// globs returns the ARN globs of action i; nil for a literal action the
// dataset lacks (every pattern applies to it).
func (sp *space) globs(i int) []string {
	if i < sp.u.n() {
		return sp.u.globs[i]
	}
	return nil
}

func (sp *space) globKey(i int) int {
	if i < sp.u.n() {
		return sp.u.globKey[i]
	}
	return 0
}

// all returns a bitset of every dataset action.
func (sp *space) all() bitset {
	n := sp.u.n()
	b := make(bitset, (n+63)/64)
	for i := range b {
		b[i] = ^uint64(0)
	}
	if r := n % 64; r != 0 {
		b[len(b)-1] = (1 << r) - 1
	}
	return b
}

// literal returns the index of an action name the dataset lacks, adding it.
func (sp *space) literal(name string) int {
	k := strings.ToLower(name)
	if i, ok := sp.extraIdx[k]; ok {
		return i
	}
	i := sp.n()
	sp.extraIdx[k] = i
	sp.extraLower = append(sp.extraLower, k)
	sp.extraFull = append(sp.extraFull, name)
	return i
}

// forEach calls f with the index of every action the pattern matches
// (case-insensitive, * and ?), literal actions included, and returns how
// many it matched.
func (sp *space) forEach(pattern string, f func(int)) int {
	p := strings.ToLower(pattern)
	n := 0
	if !strings.ContainsAny(p, "*?") {
		if i, ok := sp.u.byLower[p]; ok {
			f(i)
			return 1
		}
		if i, ok := sp.extraIdx[p]; ok {
			f(i)
			return 1
		}
		return 0
	}
	svcPat, actPat, hasColon := strings.Cut(p, ":")
	for _, r := range sp.u.services {
		if hasColon && !iamdb.GlobLower(svcPat, r.prefix) {
			continue
		}
		for i := r.start; i < r.end; i++ {
			name := sp.u.lowerNames[i]
			if (hasColon && iamdb.GlobLower(actPat, name[len(r.prefix)+1:])) || (!hasColon && iamdb.GlobLower(p, name)) {
				f(i)
				n++
			}
		}
	}
	for i, name := range sp.extraLower {
		if iamdb.GlobLower(p, name) {
			f(sp.u.n() + i)
			n++
		}
	}
	return n
}

// class is a set of actions that every grant of every set names alike,
// with the same ARN formats: they get the same answers.
type class struct {
	members []int
	// allow[k] and deny[k] are set k's grants for the class.
	allow, deny [][]*grant
}

// classes partitions the actions named by any grant of the sets into
// classes, in action order of their first member.
func classes(sp *space, sets ...*grantSet) []*class {
	var all []*grant
	for _, s := range sets {
		all = append(all, s.allows...)
		all = append(all, s.denies...)
	}
	byKey := map[string]*class{}
	var out []*class
	var key []byte
	var active []*grant
	words := (sp.n() + 63) / 64
	for w := 0; w < words; w++ {
		active = active[:0]
		var any uint64
		for _, g := range all {
			if x := g.acts.word(w); x != 0 {
				active = append(active, g)
				any |= x
			}
		}
		for any != 0 {
			bit := bits.TrailingZeros64(any)
			any &^= 1 << bit
			i := w*64 + bit
			key = key[:0]
			for _, g := range active {
				if g.acts.word(w)&(1<<bit) != 0 {
					key = appendInt(key, g.id)
				}
			}
			key = append(key, '|')
			key = appendInt(key, sp.globKey(i))
			if i >= sp.u.n() {
				key = append(key, '#')
				key = appendInt(key, i)
			}
			c := byKey[string(key)]
			if c == nil {
				c = &class{}
				for _, s := range sets {
					var al, dl []*grant
					for _, g := range s.allows {
						if g.acts.has(i) {
							al = append(al, g)
						}
					}
					for _, g := range s.denies {
						if g.acts.has(i) {
							dl = append(dl, g)
						}
					}
					c.allow = append(c.allow, al)
					c.deny = append(c.deny, dl)
				}
				byKey[string(key)] = c
				out = append(out, c)
			}
			c.members = append(c.members, i)
		}
	}
	return out
}

func appendInt(b []byte, v int) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v), ',')
}
