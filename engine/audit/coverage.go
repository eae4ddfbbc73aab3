package audit

import (
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// Coverage says how much of an action's resources a statement's Resource
// (or NotResource) reaches, decided from the action's resource types and
// their ARN formats in the dataset.
type Coverage uint8

// Coverages, from least to most.
const (
	// CoverNone: no ARN of the action's resource types matches, so the
	// statement grants nothing for the action.
	CoverNone Coverage = iota
	// CoverSome: some ARNs match (a constrained grant).
	CoverSome
	// CoverAll: every ARN of the action's resource types matches (in the
	// partition, account and Region the pattern names, if it names them):
	// the grant is as wide as Resource "*".
	CoverAll
)

// String is none, some or all.
func (c Coverage) String() string {
	switch c {
	case CoverAll:
		return "all"
	case CoverSome:
		return "some"
	}
	return "none"
}

// token is one element of a glob or an ARN format: a literal byte, a
// wildcard (*), one character (?), or a placeholder (${...}).
type token struct {
	kind byte // 'l' literal, '*' any run, '?' one character, 'v' placeholder
	b    byte // the literal, lower-cased
	// noColon marks a format placeholder that never contains ':' (every
	// placeholder but free-form names such as S3 object keys); noSlash one
	// that never contains '/' either (header fields, bucket names, ids).
	noColon, noSlash bool
}

// placeholderToken classifies a format placeholder such as ${BucketName}.
func placeholderToken(name string, header bool) token {
	t := token{kind: 'v', noColon: true}
	switch {
	case strings.Contains(name, "Object"):
		t.noColon = false
	case header, name == "BucketName", strings.HasSuffix(name, "Id"):
		t.noSlash = true
	}
	return t
}

// patternTokens tokenizes a policy Resource pattern. A policy variable
// (${aws:username}) becomes a 'v' token: it may stand for any value when
// deciding whether the pattern reaches a resource type, and for a single
// unknown value when deciding whether it covers all of them.
func patternTokens(p string) []token {
	var out []token
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '*':
			out = append(out, token{kind: '*'})
		case c == '?':
			out = append(out, token{kind: '?'})
		case c == '$' && i+1 < len(p) && p[i+1] == '{':
			if end := strings.IndexByte(p[i:], '}'); end > 0 {
				out = append(out, token{kind: 'v'})
				i += end
				continue
			}
			out = append(out, token{kind: 'l', b: c})
		default:
			out = append(out, token{kind: 'l', b: lowerByte(c)})
		}
	}
	return out
}

// formatTokens tokenizes an ARN format, substituting the pattern's
// partition, Region and account fields for the format's placeholders when
// the pattern names them literally (the scope the pattern chooses).
func formatTokens(format string, patFields []string) []token {
	return appendFormatTokens(nil, format, patFields)
}

// appendFormatTokens appends formatTokens(format, patFields) to out.
func appendFormatTokens(out []token, format string, patFields []string) []token {
	// The pattern's fields line up with the format's only up to a field
	// ending in "*" (AWS: "if the * wildcard is the last character of a
	// resource ARN segment, it can expand to match beyond the colon
	// boundaries") or holding a variable: later fields of the pattern may
	// be any of the format's ("*:/:*").
	for i, pf := range patFields {
		if strings.HasSuffix(pf, "*") || strings.Contains(pf, "$") {
			patFields = patFields[:i]
			break
		}
	}
	// The fields of strings.SplitN(format, ":", 6), without the slice.
	rest := format
	for fi := 0; ; fi++ {
		f, last := rest, true
		if fi < 5 {
			if i := strings.IndexByte(rest, ':'); i >= 0 {
				f, rest, last = rest[:i], rest[i+1:], false
			}
		}
		if fi > 0 {
			out = append(out, token{kind: 'l', b: ':'})
		}
		header := fi < 5
		if header && fi < len(patFields) && isPlaceholder(f) && isLiteral(patFields[fi]) {
			f = patFields[fi]
		}
		for i := 0; i < len(f); i++ {
			c := f[i]
			if c == '$' && i+1 < len(f) && f[i+1] == '{' {
				if end := strings.IndexByte(f[i:], '}'); end > 0 {
					out = append(out, placeholderToken(f[i+2:i+end], header))
					i += end
					continue
				}
			}
			if c == '*' {
				out = append(out, token{kind: 'v'})
				continue
			}
			out = append(out, token{kind: 'l', b: lowerByte(c)})
		}
		if last {
			return out
		}
	}
}

