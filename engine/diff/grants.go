package diff

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
)

// StatementRef names a statement in a report: its policy, Sid or index,
// and where it starts.
type StatementRef struct {
	Policy string `json:"policy"`
	// Label is the Sid, or "Statement[i]".
	Label  string `json:"statement"`
	Index  int    `json:"index"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

func (r StatementRef) String() string {
	return fmt.Sprintf("%s %s (%d:%d)", r.Policy, r.Label, r.Line, r.Column)
}

// grant is what one statement gives (Allow) or takes (Deny) for one
// action.
type grant struct {
	// not: patterns are NotResource (everything except them).
	not        bool
	patterns   []string
	principals []string // nil in identity policies
	conds      []clause
	stmt       *StatementRef
	// id is unique within a comparison; actions with the same grants are
	// judged once (see classes).
	id int
	// acts are the actions the statement names; notActions its NotAction
	// patterns, when it has them.
	acts       bitset
	notActions []string
	// pids are the patterns' interned IDs (see space.intern).
	pids []int
	// units caches units(g).
	units []unit
}

// grantSet is a policy set's statements as grants, each with the set of
// actions it names (a bitset over the comparison's action space).
type grantSet struct {
	allows, denies []*grant
}

// build turns documents into grants over the action space sp. Action
// patterns are matched against the dataset; an exact action the dataset
// lacks joins the space under its own name, so that adding or removing it
// still shows.
func build(sp *space, docs []*policy.Document, nextID *int) (*grantSet, error) {
	gs := &grantSet{}
	for _, d := range docs {
		for i := range d.Statement {
			s := &d.Statement[i]
			conds, err := parseConditions(s.Condition)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", d.Name, s.Label(), err)
			}
			princ, err := principals(s)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", d.Name, s.Label(), err)
			}
			*nextID++
			g := &grant{id: *nextID, conds: conds, principals: princ, stmt: &StatementRef{Policy: d.Name, Label: s.Label(), Index: s.Index, Line: s.Line, Column: s.Column}}
			if len(s.NotResource) > 0 {
				g.not, g.patterns = true, sortedSet(s.NotResource)
			} else {
				g.patterns = sortedSet(s.Resource)
				if len(g.patterns) == 0 {
					// A resource policy may omit Resource only where the
					// resource is implied; treat as every resource.
					g.patterns = []string{"*"}
				}
			}
			for _, p := range g.patterns {
				g.pids = append(g.pids, sp.intern(p))
			}
			if len(s.NotAction) > 0 {
				g.notActions = s.NotAction
				g.acts = sp.all()
				for _, p := range s.NotAction {
					sp.forEach(p, g.acts.clear)
				}
			} else {
				for _, p := range s.Action {
					if n := sp.forEach(p, g.acts.set); n == 0 && !strings.ContainsAny(p, "*?") {
						g.acts.set(sp.literal(p))
					}
				}
			}
			if s.Effect == "Deny" {
				gs.denies = append(gs.denies, g)
			} else {
				gs.allows = append(gs.allows, g)
			}
		}
	}
	return gs, nil
}

// finish gives NotAction grants the literal actions that joined the space
// after them and that their patterns do not exclude.
func (gs *grantSet) finish(sp *space) {
	for _, list := range [][]*grant{gs.allows, gs.denies} {
		for _, g := range list {
			if g.notActions == nil {
				continue
			}
			for i := sp.u.n(); i < sp.n(); i++ {
				if !slices.ContainsFunc(g.notActions, func(p string) bool { return iamdb.GlobLower(strings.ToLower(p), sp.lower(i)) }) {
					g.acts.set(i)
				}
			}
		}
	}
}

func sortedSet(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

// principals reads a statement's Principal (or NotPrincipal, which with
// Allow grants everyone but the list: treated as "*") as "Type:value"
// strings. An account ID becomes its root ARN. Nil means the statement has
// no Principal (an identity policy).
func principals(s *policy.Statement) ([]string, error) {
	if len(s.NotPrinc) > 0 && s.Effect == "Allow" {
		return []string{"*"}, nil
	}
	raw := s.Principal
	if len(raw) == 0 {
		if len(s.NotPrinc) > 0 {
			// Deny with NotPrincipal: denies everyone but the list.
			return []string{"*"}, nil
		}
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("principal: %w", err)
	}
	var out []string
	switch x := v.(type) {
	case string:
		if x == "*" {
			return []string{"*"}, nil
		}
		return nil, fmt.Errorf("principal: %q is not valid: use \"*\" or an object such as {\"AWS\": ...}", x)
	case map[string]any:
		for typ, vals := range x {
			var list []any
			switch y := vals.(type) {
			case []any:
				list = y
			default:
				list = []any{y}
			}
			for _, e := range list {
				s, _ := e.(string)
				if typ == "AWS" && s == "*" {
					out = append(out, "*")
					continue
				}
				if typ == "AWS" && len(s) == 12 && strings.Trim(s, "0123456789") == "" {
					s = "arn:aws:iam::" + s + ":root"
				}
				out = append(out, typ+":"+s)
			}
		}
	}
	return sortedSet(out), nil
}

// principalCovers reports whether principal sup includes principal sub:
// "*" includes all; an account's root includes every principal of that
// account; otherwise the same type with a covering pattern.
func principalCovers(sup, sub string) bool {
	if sup == "*" || sup == sub {
		return true
	}
	if sub == "*" {
		return false
	}
	if acct, ok := strings.CutSuffix(sup, ":root"); ok && strings.HasPrefix(sup, "AWS:arn:") {
		id := acct[strings.LastIndexByte(acct, ':')+1:]
		if strings.HasPrefix(sub, "AWS:arn:") && accountOf(sub) == id {
			return true
		}
	}
	st, sv, _ := strings.Cut(sup, ":")
	bt, bv, _ := strings.Cut(sub, ":")
	return st == bt && covers(sv, bv)
}

// accountOf returns the account field of a principal ARN "AWS:arn:...".
func accountOf(p string) string {
	parts := strings.SplitN(strings.TrimPrefix(p, "AWS:"), ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

// principalsCovered reports whether every principal of sub is included by
// one of sup (nil, an identity policy's implicit principal, only by nil).
func principalsCovered(sup, sub []string) bool {
	if sub == nil || sup == nil {
		return sub == nil && sup == nil
	}
	for _, b := range sub {
		if !slices.ContainsFunc(sup, func(a string) bool { return principalCovers(a, b) }) {
			return false
		}
	}
	return true
}
