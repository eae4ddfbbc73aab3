package diff

// matcher caches pattern comparisons for one comparison: the same few
// patterns are compared for thousands of actions.
type matcher struct {
	cover   map[[2]string]bool
	overlap map[[2]string]bool
}

func newMatcher() *matcher {
	return &matcher{cover: map[[2]string]bool{}, overlap: map[[2]string]bool{}}
}

func (m *matcher) covers(sup, sub string) bool {
	if sup == "*" || sup == sub {
		return true
	}
	k := [2]string{sup, sub}
	v, ok := m.cover[k]
	if !ok {
		v = covers(sup, sub)
		m.cover[k] = v
	}
	return v
}

func (m *matcher) overlaps(p, q string) bool {
	if p == "*" || q == "*" || p == q {
		return true
	}
	k := [2]string{p, q}
	v, ok := m.overlap[k]
	if !ok {
		v = arnOverlaps(p, q)
		m.overlap[k] = v
	}
	return v
}