func isPlaceholder(f string) bool {
	return strings.HasPrefix(f, "${") && strings.HasSuffix(f, "}") && strings.Count(f, "${") == 1
}

func isLiteral(f string) bool { return f != "" && !strings.ContainsAny(f, "*?$") }

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// dp is a memoized comparison of a pattern with a format; the memo of
// small comparisons lives in buf (no allocation).
type dp struct {
	p, t []token
	memo []int8
	buf  [2048]int8
}

func (d *dp) reset(p, t []token) {
	d.p, d.t = p, t
	n := (len(p) + 1) * (len(t) + 1)
	if n <= len(d.buf) {
		d.memo = d.buf[:n]
		clear(d.memo)
	} else {
		d.memo = make([]int8, n)
	}
}

// covers reports whether the pattern matches every string the format
// stands for: format placeholders can only be absorbed by the pattern's
// wildcards.
func covers(p, t []token) bool {
	var d dp
	d.reset(p, t)
	return d.covers(0, 0)
}

func (d *dp) covers(i, j int) bool {
	p, t := d.p, d.t
	k := i*(len(t)+1) + j
	if d.memo[k] != 0 {
		return d.memo[k] > 0
	}
	var ok bool
	switch {
	case i == len(p):
		ok = j == len(t)
	case p[i].kind == '*':
		ok = d.covers(i+1, j) || (j < len(t) && d.covers(i, j+1))
	case j == len(t) || t[j].kind == 'v':
		ok = false
	case p[i].kind == '?':
		ok = d.covers(i+1, j+1)
	case p[i].kind == 'l':
		ok = p[i].b == t[j].b && d.covers(i+1, j+1)
	}
	d.memo[k] = -1
	if ok {
		d.memo[k] = 1
	}
	return ok
}

// intersects reports whether some string matches both the pattern and the
// format. It errs towards true (placeholders may be empty, policy
// variables match anything), so "no intersection" is a safe claim.
func intersects(p, t []token) bool {
	var d dp
	d.reset(p, t)
	return d.intersects(0, 0)
}

func (d *dp) intersects(i, j int) bool {
	p, t := d.p, d.t
	k := i*(len(t)+1) + j
	if d.memo[k] != 0 {
		return d.memo[k] > 0
	}
	d.memo[k] = -1
	pStar := i < len(p) && (p[i].kind == '*' || p[i].kind == 'v')
	tVar := j < len(t) && t[j].kind == 'v'
	var ok bool
	switch {
	case i == len(p) && j == len(t):
		ok = true
	case pStar && d.intersects(i+1, j):
		ok = true
	case pStar && j < len(t) && d.intersects(i, j+1):
		ok = true
	case tVar && d.intersects(i, j+1):
		ok = true
	case tVar && i < len(p) && !pStar && varTakes(t[j], p[i]) && d.intersects(i+1, j):
		ok = true
	case i < len(p) && j < len(t) && !pStar && !tVar:
		ok = (p[i].kind == '?' || p[i].b == t[j].b) && d.intersects(i+1, j+1)
	}
	if ok {
		d.memo[k] = 1
	}
	return ok
}

// varTakes reports whether a format placeholder can stand for the
// pattern's character.
func varTakes(v, c token) bool {
	if c.kind != 'l' {
		return true
	}
	return !(v.noColon && c.b == ':') && !(v.noSlash && c.b == '/')
}

// matchesStar reports whether a pattern matches the literal resource "*",
// which is what AWS checks for actions without resource types.
func matchesStar(p string) bool { return iamdb.GlobLower(strings.ToLower(p), "*") }

// patternCoverage decides how much of one resource type a pattern reaches.
// A resource type without a known ARN format is reached by any pattern
// and covered only by one matching "*".
func patternCoverage(p string, r *iamdb.Resource) Coverage {
	var c coverer
	return c.coverage(c.pattern(p), r)
}

// coverer decides pattern coverages with reused buffers: a pattern's
// tokens and fields once per pattern, a format's tokens once per
// resource type, and one comparison memo (patternCoverage allocated
// these on every call, 5 KB each, a third of an analysis's allocations).
// It is not safe for concurrent use.
type coverer struct {
	d        dp
	patterns map[string]*patternInfo
	loose    map[*iamdb.Resource][]token
	tt       []token
}

