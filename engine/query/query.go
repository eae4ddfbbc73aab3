// Package query implements the IAM database query tables of Policy
// Sentry 0.16 (action-table, arn-table, condition-table, service-table)
// with the same semantics and output shapes, so scripts built on Policy
// Sentry's output keep working.
package query

import (
	"io"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policyfmt"
)

// Kind says how a result prints: a list prints one item a line (JSON) or
// as a YAML list; a dict prints as indented JSON or YAML.
type Kind int

// Result kinds.
const (
	KindList Kind = iota
	KindDict
)

// Result is one query's answer: an optional header line and a value.
type Result struct {
	// Header is printed before the value when not empty.
	Header string
	Kind   Kind
	// Value is a []string, policyfmt.Object or []policyfmt.Value.
	Value policyfmt.Value
}

// Write prints the result in format "json" or "yaml", as Policy Sentry does.
func (r *Result) Write(w io.Writer, format string) error {
	var b strings.Builder
	if r.Header != "" {
		b.WriteString(r.Header + "\n")
	}
	switch {
	case format == "csv":
		writeCSV(&b, r.Value)
	case format == "yaml":
		b.WriteString(policyfmt.PyYAML(r.Value) + "\n")
	case r.Kind == KindList:
		for _, s := range asStrings(r.Value) {
			b.WriteString(s + "\n")
		}
	default:
		b.WriteString(policyfmt.PyJSON(r.Value, 4) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func asStrings(v policyfmt.Value) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []policyfmt.Value:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// service resolves a prefix exactly as Policy Sentry does: the name as
// given ("catalog" falls back to servicecatalog).
func service(db *iamdb.DB, prefix string) *iamdb.Service {
	if s := db.Service(prefix); s != nil && s.Prefix == prefix {
		return s
	}
	if prefix == "catalog" {
		return db.Service("servicecatalog")
	}
	return nil
}

// writeCSV writes a list of objects as Policy Sentry does: the first
// object's keys, then each object's values, comma-joined.
func writeCSV(b *strings.Builder, v policyfmt.Value) {
	rows, _ := v.([]policyfmt.Value)
	for i, r := range rows {
		obj, ok := r.(policyfmt.Object)
		if !ok {
			continue
		}
		if i == 0 {
			keys := make([]string, len(obj))
			for j, f := range obj {
				keys[j] = f.Key
			}
			b.WriteString(strings.Join(keys, ",") + "\n")
		}
		vals := make([]string, len(obj))
		for j, f := range obj {
			vals[j], _ = f.Value.(string)
		}
		b.WriteString(strings.Join(vals, ",") + "\n")
	}
}
