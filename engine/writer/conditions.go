package writer

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
	"github.com/leastpriv/policysentry/engine/template"
)

// clause is one template condition clause, checked, with what the
// writer learnt while attaching it.
type clause struct {
	template.Clause
	// section is the block's section ("" for condition:).
	section string
	// block is the block's template key, for messages.
	block string
	// known: the key's type is known (a global key, or the dataset's).
	known bool
	// supported and unsupported are the actions in the clause's scope
	// that support the key and those that do not.
	supported, unsupported map[string]bool
}

// conditions is the writer's state for a template with condition blocks.
type conditions struct {
	clauses []*clause
	// matchers are the clauses' key matchers.
	matchers []*condition.KeyMatcher
	// supports caches, per action string of a statement, whether it
	// supports each clause's key.
	supports map[string][]bool
	// sigs caches the Condition element of each signature.
	sigs map[string]Condition
	// sigOf caches signature per section and action.
	sigOf map[[2]string]string
}

// initConditions checks the template's condition clauses: operator
// against the key's type, values against the operator (warnings, at the
// clause or value), and the mistakes IAM rejects or that make a
// condition never match (errors, so the written policy validates with no
// ERROR).
func (b *builder) initConditions(blocks []template.ConditionBlock) {
	if len(blocks) == 0 {
		return
	}
	c := &conditions{supports: map[string][]bool{}, sigs: map[string]Condition{}, sigOf: map[[2]string]string{}}
	for _, blk := range blocks {
		for _, tc := range blk.Clauses {
			cl := &clause{Clause: tc, section: blk.Section, block: template.ConditionKey(blk.Section),
				supported: map[string]bool{}, unsupported: map[string]bool{}}
			if b.checkClause(cl) {
				c.clauses = append(c.clauses, cl)
				c.matchers = append(c.matchers, condition.NewKeyMatcher(cl.Key))
			}
		}
	}
	b.conds = c
}

// checkClause checks one clause; false when it is an error.
func (b *builder) checkClause(cl *clause) bool {
	where := cl.block + ": " + cl.Key
	op, err := condition.ParseOperator(cl.Operator)
	if err != nil {
		b.problem(cl.Pos, "INVALID_CONDITION_OPERATOR", "%s: %v", cl.block, err)
		return false
	}
	kt, known := condition.LookupKey(b.db, cl.Key)
	cl.known = known
	ok := true
	if known && kt.Type != condition.Unknown {
		if !condition.Fits(op.Base.Type, kt.Type) {
			b.warn(cl.Pos, "TYPE_MISMATCH", "%s: the operator %s compares %s values, but %s is of type %s", where, op.Text, op.Base.Type, cl.Key, kt)
		}
		if op.Base.Type != condition.Null && kt.MultiValued && op.Set == condition.Single {
			b.problem(cl.Pos, "MISSING_QUALIFIER", "%s: the key is multivalued (%s): use ForAnyValue:%s or ForAllValues:%s", where, kt, op.Text, op.Text)
			ok = false
		}
		if op.Base.Type != condition.Null && !kt.MultiValued && op.Set == condition.ForAllValues {
			b.warn(cl.Pos, "FORALLVALUES_WITH_SINGLE_VALUED_KEY", "%s: ForAllValues on a single-valued key is true when the key is absent, so it allows more than intended: drop the qualifier", where)
		}
	}
	t := op.Base.Type
	lk := strings.ToLower(cl.Key)
	var sawTrue, sawFalse bool
	private, public := 0, 0
	for _, v := range cl.Values {
		s := v.Value
		if strings.Contains(s, "${") {
			if strings.Count(s, "${") > strings.Count(s, "}") {
				b.problem(v.Pos, "MISSING_BRACE_IN_VARIABLE", "%s: %q opens a policy variable with ${ but does not close it with }", where, s)
				ok = false
			} else if t != condition.String && t != condition.ARN {
				b.problem(v.Pos, "INVALID_VARIABLE_FOR_OPERATOR", "%s: %q holds a policy variable, which %s cannot take: only String and ARN operators resolve variables", where, s, op.Text)
				ok = false
			}
			continue
		}
		if err := condition.CheckValue(t, s); err != nil {
			b.warn(v.Pos, valueCode(t), "%s: %v: the %s operator needs %s values", where, err, op.Text, t)
			continue
		}
		literal := !(op.Base.Like && strings.ContainsAny(s, "*?"))
		switch {
		case t == condition.Bool || t == condition.Null:
			if strings.EqualFold(s, "true") {
				sawTrue = true
			} else {
				sawFalse = true
			}
		case t == condition.String && lk == "aws:requestedregion" && literal && !condition.IsRegion(s):
			b.problem(v.Pos, "INVALID_REGION", "%s: %q is not a Region name (for example eu-west-1)", where, s)
			ok = false
		case t == condition.String && lk == "aws:sourcevpc" && literal && !condition.IsVPCID(s):
			b.problem(v.Pos, "INVALID_VPC_FORMAT", "%s: %q is not a VPC ID (vpc- and 8 or 17 hexadecimal digits)", where, s)
			ok = false
		case t == condition.String && lk == "aws:sourcevpce" && literal && !condition.IsVPCEndpointID(s):
			b.problem(v.Pos, "INVALID_VPCE_FORMAT", "%s: %q is not a VPC endpoint ID (vpce- and 8 or 17 hexadecimal digits)", where, s)
			ok = false
		case t == condition.IPAddress && lk == "aws:sourceip":
			if p, err := condition.ParseIPRange(s); err == nil && condition.PrivateRange(p) {
				private++
			} else {
				public++
			}
		}
	}
	if sawTrue && sawFalse {
		b.problem(cl.Pos, "INVALID_CONDITION_MULTIPLE_BOOLEAN", "%s: lists both true and false, which always matches when the key is present: keep one", where)
		ok = false
	}
	if private > 0 && public == 0 {
		b.problem(cl.Pos, "PRIVATE_IP_ADDRESS", "%s: aws:SourceIp is the requester's public address, so private ranges alone never match (or, under NotIpAddress, always match): use aws:VpcSourceIp for addresses inside a VPC", where)
		ok = false
	}
	return ok
}

