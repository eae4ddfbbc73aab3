package webapp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/simulate"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// SimulateState is what the Simulate screen keeps (saved and shared with
// the rest of the app's state): the policies of each kind and one
// request.
type SimulateState struct {
	// Identity is the identity-based policy text (one policy, an array of
	// them, or anything policy.Load reads); Resource, Boundary, SCP and
	// Session are one policy each, empty when there is none.
	Identity string `json:"identity,omitempty"`
	Resource string `json:"resource,omitempty"`
	Boundary string `json:"boundary,omitempty"`
	SCP      string `json:"scp,omitempty"`
	Session  string `json:"session,omitempty"`
	// Action is service:Action (wildcards expand to every matching
	// action); ResourceARN the resource ("*" when empty); Principal the
	// caller's ARN (an IAM user in the resource's account when empty).
	Action      string `json:"action,omitempty"`
	ResourceARN string `json:"arn,omitempty"`
	Principal   string `json:"principal,omitempty"`
	// Context is the request's context, one key=value a line (see
	// ParseContextLines).
	Context string `json:"context,omitempty"`
}

// SimulateBoxes are the policy boxes of the Simulate screen, in order.
var SimulateBoxes = []struct{ Key, Label, Help string }{
	{"identity", "Identity-based policy", "attached to the user or role, or inline (several: a JSON array of policies)"},
	{"resource", "Resource-based policy", "the bucket, key, queue or role trust policy (optional)"},
	{"boundary", "Permissions boundary", "optional"},
	{"scp", "Service control policy", "optional: the organization's SCP (one level)"},
	{"session", "Session policy", "optional: passed to AssumeRole"},
}

// Text returns the policy text of a box (SimulateBoxes' Key).
func (s *SimulateState) Text(box string) string {
	if p := s.box(box); p != nil {
		return *p
	}
	return ""
}

// SetText sets the policy text of a box.
func (s *SimulateState) SetText(box, text string) {
	if p := s.box(box); p != nil {
		*p = text
	}
}

func (s *SimulateState) box(box string) *string {
	switch box {
	case "identity":
		return &s.Identity
	case "resource":
		return &s.Resource
	case "boundary":
		return &s.Boundary
	case "scp":
		return &s.SCP
	case "session":
		return &s.Session
	}
	return nil
}

// SimulateView is the Simulate screen's answer, ready to render.
type SimulateView struct {
	// Empty is set while there is no policy or no action to evaluate.
	Empty bool `json:"empty,omitempty"`
	// Errors are the problems that stopped the simulation, by box (a
	// policy box, "request" or "context"), each "line:column: message".
	Errors map[string][]string `json:"errors,omitempty"`
	// Summary counts the decisions.
	Summary string `json:"summary,omitempty"`
	// Results has one decision per action (a wildcard action gives
	// several), the first maxResults; More counts the others.
	Results []DecisionView `json:"results,omitempty"`
	More    int            `json:"more,omitempty"`
}

// DecisionView is the decision for one request, with its reasons.
type DecisionView struct {
	// Decision is Allowed, ExplicitDeny or ImplicitDeny.
	Decision     string `json:"decision"`
	Allowed      bool   `json:"allowed"`
	Action       string `json:"action"`
	Resource     string `json:"resource"`
	Principal    string `json:"principal"`
	Reason       string `json:"reason"`
	CrossAccount bool   `json:"crossAccount,omitempty"`
	// Deciding are the statements that decided (every matching Deny for
	// an explicit deny; the Allow of each required policy type for an
	// allow).
	Deciding []MatchView `json:"deciding,omitempty"`
	// Nearest is, for an implicit deny, the Allow statement that came
	// closest; Differs says what did not match.
	Nearest *MatchView `json:"nearest,omitempty"`
	Differs string     `json:"differs,omitempty"`
	// Derived lists the context keys set from the principal.
	Derived string `json:"derived,omitempty"`
}

// MatchView is a statement of an answer.
type MatchView struct {
	// Kind is the policy type ("identity", "scp level 1").
	Kind       string          `json:"kind"`
	Effect     string          `json:"effect"`
	Principal  string          `json:"principal,omitempty"`
	At         Loc             `json:"at"`
	Conditions []ConditionView `json:"conditions,omitempty"`
}

// ConditionView is one condition of a statement and how it evaluated.
type ConditionView struct {
	Matched bool `json:"matched"`
	// Text is "operator key [values]"; Request the request's values or
	// "absent".
	Text    string `json:"text"`
	Request string `json:"request"`
}

// maxResults bounds the decisions shown (a wildcard action can expand to
// hundreds).
const maxResults = 50

