package webapp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/diff"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// CompareState is what the Compare screen keeps (saved and shared with
// the rest of the app's state): the two policies and the guardrails.
type CompareState struct {
	// Old and New are the policy texts (anything policy.Load reads).
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
	// Guardrails are built-in guardrail names (diff.BuiltinNames),
	// separated by commas or spaces.
	Guardrails string `json:"guardrails,omitempty"`
	// MustNotGrant is a must-not-grant list (diff.ParseGuardrails' YAML
	// or JSON).
	MustNotGrant string `json:"mustNotGrant,omitempty"`
	// Public also checks NEW for public access (resource and trust
	// policies).
	Public bool `json:"public,omitempty"`
}

// CompareView is the Compare screen's result, ready to render.
type CompareView struct {
	// Empty is set while NEW is empty: there is nothing to compare.
	Empty bool `json:"empty,omitempty"`
	// Errors are the problems that stopped the comparison, by box ("old",
	// "new", "guardrails"), each "line:column: message".
	Errors map[string][]string `json:"errors,omitempty"`
	// Verdict answers "does NEW grant new access?" in one sentence;
	// Failed is set when it does, or a guardrail or public access is hit.
	Verdict string `json:"verdict,omitempty"`
	Failed  bool   `json:"failed"`
	// New is the access NEW grants that OLD did not, May the access it may
	// grant (a condition removed or loosened), Removed what it no longer
	// grants.
	New     []ChangeView `json:"new,omitempty"`
	May     []ChangeView `json:"may,omitempty"`
	Removed []ChangeView `json:"removed,omitempty"`
	// Hits are statements of NEW that grant what a guardrail forbids.
	Hits []HitView `json:"hits,omitempty"`
	// Public are statements of NEW open to anyone.
	Public []PublicView `json:"public,omitempty"`
}

// ChangeView is one change: what, why, and the statements responsible.
type ChangeView struct {
	// Mark is "+" (new access), "?" (may grant new access) or "-"
	// (removed).
	Mark      string `json:"mark"`
	Reason    string `json:"reason"`
	Detail    string `json:"detail"`
	Actions   string `json:"actions"`
	Resource  string `json:"resource"`
	Principal string `json:"principal,omitempty"`
	Condition string `json:"condition,omitempty"`
	// At is the statement responsible (in NEW, in OLD for removed
	// access); Related the statements of the other side it was compared
	// with.
	At      Loc   `json:"at"`
	Related []Loc `json:"related,omitempty"`
}

// HitView is a guardrail hit.
type HitView struct {
	Guardrail   string `json:"guardrail"`
	Why         string `json:"why,omitempty"`
	Actions     string `json:"actions"`
	Resource    string `json:"resource"`
	Conditional bool   `json:"conditional,omitempty"`
	At          Loc    `json:"at"`
}

// PublicView is a statement of NEW that anyone may use.
type PublicView struct {
	Principal string `json:"principal"`
	Actions   string `json:"actions"`
	Detail    string `json:"detail"`
	At        Loc    `json:"at"`
}

// maxListed bounds the actions listed in one change (a "*" statement
// names thousands); the rest are counted.
const maxListed = 12