// valueCode is the Access Analyzer code for a value not of type t.
func valueCode(t condition.Type) string {
	switch t {
	case condition.Bool, condition.Null:
		return "TYPE_MISMATCH_BOOLEAN"
	case condition.Date:
		return "TYPE_MISMATCH_DATE"
	case condition.IPAddress:
		return "TYPE_MISMATCH_IP_RANGE"
	case condition.Numeric:
		return "TYPE_MISMATCH_NUMBER"
	}
	return "TYPE_MISMATCH_STRING"
}

// supported returns, for an action string of a statement, whether it
// supports each clause's key: every action it stands for (a pattern, from
// skip-resource-constraints, for each action it matches) must, and one
// that stands for none supports nothing.
func (c *conditions) supported(db *iamdb.DB, name string) []bool {
	if v, ok := c.supports[name]; ok {
		return v
	}
	var acts []*iamdb.Action
	if strings.ContainsAny(name, "*?") {
		acts = expandPattern(db, name)
	} else if a := db.Action(name); a != nil {
		acts = []*iamdb.Action{a}
	}
	v := make([]bool, len(c.clauses))
	for i, m := range c.matchers {
		v[i] = len(acts) > 0
		for _, a := range acts {
			if !m.Supports(a) {
				v[i] = false
				break
			}
		}
	}
	c.supports[name] = v
	return v
}

// part is one statement of a group after splitting by conditions.
type part struct {
	sid     string
	actions []string
	cond    Condition
}

// partition splits a group's actions (exclusions applied) by the set of
// clauses each supports: actions that support the same clauses share a
// statement with those conditions. An action that the template grants
// from several sections (a dependent action in MultMultNone) is granted
// under each section's conditions, leaving out sets that another makes
// redundant (a grant with fewer conditions includes one with more).
func (b *builder) partition(g *group, actions []string, used map[string]bool) []part {
	c := b.conds
	if c == nil || len(c.clauses) == 0 {
		return []part{{sid: g.sid, actions: actions}}
	}
	type sig = string
	var order []sig
	members := map[sig][]string{}
	for _, a := range actions {
		sections := g.origin[a]
		if len(sections) == 0 {
			sections = []string{g.section}
		}
		var sigs []sig
		for _, sec := range sections {
			sigs = append(sigs, b.signature(a, sec))
		}
		for _, s := range minimalSigs(sigs) {
			if _, ok := members[s]; !ok {
				order = append(order, s)
			}
			members[s] = append(members[s], a)
		}
	}
	parts := make([]part, 0, len(order))
	for i, s := range order {
		sid := g.sid
		if i > 0 {
			for n := i + 1; ; n++ {
				sid = g.sid + strconv.Itoa(n)
				if !used[sid] && b.bySid[sid] == nil {
					break
				}
			}
		}
		used[sid] = true
		parts = append(parts, part{sid: sid, actions: members[s], cond: b.conditionOf(s)})
	}
	return parts
}

