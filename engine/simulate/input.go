package simulate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Input is a whole simulation as front ends send it (the API body, the
// web app's state): the policies and the requests.
type Input struct {
	Policies Policies  `json:"policies"`
	Requests []Request `json:"requests"`
}

// Policies are the policy texts of a Set. Each is a policy document given
// as a JSON object, or as a string holding the policy text (positions in
// answers are then lines and columns of that text).
type Policies struct {
	Identity []json.RawMessage `json:"identity,omitempty"`
	Resource json.RawMessage   `json:"resource,omitempty"`
	Boundary json.RawMessage   `json:"boundary,omitempty"`
	Session  []json.RawMessage `json:"session,omitempty"`
	// SCPs and RCPs: one list per organization level, root first.
	SCPs                   [][]json.RawMessage `json:"scps,omitempty"`
	RCPs                   [][]json.RawMessage `json:"rcps,omitempty"`
	ResourcePolicyRequired bool                `json:"resource_policy_required,omitempty"`
}

// Output is the answer to an Input.
type Output struct {
	Results []*Result `json:"results"`
	// Allowed and Denied count the results.
	Allowed int `json:"allowed"`
	Denied  int `json:"denied"`
}

// Compile parses and compiles the policies (through DefaultCache). Each
// policy is named after its place ("identity[0]", "scps[1][0]") in
// errors and answers.
func (ps *Policies) Compile() (*Set, error) {
	s := &Set{ResourcePolicyRequired: ps.ResourcePolicyRequired}
	one := func(raw json.RawMessage, name string) (*Policy, error) {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || string(raw) == "null" {
			return nil, nil
		}
		src := []byte(raw)
		if raw[0] == '"' {
			var text string
			if err := json.Unmarshal(raw, &text); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			src = []byte(text)
		}
		return Parse(src, name)
	}
	var err error
	for i, raw := range ps.Identity {
		p, err := one(raw, fmt.Sprintf("identity[%d]", i))
		if err != nil {
			return nil, err
		}
		if p != nil {
			s.Identity = append(s.Identity, p)
		}
	}
	if s.Resource, err = one(ps.Resource, "resource"); err != nil {
		return nil, err
	}
	if s.Boundary, err = one(ps.Boundary, "boundary"); err != nil {
		return nil, err
	}
	for i, raw := range ps.Session {
		p, err := one(raw, fmt.Sprintf("session[%d]", i))
		if err != nil {
			return nil, err
		}
		if p != nil {
			s.Session = append(s.Session, p)
		}
	}
	levels := func(in [][]json.RawMessage, kind string) ([][]*Policy, error) {
		var out [][]*Policy
		for i, l := range in {
			var lv []*Policy
			for j, raw := range l {
				p, err := one(raw, fmt.Sprintf("%s[%d][%d]", kind, i, j))
				if err != nil {
					return nil, err
				}
				if p != nil {
					lv = append(lv, p)
				}
			}
			if len(lv) == 0 && kind == "scps" {
				return nil, fmt.Errorf("%s[%d]: an organization level needs at least one SCP (AWS attaches FullAWSAccess by default; an entity cannot have none)", kind, i)
			}
			out = append(out, lv)
		}
		return out, nil
	}
	if s.SCPs, err = levels(ps.SCPs, "scps"); err != nil {
		return nil, err
	}
	if s.RCPs, err = levels(ps.RCPs, "rcps"); err != nil {
		return nil, err
	}
	return s, nil
}

// Run compiles the input's policies and evaluates every request.
func Run(in *Input) (*Output, error) {
	s, err := in.Policies.Compile()
	if err != nil {
		return nil, err
	}
	for i := range in.Requests {
		if in.Requests[i].Action == "" {
			return nil, fmt.Errorf("requests[%d]: the request has no action (service:Action)", i)
		}
	}
	out := &Output{}
	for _, r := range s.EvaluateAll(in.Requests) {
		out.Add(r)
	}
	return out, nil
}

// Add appends a result and counts it.
func (o *Output) Add(r *Result) {
	o.Results = append(o.Results, r)
	if r.Decision == Allowed {
		o.Allowed++
	} else {
		o.Denied++
	}
}

// ParseRequests reads a request file: a JSON array of requests, or an
// object with "requests" (and optionally "policies", ignored here). An
// error names the file, and the line and column or the request's index.
func ParseRequests(src []byte, name string) ([]Request, error) {
	src = bytes.TrimSpace(src)
	var list json.RawMessage = src
	if len(src) == 0 || src[0] != '[' {
		var in struct {
			Requests json.RawMessage `json:"requests"`
		}
		if err := json.Unmarshal(src, &in); err != nil {
			return nil, fmt.Errorf("%s: %w", name, jsonErr(src, err))
		}
		if in.Requests == nil {
			return nil, fmt.Errorf("%s: expected an array of requests or an object with \"requests\"", name)
		}
		list = in.Requests
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(list, &raws); err != nil {
		if len(src) > 0 && src[0] == '[' {
			return nil, fmt.Errorf("%s: %w", name, jsonErr(src, err))
		}
		return nil, fmt.Errorf("%s: requests: expected an array of requests: %w", name, err)
	}
	reqs := make([]Request, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &reqs[i]); err != nil {
			return nil, fmt.Errorf("%s: requests[%d]: %w", name, i, err)
		}
		if a := reqs[i].Action; !strings.Contains(a, ":") {
			return nil, fmt.Errorf("%s: requests[%d]: action %q: expected service:Action", name, i, a)
		}
	}
	return reqs, nil
}

// jsonErr adds the line and column to a JSON syntax or type error.
func jsonErr(src []byte, err error) error {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	if off < 0 {
		return err
	}
	line, col := lineCol(src, off)
	return fmt.Errorf("%d:%d: %w", line, col, err)
}

// InputError is a malformed simulation input: where and what.
type InputError struct {
	Line, Column int
	Msg          string
}

// Error formats the error as "line:column: message".
func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg)
	}
	return e.Msg
}

// ParseInput reads an Input from JSON ({"policies": {...}, "requests":
// [...]}); a syntax or type error says where.
func ParseInput(src []byte) (*Input, error) {
	var in Input
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		ie := &InputError{Msg: err.Error()}
		var off int64 = -1
		switch e := err.(type) {
		case *json.SyntaxError:
			off = e.Offset
		case *json.UnmarshalTypeError:
			off = e.Offset
			ie.Msg = fmt.Sprintf("%s: expected %s, found a JSON %s", e.Field, e.Type, e.Value)
		}
		if off >= 0 {
			ie.Line, ie.Column = lineCol(src, off)
		}
		return nil, ie
	}
	if len(in.Requests) == 0 {
		return nil, &InputError{Msg: `no requests: give "requests": [{"action": "service:Action", "resource": "arn:...", ...}]`}
	}
	for i := range in.Requests {
		if a := in.Requests[i].Action; !strings.Contains(a, ":") {
			return nil, &InputError{Msg: fmt.Sprintf("requests[%d]: action %q: expected service:Action", i, a)}
		}
	}
	return &in, nil
}

// lineCol turns a byte offset into a 1-based line and a column in
// Unicode characters.
func lineCol(src []byte, off int64) (int, int) {
	line, col := 1, 1
	for _, c := range string(src[:min(int(off), len(src))]) {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
