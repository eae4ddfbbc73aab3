package simulate

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
)

// Decision is the outcome of a request.
type Decision string

// Decisions, as AWS names them.
const (
	Allowed      Decision = "Allowed"
	ExplicitDeny Decision = "ExplicitDeny"
	ImplicitDeny Decision = "ImplicitDeny"
)

// Kind is the type of a policy in the evaluation.
type Kind string

// Policy kinds.
const (
	KindIdentity Kind = "identity"
	KindResource Kind = "resource"
	KindBoundary Kind = "boundary"
	KindSession  Kind = "session"
	KindSCP      Kind = "scp"
	KindRCP      Kind = "rcp"
)

// Result is the answer for one request, with its reasons.
type Result struct {
	Action    string `json:"action"`
	Resource  string `json:"resource"`
	Principal string `json:"principal,omitempty"`
	// Decision is Allowed, ExplicitDeny or ImplicitDeny.
	Decision Decision `json:"decision"`
	// Reason is one sentence saying why.
	Reason string `json:"reason"`
	// CrossAccount tells whether the principal's and the resource's
	// accounts differ.
	CrossAccount bool `json:"cross_account"`
	// Deciding are the statements that decided: every matching Deny for an
	// explicit deny, the Allow that satisfied each required policy type for
	// an allow.
	Deciding []Match `json:"deciding,omitempty"`
	// NearMiss is, for an implicit deny, the Allow statement that came
	// closest to allowing the request, and what differed.
	NearMiss *NearMiss `json:"near_miss,omitempty"`
	// Derived lists the context keys the simulator set from the principal
	// because the request did not give them.
	Derived []string `json:"derived_keys,omitempty"`
}

// Match is a statement in an answer.
type Match struct {
	Kind Kind `json:"kind"`
	// Level is the organization level (1 = root) for SCPs and RCPs.
	Level  int    `json:"level,omitempty"`
	Policy string `json:"policy"`
	Sid    string `json:"sid,omitempty"`
	Index  int    `json:"index"`
	Effect string `json:"effect"`
	// At is the statement's position in its policy.
	At diag.Position `json:"at"`
	// Principal is the Principal entry that matched (resource policies).
	Principal string `json:"principal,omitempty"`
	// Conditions are the statement's conditions and how they evaluated.
	Conditions []ConditionResult `json:"conditions,omitempty"`
}

// Label is the statement's Sid or "Statement[i]".
func (m *Match) Label() string {
	if m.Sid != "" {
		return m.Sid
	}
	return fmt.Sprintf("Statement[%d]", m.Index)
}

// ConditionResult is one operator/key pair of a statement's Condition.
type ConditionResult struct {
	Operator string `json:"operator"`
	Key      string `json:"key"`
	// Values are the policy's values, with variables substituted.
	Values []string `json:"values"`
	// Present tells whether the request has the key; RequestValues are
	// its values.
	Present       bool     `json:"present"`
	RequestValues []string `json:"request_values,omitempty"`
	Matched       bool     `json:"matched"`
}

// NearMiss is the statement that almost allowed an implicitly denied
// request.
type NearMiss struct {
	Match
	// Differs lists what did not match: "action", "resource",
	// "principal", "condition <key>".
	Differs []string `json:"differs"`
}

// WriteText writes results for people: one block per request.
func WriteText(w io.Writer, results []*Result) error {
	var b strings.Builder
	for i, r := range results {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s %s on %s", r.Decision, r.Action, r.Resource)
		if r.Principal != "" {
			fmt.Fprintf(&b, " by %s", r.Principal)
		}
		b.WriteString("\n  " + r.Reason + "\n")
		for _, m := range r.Deciding {
			writeMatch(&b, "  ", &m)
		}
		if n := r.NearMiss; n != nil {
			fmt.Fprintf(&b, "  nearest: differs in %s\n", strings.Join(n.Differs, ", "))
			writeMatch(&b, "    ", &n.Match)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMatch(b *strings.Builder, indent string, m *Match) {
	kind := string(m.Kind)
	if m.Level > 0 {
		kind = fmt.Sprintf("%s level %d", kind, m.Level)
	}
	at := m.At.String()
	if m.At.File == m.Policy {
		at = fmt.Sprintf("line %d column %d", m.At.Line, m.At.Column)
	}
	fmt.Fprintf(b, "%s%s %s %s (%s) at %s", indent, m.Effect, kind, m.Policy, m.Label(), at)
	if m.Principal != "" {
		fmt.Fprintf(b, " principal %s", m.Principal)
	}
	b.WriteByte('\n')
	for _, c := range m.Conditions {
		mark := "true "
		if !c.Matched {
			mark = "false"
		}
		req := "absent"
		if c.Present {
			req = "[" + strings.Join(c.RequestValues, ", ") + "]"
		}
		fmt.Fprintf(b, "%s  %s %s %s [%s] request %s\n", indent, mark, c.Operator, c.Key, strings.Join(c.Values, ", "), req)
	}
}

// WriteJSON writes an Output as JSON with one result per line (compact
// lines keep answers of many thousands of requests fast to write and
// still easy to read and diff).
func WriteJSON(w io.Writer, out *Output) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("{\n  \"results\": [")
	for i, r := range out.Results {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	if len(out.Results) > 0 {
		bw.WriteString("\n  ")
	}
	fmt.Fprintf(bw, "],\n  \"allowed\": %d,\n  \"denied\": %d\n}\n", out.Allowed, out.Denied)
	return bw.Flush()
}
