package audit

import "math/bits"

// actionSet is a set of actions as a bitset over the dataset's actions in
// name order (the rank in names.byRank): a union is an OR, a Deny an AND
// NOT, and walking the set yields sorted names. A whole-dataset set is
// about 2.4 KB.
type actionSet []uint64

func newActionSet(n int) actionSet { return make(actionSet, (n+63)/64) }

func (s actionSet) add(i int)      { s[i>>6] |= 1 << (uint(i) & 63) }
func (s actionSet) has(i int) bool { return s[i>>6]&(1<<(uint(i)&63)) != 0 }

func (s actionSet) or(t actionSet) {
	for i := range s {
		s[i] |= t[i]
	}
}

func (s actionSet) andNot(t actionSet) {
	for i := range s {
		s[i] &^= t[i]
	}
}

func (s actionSet) and(t actionSet) {
	for i := range s {
		s[i] &= t[i]
	}
}

func (s actionSet) clone() actionSet { return append(actionSet(nil), s...) }

func (s actionSet) count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

func (s actionSet) empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

// each calls f with every member, in rank (name) order.
func (s actionSet) each(f func(i int)) {
	for wi, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			f(wi<<6 | b)
			w &= w - 1
		}
	}
}

// rangeMask returns the bits of word w that lie in [lo, hi).
func rangeMask(w, lo, hi int) uint64 {
	start, end := w<<6, w<<6+64
	m := ^uint64(0)
	if lo > start {
		m &= ^uint64(0) << uint(lo-start)
	}
	if hi < end {
		m &= ^uint64(0) >> uint(end-hi)
	}
	return m
}

// countIn counts the members in [lo, hi).
func (s actionSet) countIn(lo, hi int) int {
	n := 0
	for w := lo >> 6; w<<6 < hi; w++ {
		n += bits.OnesCount64(s[w] & rangeMask(w, lo, hi))
	}
	return n
}

// anyIn reports whether a member lies in [lo, hi).
func (s actionSet) anyIn(lo, hi int) bool {
	for w := lo >> 6; w<<6 < hi; w++ {
		if s[w]&rangeMask(w, lo, hi) != 0 {
			return true
		}
	}
	return false
}

// subsetOf reports whether every member of s is in t.
func (s actionSet) subsetOf(t actionSet) bool {
	for i := range s {
		if s[i]&^t[i] != 0 {
			return false
		}
	}
	return true
}
