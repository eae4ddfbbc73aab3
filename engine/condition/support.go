package condition

import (
	"net/netip"
	"regexp"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// TemplateStart returns where the variable part of a templated dataset
// condition key begins, or -1. The dataset writes the variable part as
// ${TagKey}, <key>, tag-key or nothing ("glacier:ResourceTag/").
func TemplateStart(k string) int {
	if i := strings.Index(k, "${"); i > 0 {
		return i
	}
	if i := strings.Index(k, "<"); i > 0 {
		return i
	}
	if i := strings.LastIndexByte(k, '/'); i > 0 {
		switch strings.ToLower(k[i+1:]) {
		case "", "tag-key", "tagkey", "key":
			return i + 1
		}
	}
	return -1
}

// KeyMatches reports whether a condition key named in a policy is the
// dataset key k (case-insensitive; a templated key takes any non-empty
// suffix: aws:ResourceTag/team is aws:ResourceTag/${TagKey}).
func KeyMatches(k, name string) bool {
	if i := TemplateStart(k); i > 0 {
		return len(name) > i && strings.EqualFold(name[:i], k[:i])
	}
	return strings.EqualFold(k, name)
}

// ActionListsKey reports whether the dataset lists the condition key for
// the action: among its own keys or its resource types' keys.
func ActionListsKey(a *iamdb.Action, name string) bool {
	for _, r := range a.Resources {
		for _, ck := range r.ConditionKeys {
			if KeyMatches(ck, name) {
				return true
			}
		}
		if r.Resource != nil {
			for _, ck := range r.Resource.ConditionKeys {
				if KeyMatches(ck, name) {
					return true
				}
			}
		}
	}
	return false
}

// listedPerAction are the global keys that AWS sets only for the actions
// (and resource types) that support them, which the dataset lists: the
// tag keys of attribute-based access control.
var listedPerAction = []string{"aws:resourcetag/", "aws:requesttag/", "aws:tagkeys"}

// describesResource are the global keys that describe the resource a
// request is on, so an action without a resource type has none to
// describe.
var describesResource = []string{"aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths"}

// ActionSupports reports whether a condition key applies to the action:
// the dataset lists it for the action or its resource types; or it is a
// global key, which every action supports, except the tag keys (only the
// actions the dataset lists them for) and the keys describing the
// resource (only actions that have a resource type). To test many
// actions against one key, use a KeyMatcher.
func ActionSupports(a *iamdb.Action, name string) bool {
	return NewKeyMatcher(name).Supports(a)
}

// KeyMatcher answers ActionSupports for one condition key and many
// actions, remembering which dataset keys match it (the dataset repeats
// the same key strings over thousands of actions). It is not safe for
// concurrent use.
type KeyMatcher struct {
	name string
	// everyAction: a global key every action supports; withResource:
	// one every action with a resource type supports.
	everyAction, withResource bool
	matches                   map[string]bool
}

// NewKeyMatcher returns the matcher of a condition key.
func NewKeyMatcher(name string) *KeyMatcher {
	m := &KeyMatcher{name: name, matches: map[string]bool{}}
	if IsGlobal(name) && LookupGlobal(name) != nil {
		m.everyAction = true
		l := strings.ToLower(name)
		for _, p := range listedPerAction {
			if strings.HasPrefix(l, p) {
				m.everyAction = false
			}
		}
		for _, k := range describesResource {
			if l == k {
				m.everyAction, m.withResource = false, true
			}
		}
	}
	return m
}

// Supports reports whether the key applies to the action (see
// ActionSupports).
func (m *KeyMatcher) Supports(a *iamdb.Action) bool {
	switch {
	case m.everyAction:
		return true
	case m.withResource:
		return !a.WildcardOnly()
	}
	for _, r := range a.Resources {
		if m.anyMatch(r.ConditionKeys) || (r.Resource != nil && m.anyMatch(r.Resource.ConditionKeys)) {
			return true
		}
	}
	return false
}

func (m *KeyMatcher) anyMatch(keys []string) bool {
	for _, k := range keys {
		v, ok := m.matches[k]
		if !ok {
			v = KeyMatches(k, m.name)
			m.matches[k] = v
		}
		if v {
			return true
		}
	}
	return false
}

// ServiceKey finds a service's condition key by name (case-insensitive;
// templated keys take a non-empty suffix), or nil.
func ServiceKey(s *iamdb.Service, name string) *iamdb.Condition {
	if c := s.Condition(name); c != nil && TemplateStart(c.Name) < 0 {
		return c
	}
	for _, c := range s.Conditions {
		if TemplateStart(c.Name) > 0 && KeyMatches(c.Name, name) {
			return c
		}
	}
	return nil
}

// LookupKey returns a condition key's type: a global key's from AWS's
// list, a service key's from the dataset. ok is false for a key neither
// knows.
func LookupKey(db *iamdb.DB, name string) (KeyType, bool) {
	if g := LookupGlobal(name); g != nil {
		return g.Type, true
	}
	prefix, _, _ := strings.Cut(name, ":")
	if db == nil {
		return KeyType{}, false
	}
	if s := db.Service(prefix); s != nil {
		if c := ServiceKey(s, name); c != nil {
			return ParseKeyType(c.Type), true
		}
	}
	return KeyType{}, false
}

var (
	regionRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	vpcRe    = regexp.MustCompile(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`)
	vpceRe   = regexp.MustCompile(`^vpce-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

// IsRegion reports whether s is a Region name (eu-west-1).
func IsRegion(s string) bool { return regionRe.MatchString(s) }

// IsVPCID reports whether s is a VPC ID (vpc- and 8 or 17 hex digits).
func IsVPCID(s string) bool { return vpcRe.MatchString(s) }

// IsVPCEndpointID reports whether s is a VPC endpoint ID (vpce- and 8 or
// 17 hex digits).
func IsVPCEndpointID(s string) bool { return vpceRe.MatchString(s) }

var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("fc00::/7"),
}

// PrivateRange reports whether an IP range lies inside a private range
// (RFC 1918, or unique local IPv6), which aws:SourceIp never holds.
func PrivateRange(p netip.Prefix) bool {
	for _, r := range privateRanges {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}