// ParseContextLines reads the context box: one key=value a line (a
// multivalued key's values comma-separated, or the key repeated), blank
// lines and lines starting with # ignored. Each value is checked against
// the key's type (workbench.ParseContext); an error names its line.
func ParseContextLines(db *iamdb.DB, text string) (simulate.Context, error) {
	ctx := simulate.Context{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c, err := workbench.ParseContext(db, []string{line})
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", i+1, err)
		}
		for k, vs := range c {
			ctx[k] = append(ctx[k], vs...)
		}
	}
	return ctx, nil
}

// ContextKeys are the condition keys to offer for the request's action
// and resource (workbench.ContextKeys), for the context picker.
func (s *SimulateState) ContextKeys(db *iamdb.DB) []workbench.ContextKey {
	return workbench.ContextKeys(db, strings.TrimSpace(s.Action), strings.TrimSpace(s.ResourceARN))
}

// Simulate evaluates the screen's request against its policies as the
// CLI's `simulate` does (workbench.Simulate).
func Simulate(db *iamdb.DB, s SimulateState) SimulateView {
	var v SimulateView
	action := strings.TrimSpace(s.Action)
	if action == "" || strings.TrimSpace(s.Identity) == "" && strings.TrimSpace(s.Resource) == "" {
		v.Empty = true
		return v
	}
	fail := func(box string, msgs ...string) SimulateView {
		if v.Errors == nil {
			v.Errors = map[string][]string{}
		}
		v.Errors[box] = append(v.Errors[box], msgs...)
		return v
	}
	ctx, err := ParseContextLines(db, s.Context)
	if err != nil {
		return fail("context", err.Error())
	}
	req := simulate.Request{Action: action, Resource: strings.TrimSpace(s.ResourceARN), PrincipalARN: strings.TrimSpace(s.Principal), Context: ctx}
	if req.Resource == "" {
		req.Resource = "*"
	}
	if len(ctx) == 0 {
		req.Context = nil
	}
	in := workbench.SimulateInput{Requests: []simulate.Request{req}}
	file := func(box string) *workbench.Input {
		if text := s.Text(box); strings.TrimSpace(text) != "" {
			return &workbench.Input{Name: box, Data: []byte(text)}
		}
		return nil
	}
	if f := file("identity"); f != nil {
		in.Identity = []workbench.Input{*f}
	}
	if f := file("session"); f != nil {
		in.Session = []workbench.Input{*f}
	}
	if f := file("scp"); f != nil {
		in.SCPs = [][]workbench.Input{{*f}}
	}
	in.Resource, in.Boundary = file("resource"), file("boundary")
	res, err := workbench.Simulate(db, in)
	if err != nil {
		var l diag.List
		if !errors.As(err, &l) {
			return fail("request", err.Error())
		}
		for _, d := range l {
			box := boxOf(d.Start.File)
			if d.Code == workbench.CodeInvalidSimulation || s.box(box) == nil {
				v = fail("request", d.Message)
				continue
			}
			v = fail(box, d.Short())
		}
		return v
	}
	locs := map[string]*locator{}
	at := func(m *simulate.Match) Loc {
		box := boxOf(m.Policy)
		l := locs[box]
		if l == nil {
			l = newLocator(box, s.Text(box))
			locs[box] = l
		}
		return l.at(m.Policy, m.Label(), m.At.Line, m.At.Column)
	}
	out := res.Output
	v.Summary = fmt.Sprintf("%d %s: %d allowed, %d denied", len(out.Results), plural(len(out.Results), "request", "requests"), out.Allowed, out.Denied)
	for i, r := range out.Results {
		if i == maxResults {
			v.More = len(out.Results) - maxResults
			break
		}
		d := DecisionView{Decision: string(r.Decision), Allowed: r.Decision == simulate.Allowed, Action: r.Action, Resource: r.Resource,
			Principal: r.Principal, Reason: r.Reason, CrossAccount: r.CrossAccount, Derived: strings.Join(r.Derived, ", ")}
		for j := range r.Deciding {
			d.Deciding = append(d.Deciding, matchView(&r.Deciding[j], at))
		}
		if n := r.NearMiss; n != nil {
			m := matchView(&n.Match, at)
			d.Nearest, d.Differs = &m, strings.Join(n.Differs, ", ")
		}
		v.Results = append(v.Results, d)
	}
	return v
}

func matchView(m *simulate.Match, at func(*simulate.Match) Loc) MatchView {
	kind := string(m.Kind)
	if m.Level > 0 {
		kind = fmt.Sprintf("%s level %d", kind, m.Level)
	}
	mv := MatchView{Kind: kind, Effect: m.Effect, Principal: m.Principal, At: at(m)}
	for _, c := range m.Conditions {
		req := "absent"
		if c.Present {
			req = "[" + strings.Join(c.RequestValues, ", ") + "]"
		}
		mv.Conditions = append(mv.Conditions, ConditionView{Matched: c.Matched, Request: req,
			Text: fmt.Sprintf("%s %s [%s]", c.Operator, c.Key, strings.Join(c.Values, ", "))})
	}
	return mv
}
