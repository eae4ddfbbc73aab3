package simulate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
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
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("context: expected an object of condition keys: %w", err)
	}
	out := make(Context, len(raw))
	for k, v := range raw {
		vals, err := contextValues(v)
		if err != nil {
			return fmt.Errorf("context key %q: %w", k, err)
		}
		out[k] = vals
	}
	*c = out
	return nil
}

func contextValues(v json.RawMessage) ([]string, error) {
	v = bytes.TrimSpace(v)
	if len(v) > 0 && v[0] == '[' {
		var arr []json.RawMessage
		if err := json.Unmarshal(v, &arr); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(arr))
		for _, e := range arr {
			s, err := scalar(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalar(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

// scalar is a JSON string, number or boolean as text.
func scalar(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "", fmt.Errorf("expected a string, number or boolean")
	}
	switch v[0] {
	case '"':
		var s string
		err := json.Unmarshal(v, &s)
		return s, err
	case '{', '[', 'n':
		return "", fmt.Errorf("expected a string, number or boolean, found %s", string(v))
	}
	return string(v), nil
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
	x.keys = make(map[string][]string, len(r.Context)+6)
	for k, v := range r.Context {
		x.keys[strings.ToLower(k)] = v
	}
	for _, d := range x.p.derived() {
		lk := strings.ToLower(d[0])
		if _, ok := x.keys[lk]; !ok && d[1] != "" {
			x.keys[lk] = []string{d[1]}
			x.derivedKeys = append(x.derivedKeys, d[0])
		}
	}
	sort.Strings(x.derivedKeys)
	return x
}

// arnAccount is the account field of an ARN ("" if none).
func arnAccount(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}