// Compare reviews OLD → NEW as the CLI's `diff` does (engine/workbench
// Diff): the access NEW grants that OLD did not, what it may grant and no
// longer grants, the guardrails it breaks and, with Public, public
// access. An empty OLD is no policy: everything NEW grants is new.
func Compare(db *iamdb.DB, s CompareState) CompareView {
	var v CompareView
	if strings.TrimSpace(s.New) == "" {
		v.Empty = true
		return v
	}
	fail := func(box string, msgs ...string) CompareView {
		if v.Errors == nil {
			v.Errors = map[string][]string{}
		}
		v.Errors[box] = append(v.Errors[box], msgs...)
		return v
	}
	guards, msg := ResolveGuards(db, s.Guardrails, s.MustNotGrant)
	if msg != "" {
		return fail("guardrails", msg)
	}
	input := func(box, text string) []workbench.DiffInput {
		return []workbench.DiffInput{{Input: workbench.Input{Name: box, Data: []byte(text)}, Key: "policy"}}
	}
	opts := workbench.DiffOptions{Options: diff.Options{Guardrails: guards, Public: s.Public}}
	olds := input("old", s.Old)
	if strings.TrimSpace(s.Old) == "" {
		olds, opts.Folders = nil, true
	}
	res, err := workbench.Diff(db, olds, input("new", s.New), opts)
	if err != nil {
		var l diag.List
		if !errors.As(err, &l) {
			return fail("new", err.Error())
		}
		for _, d := range l {
			v = fail(boxOf(d.Start.File), d.Short())
		}
		return v
	}
	locs := map[string]*locator{"old": newLocator("old", s.Old), "new": newLocator("new", s.New)}
	at := func(r diff.StatementRef) Loc {
		l := locs[boxOf(r.Policy)]
		if l == nil {
			l = newLocator(boxOf(r.Policy), "")
		}
		return l.at(r.Policy, r.Label, r.Line, r.Column)
	}
	p := res.Review.Pairs[0]
	for _, c := range p.Result.New {
		cv := changeView(c, at)
		if c.Kind == diff.MayGrantNewAccess {
			cv.Mark = "?"
			v.May = append(v.May, cv)
		} else {
			cv.Mark = "+"
			v.New = append(v.New, cv)
		}
	}
	for _, c := range p.Result.Removed {
		cv := changeView(c, at)
		cv.Mark = "-"
		v.Removed = append(v.Removed, cv)
	}
	for _, h := range p.Guardrails {
		v.Hits = append(v.Hits, HitView{Guardrail: h.Guardrail, Why: h.Why, Actions: listActions(h.Actions), Resource: h.Resource,
			Conditional: h.Conditional, At: at(h.Statement)})
	}
	for _, f := range p.Public {
		v.Public = append(v.Public, PublicView{Principal: f.Principal, Actions: listActions(f.Actions), Detail: f.Detail, At: at(f.Statement)})
	}
	v.Failed = res.Review.Failed()
	v.Verdict = verdict(&v, len(olds) == 0)
	return v
}

func changeView(c diff.Change, at func(diff.StatementRef) Loc) ChangeView {
	cv := ChangeView{Reason: c.Reason, Detail: c.Detail, Actions: listActions(c.Actions), Resource: c.Resource,
		Principal: c.Principal, Condition: c.Condition, At: at(c.Statement)}
	for _, r := range c.Related {
		cv.Related = append(cv.Related, at(r))
	}
	return cv
}

// verdict is the answer in one sentence.
func verdict(v *CompareView, noOld bool) string {
	var s string
	switch {
	case len(v.New) > 0 && len(v.May) > 0:
		s = fmt.Sprintf("NEW grants access that OLD did not (%d %s), and may grant more (%d).", len(v.New), plural(len(v.New), "change", "changes"), len(v.May))
	case len(v.New) > 0:
		s = fmt.Sprintf("NEW grants access that OLD did not (%d %s).", len(v.New), plural(len(v.New), "change", "changes"))
	case len(v.May) > 0:
		s = fmt.Sprintf("NEW may grant access that OLD did not (%d %s, depending on the request's context).", len(v.May), plural(len(v.May), "change", "changes"))
	default:
		s = "NEW grants no access that OLD did not."
	}
	if noOld {
		s += " (OLD is empty: everything NEW grants is new.)"
	}
	if len(v.Removed) > 0 {
		s += fmt.Sprintf(" It no longer grants %d.", len(v.Removed))
	}
	if len(v.Hits) > 0 {
		s += fmt.Sprintf(" %d must-not-grant %s hit.", len(v.Hits), plural(len(v.Hits), "guardrail", "guardrails"))
	}
	if len(v.Public) > 0 {
		s += fmt.Sprintf(" %d %s open to the public.", len(v.Public), plural(len(v.Public), "statement", "statements"))
	}
	return s
}

// listActions joins actions, the first maxListed of them.
func listActions(as []string) string {
	if len(as) > maxListed {
		return strings.Join(as[:maxListed], ", ") + fmt.Sprintf(" and %d more", len(as)-maxListed)
	}
	return strings.Join(as, ", ")
}

// boxOf is the box a document or file name belongs to: "new[1]" → "new".
func boxOf(name string) string {
	if i := strings.IndexByte(name, '['); i > 0 {
		return name[:i]
	}
	return name
}
