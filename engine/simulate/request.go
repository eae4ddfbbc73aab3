package simulate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Request is one API call to evaluate.
type Request struct {
	// PrincipalARN is who calls: an IAM user or role ARN, an assumed-role
	// session ARN (arn:aws:sts::111122223333:assumed-role/Name/session), a
	// federated-user ARN, the account root (arn:aws:iam::111122223333:root
	// or the bare account ID), a service principal (s3.amazonaws.com), or
	// "" for an anonymous caller.
	PrincipalARN string `json:"principal_arn,omitempty"`
	// PrincipalAccount overrides the account taken from PrincipalARN.
	PrincipalAccount string `json:"principal_account,omitempty"`
	// Action is "service:Action".
	Action string `json:"action"`
	// Resource is the resource ARN ("*" or "" for actions without one).
	Resource string `json:"resource,omitempty"`
	// ResourceAccount is the account owning the resource; when empty it is
	// the ARN's account field, or, for ARNs without one (S3 buckets), the
	// principal's account.
	ResourceAccount string `json:"resource_account,omitempty"`
	// Context holds the request's condition keys and their values.
	Context Context `json:"context,omitempty"`
}

// Context maps condition keys to their values in a request. A key with
// one value is single-valued; a key can hold several values (aws:TagKeys)
// or none (present but empty). Key names are compared case-insensitively.
type Context map[string][]string

// UnmarshalJSON reads a context object whose values are strings, numbers,
// booleans or arrays of them.
func (c *Context) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("context: expected an object of condition keys: %w", err)
	}
	out := make(Context, len(raw))
	for k, v := range raw {
		vals, err := contextAny(v)
		if err != nil {
			return fmt.Errorf("context key %q: %w", k, err)
		}
		out[k] = vals
	}
	*c = out
	return nil
}

// contextAny is a decoded context value as text: a scalar is one value,
// an array several.
func contextAny(v any) ([]string, error) {
	if arr, ok := v.([]any); ok {
		out := make([]string, 0, len(arr))
		for _, e := range arr {
			s, err := scalarAny(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalarAny(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func scalarAny(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	}
	b, _ := json.Marshal(v)
	return "", fmt.Errorf("expected a string, number or boolean, found %s", b)
}

// prepared is a request ready for evaluation: lower-cased action parts,
// lower-cased context keys with the keys AWS derives from the principal.
type prepared struct {
	req         *Request
	p           principal
	svc, act    string
	resource    string
	resAccount  string
	keys        map[string][]string
	crossAcct   bool
	derivedKeys []string
}

func prepare(r *Request) *prepared {
	x := &prepared{req: r, p: parsePrincipal(r.PrincipalARN)}
	if r.PrincipalAccount != "" {
		x.p.account = r.PrincipalAccount
	}
	full := strings.ToLower(r.Action)
	x.svc, x.act, _ = strings.Cut(full, ":")
	x.resource = r.Resource
	if x.resource == "" {
		x.resource = "*"
	}
	x.resAccount = r.ResourceAccount
	if x.resAccount == "" {
		x.resAccount = arnAccount(x.resource)
	}
	if x.resAccount == "" {
		x.resAccount = x.p.account
	}
	x.crossAcct = x.p.account != "" && x.resAccount != x.p.account
	derived := x.p.derived()
	x.keys = make(map[string][]string, len(r.Context)+len(derived))
	for k, v := range r.Context {
		x.keys[lowerASCII(k)] = v
	}
	for _, d := range derived {
		lk := lowerASCII(d[0])
		if _, ok := x.keys[lk]; !ok && d[1] != "" {
			x.keys[lk] = d[1:2:2]
			x.derivedKeys = append(x.derivedKeys, d[0])
		}
	}
	return x
}

// lowerASCII is strings.ToLower without an allocation for text that is
// already lower case.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}

// arnAccount is the account field of an ARN ("" if none).
func arnAccount(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}

// contextValues reads one JSON value of a context or a condition: a
// string, number or boolean, or an array of them.
func contextValues(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return contextAny(v)
}
