package audit

import "math/bits"

// riskSets are a policy's grants of the actions the lists and paths name,
// as small sets over the env's interest index (a few hundred bits, not
// the whole dataset): what the per-principal evaluation combines.
type riskSets struct {
	some, all, uncond, best, deny actionSet
	// denied is the policy's whole outright-Deny set (nil when empty),
	// for level findings, which name any action.
	denied actionSet
	// allowed is the policy's whole allowed set, kept only for policies
	// used as permissions boundaries.
	allowed actionSet
}

// buildInterest indexes every action the lists and paths name.
func (e *env) buildInterest(lists []*List) {
	e.interest = map[int]int{}
	e.interestRanks = nil
	e.interestMask = e.newSet()
	addRank := func(r int) {
		if _, ok := e.interest[r]; !ok {
			e.interest[r] = len(e.interestRanks)
			e.interestRanks = append(e.interestRanks, r)
			e.interestMask.add(r)
		}
	}
	for _, l := range lists {
		for _, m := range l.Methods {
			for _, name := range m.Actions {
				if a := e.db.Action(name); a != nil {
					addRank(e.rank(a))
				}
			}
		}
		for _, entry := range l.Actions {
			for _, a := range e.expand(entry.Action) {
				addRank(e.rank(a))
			}
		}
	}
}

func (e *env) newRiskSet() actionSet { return newActionSet(len(e.interestRanks)) }

// riskOf reduces a document's evaluation to its risk sets.
func (e *env) riskOf(ev *docEval) *riskSets {
	rs := &riskSets{some: e.newRiskSet(), all: e.newRiskSet(), uncond: e.newRiskSet(), best: e.newRiskSet(), deny: e.newRiskSet()}
	for w := range e.interestMask {
		hit := e.interestMask[w] & (ev.allowed[w] | ev.denied[w])
		for hit != 0 {
			b := bits.TrailingZeros64(hit)
			hit &= hit - 1
			r := w<<6 | b
			k := e.interest[r]
			if ev.denied.has(r) {
				rs.deny.add(k)
			}
			if !ev.allowed.has(r) {
				continue
			}
			rs.some.add(k)
			for i := range ev.allows {
				s := &ev.allows[i]
				if !s.some.has(r) {
					continue
				}
				all := s.all.has(r)
				if all {
					rs.all.add(k)
				}
				if !s.cond {
					rs.uncond.add(k)
					if all {
						rs.best.add(k)
					}
				}
			}
		}
	}
	if !ev.denied.empty() {
		rs.denied = ev.denied.clone() // ev's sets go back to the pool
	}
	return rs
}