// signature is the set of clauses that apply to an action granted from a
// section and that it supports, as a string of 0s and 1s; it also counts
// support per clause for the warnings.
func (b *builder) signature(action, section string) string {
	c := b.conds
	if sig, ok := c.sigOf[[2]string{section, action}]; ok {
		return sig
	}
	sup := c.supported(b.db, action)
	sig := make([]byte, len(c.clauses))
	for i, cl := range c.clauses {
		sig[i] = '0'
		if cl.section != "" && cl.section != section {
			continue
		}
		if sup[i] {
			sig[i] = '1'
			cl.supported[action] = true
			continue
		}
		cl.unsupported[action] = true
	}
	c.sigOf[[2]string{section, action}] = string(sig)
	return string(sig)
}

// minimalSigs drops the signatures that include another (their grant is
// part of the other's) and duplicates.
func minimalSigs(sigs []string) []string {
	var out []string
	for i, s := range sigs {
		redundant := false
		for j, t := range sigs {
			if i != j && includes(s, t) && (s != t || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, s)
		}
	}
	return out
}

// includes reports whether signature s has every clause t has.
func includes(s, t string) bool {
	for i := range t {
		if t[i] == '1' && s[i] != '1' {
			return false
		}
	}
	return true
}

// conditionOf builds the Condition element of a signature: operators and
// keys as written (a key given twice in different case is one key),
// values in template order without duplicates.
func (b *builder) conditionOf(sig string) Condition {
	if c, ok := b.conds.sigs[sig]; ok {
		return c
	}
	c := b.buildCondition(sig)
	b.conds.sigs[sig] = c
	return c
}

// buildCondition is conditionOf without the cache.
func (b *builder) buildCondition(sig string) Condition {
	var out Condition
	for i, cl := range b.conds.clauses {
		if sig[i] != '1' {
			continue
		}
		if out == nil {
			out = Condition{}
		}
		keys := out[cl.Operator]
		if keys == nil {
			keys = map[string][]string{}
			out[cl.Operator] = keys
		}
		key := cl.Key
		for k := range keys {
			if strings.EqualFold(k, key) {
				key = k
			}
		}
		for _, v := range cl.Values {
			if !contains(keys[key], v.Value) {
				keys[key] = append(keys[key], v.Value)
			}
		}
	}
	return out
}

// warnConditions reports, after the statements are written, each clause
// no action in its scope supports (left out everywhere) and each that
// only some support (the others are granted without it).
func (b *builder) warnConditions() {
	if b.conds == nil {
		return
	}
	clauses := slices.Clone(b.conds.clauses)
	sort.SliceStable(clauses, func(i, j int) bool { return clauses[i].Pos.Offset < clauses[j].Pos.Offset })
	for _, cl := range clauses {
		where := cl.block + ": " + cl.Key
		switch {
		case len(cl.supported) == 0 && len(cl.unsupported) == 0:
			b.warn(cl.Pos, CodeConditionNoStatement, "%s: no statement of the policy comes from %s, so the condition is not used", where, scopeName(cl))
		case len(cl.supported) == 0:
			msg := fmt.Sprintf("%s: no action %s supports this condition key, so it is left out: those statements are granted without it", where, scopeOf(cl))
			if !cl.known {
				msg = fmt.Sprintf("%s: not a condition key of AWS's global keys or of the dataset, so it is left out: those statements are granted without it", where)
				if near := b.nearestKeys(cl.Key); len(near) > 0 {
					msg += "; did you mean " + strings.Join(near, ", ") + "?"
				}
			}
			b.warn(cl.Pos, CodeConditionKeyNotSupported, "%s", msg)
		case len(cl.unsupported) > 0 && condition.IsGlobal(cl.Key):
			// A service's key is meant for its actions that have it
			// (iam:PassedToService for iam:PassRole); a global key's
			// partial support is worth saying.
			names := slices.Sorted(maps.Keys(cl.unsupported))
			list := strings.Join(firstN(names, 3), ", ")
			if len(names) > 3 {
				list += fmt.Sprintf(" and %d more", len(names)-3)
			}
			b.warn(cl.Pos, CodeConditionKeyPartlySupported, "%s: %d of the %d actions %s support this condition key and carry it; these do not, and are granted without it: %s",
				where, len(cl.supported), len(cl.supported)+len(cl.unsupported), scopeOf(cl), list)
		}
	}
}

func scopeName(cl *clause) string {
	if cl.section == "" {
		return "the template"
	}
	return cl.section
}

func scopeOf(cl *clause) string {
	if cl.section == "" {
		return "of the policy"
	}
	return "granted from " + cl.section
}

// nearestKeys suggests condition keys near an unknown one: global keys,
// and the keys of the service it names.
func (b *builder) nearestKeys(name string) []string {
	cands := condition.GlobalNames()
	prefix, _, _ := strings.Cut(name, ":")
	if s := b.db.Service(prefix); s != nil {
		for _, c := range s.Conditions {
			cands = append(cands, c.Name)
		}
	}
	near := suggest.Nearest(name, cands, 3)
	sort.Strings(near)
	return near
}