// patternInfo is what patternCoverage reads of a pattern, once.
type patternInfo struct {
	p string
	// all: the pattern matches "*" with no '?' after its leading stars.
	all bool
	// otherSvc is the service the pattern names literally, when its
	// partition and "arn" fields are literal too ("" otherwise).
	otherSvc string
	tokens   []token
	fields   []string // strings.SplitN(p, ":", 6)
}

// pattern returns the pattern's information, cached.
func (c *coverer) pattern(p string) *patternInfo {
	if pi, ok := c.patterns[p]; ok {
		return pi
	}
	pi := &patternInfo{p: p, all: matchesStar(p) && !strings.ContainsAny(strings.TrimLeft(p, "*"), "?")}
	if !pi.all {
		if f := strings.SplitN(p, ":", 4); len(f) == 4 && !strings.ContainsAny(f[0]+f[1]+f[2], "*?$") {
			pi.otherSvc = f[2]
		}
		pi.tokens = patternTokens(p)
		pi.fields = strings.SplitN(p, ":", 6)
	}
	if c.patterns == nil {
		c.patterns = map[string]*patternInfo{}
	}
	c.patterns[p] = pi
	return pi
}

// coverage is patternCoverage for a pattern read by c.pattern.
func (c *coverer) coverage(pi *patternInfo, r *iamdb.Resource) Coverage {
	if pi.all {
		return CoverAll
	}
	if r == nil || r.ARN == "" || r.ARN == "*" || strings.Count(r.ARN, ":") < 5 {
		return CoverSome
	}
	// A pattern that names another service reaches nothing of this one.
	if pi.otherSvc != "" {
		if svc := r.Format().Service; svc != "" && !strings.EqualFold(pi.otherSvc, svc) {
			return CoverNone
		}
	}
	c.tt = appendFormatTokens(c.tt[:0], r.ARN, pi.fields)
	c.d.reset(pi.tokens, c.tt)
	if c.d.covers(0, 0) {
		return CoverAll
	}
	loose, ok := c.loose[r]
	if !ok {
		loose = formatTokens(r.ARN, nil)
		if c.loose == nil {
			c.loose = map[*iamdb.Resource][]token{}
		}
		c.loose[r] = loose
	}
	c.d.reset(pi.tokens, loose)
	if c.d.intersects(0, 0) {
		return CoverSome
	}
	return CoverNone
}

// scopeOf names the account and Region a pattern fixes (for explanations):
// "account 123456789012, Region us-east-1", or "".
func scopeOf(p string) string {
	f := strings.SplitN(p, ":", 6)
	var parts []string
	if len(f) > 4 && isLiteral(f[4]) {
		parts = append(parts, "account "+f[4])
	}
	if len(f) > 3 && isLiteral(f[3]) {
		parts = append(parts, "Region "+f[3])
	}
	return strings.Join(parts, ", ")
}

// resourceCoverage decides how much of an action's resources a list of
// Resource patterns reaches (not: a NotResource list), using the env's
// cache of (pattern, resource type) decisions.
func (e *env) resourceCoverage(a *iamdb.Action, patterns []string, not bool) Coverage {
	if a.WildcardOnly() {
		hit := false
		for _, p := range patterns {
			if matchesStar(p) {
				hit = true
			}
		}
		if hit != not {
			return CoverAll
		}
		return CoverNone
	}
	var required, any bool
	for _, r := range a.Resources {
		if r.Name != "" && r.Required {
			required = true
		}
	}
	// With required resource types, every one of them must be covered;
	// without, the types are alternatives and covering one is enough.
	allRequired, anyAll := true, false
	for _, ar := range a.Resources {
		if ar.Name == "" {
			continue
		}
		c := CoverNone
		for _, p := range patterns {
			pc := e.patternCoverage(p, ar.Resource)
			if pc > c {
				c = pc
			}
		}
		if not {
			c = CoverAll - c
		}
		if c > CoverNone {
			any = true
		}
		if c == CoverAll {
			anyAll = true
		} else if ar.Required {
			allRequired = false
		}
	}
	switch {
	case required && allRequired, !required && anyAll:
		return CoverAll
	case any:
		return CoverSome
	}
	return CoverNone
}

type covKey struct {
	pattern string
	r       *iamdb.Resource
}

func (e *env) patternCoverage(p string, r *iamdb.Resource) Coverage {
	k := covKey{p, r}
	if c, ok := e.coverage[k]; ok {
		return c
	}
	c := e.cover.coverage(e.cover.pattern(p), r)
	e.coverage[k] = c
	return c
}
