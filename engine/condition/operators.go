package condition

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/internal/suggest"
)

// SetQualifier is the ForAllValues/ForAnyValue prefix of an operator.
type SetQualifier int

// Set qualifiers.
const (
	// Single: no qualifier; the key is compared as one value (for a
	// multivalued key in the request, AWS compares any of its values).
	Single SetQualifier = iota
	// ForAllValues: true when every value of the request's key matches
	// some policy value, and also when the key is absent or empty.
	ForAllValues
	// ForAnyValue: true when at least one request value matches some
	// policy value; false when the key is absent.
	ForAnyValue
)

// String is the qualifier as written before the colon ("" for Single).
func (q SetQualifier) String() string {
	switch q {
	case ForAllValues:
		return "ForAllValues"
	case ForAnyValue:
		return "ForAnyValue"
	}
	return ""
}

// Base is one of the condition operators AWS documents, without qualifier
// or IfExists.
type Base struct {
	// Name as AWS spells it, e.g. "StringNotEqualsIgnoreCase".
	Name string
	// Type is the value type the operator compares.
	Type Type
	// Negated operators (StringNotEquals, NotIpAddress, ArnNotLike, ...)
	// are true when no policy value matches.
	Negated bool
	// Like operators take * and ? wildcards in policy values.
	Like bool
	// IgnoreCase compares strings case-insensitively.
	IgnoreCase bool
	// Compare is the relation for ordered types: "eq", "lt", "le", "gt",
	// "ge" ("eq" also for the Like, Bool, IP, Binary and Null operators).
	Compare string
}

func base(name string, t Type, negated, like, ignoreCase bool, cmp string) Base {
	return Base{Name: name, Type: t, Negated: negated, Like: like, IgnoreCase: ignoreCase, Compare: cmp}
}

// bases is the table of documented operators (IAM User Guide, "IAM JSON
// policy elements: Condition operators").
var bases = []Base{
	base("StringEquals", String, false, false, false, "eq"),
	base("StringNotEquals", String, true, false, false, "eq"),
	base("StringEqualsIgnoreCase", String, false, false, true, "eq"),
	base("StringNotEqualsIgnoreCase", String, true, false, true, "eq"),
	base("StringLike", String, false, true, false, "eq"),
	base("StringNotLike", String, true, true, false, "eq"),
	base("NumericEquals", Numeric, false, false, false, "eq"),
	base("NumericNotEquals", Numeric, true, false, false, "eq"),
	base("NumericLessThan", Numeric, false, false, false, "lt"),
	base("NumericLessThanEquals", Numeric, false, false, false, "le"),
	base("NumericGreaterThan", Numeric, false, false, false, "gt"),
	base("NumericGreaterThanEquals", Numeric, false, false, false, "ge"),
	base("DateEquals", Date, false, false, false, "eq"),
	base("DateNotEquals", Date, true, false, false, "eq"),
	base("DateLessThan", Date, false, false, false, "lt"),
	base("DateLessThanEquals", Date, false, false, false, "le"),
	base("DateGreaterThan", Date, false, false, false, "gt"),
	base("DateGreaterThanEquals", Date, false, false, false, "ge"),
	base("Bool", Bool, false, false, false, "eq"),
	base("BinaryEquals", Binary, false, false, false, "eq"),
	base("IpAddress", IPAddress, false, false, false, "eq"),
	base("NotIpAddress", IPAddress, true, false, false, "eq"),
	base("ArnEquals", ARN, false, true, false, "eq"),
	base("ArnLike", ARN, false, true, false, "eq"),
	base("ArnNotEquals", ARN, true, true, false, "eq"),
	base("ArnNotLike", ARN, true, true, false, "eq"),
	base("Null", Null, false, false, false, "eq"),
}

var basesByName = func() map[string]*Base {
	m := make(map[string]*Base, len(bases))
	for i := range bases {
		m[bases[i].Name] = &bases[i]
	}
	return m
}()

// Bases returns the documented operators, in documentation order. The
// slice is shared: callers must not change it.
func Bases() []Base { return bases }

// Operator is a full operator as written in a policy:
// [ForAllValues:|ForAnyValue:]Base[IfExists].
type Operator struct {
	// Text is the operator exactly as written.
	Text string
	Base *Base
	Set  SetQualifier
	// IfExists: the condition is true when the key is absent.
	IfExists bool
}

// String is the operator in AWS's spelling.
func (o Operator) String() string {
	var b strings.Builder
	if o.Set != Single {
		b.WriteString(o.Set.String())
		b.WriteByte(':')
	}
	b.WriteString(o.Base.Name)
	if o.IfExists {
		b.WriteString("IfExists")
	}
	return b.String()
}

// OperatorError says why an operator name is not valid.
type OperatorError struct {
	Text string
	// Reason is the sentence to show.
	Reason string
	// Suggestions are the nearest valid operator names.
	Suggestions []string
}

func (e *OperatorError) Error() string {
	if len(e.Suggestions) > 0 {
		return fmt.Sprintf("%s; did you mean %s?", e.Reason, strings.Join(e.Suggestions, " or "))
	}
	return e.Reason
}

// ParseOperator reads a full operator name. Operator names are
// case-sensitive in AWS's grammar; a name that differs only in case gets
// an error that suggests the right spelling. Null takes neither IfExists
// nor (usefully) a set qualifier: "NullIfExists" is an error; a qualified
// Null parses (the validator reports it as NULL_WITH_QUALIFIER).
func ParseOperator(text string) (Operator, error) {
	op := Operator{Text: text}
	rest := text
	if q, r, ok := strings.Cut(rest, ":"); ok {
		switch q {
		case "ForAllValues":
			op.Set = ForAllValues
		case "ForAnyValue":
			op.Set = ForAnyValue
		default:
			return op, &OperatorError{Text: text, Reason: fmt.Sprintf("unknown set qualifier %q in condition operator %q: use ForAllValues or ForAnyValue", q, text), Suggestions: suggestQualifier(q, r)}
		}
		rest = r
	}
	if b, ok := strings.CutSuffix(rest, "IfExists"); ok && b != "" {
		op.IfExists = true
		rest = b
	}
	op.Base = basesByName[rest]
	if op.Base == nil {
		return op, &OperatorError{Text: text, Reason: fmt.Sprintf("unknown condition operator %q", text), Suggestions: SuggestOperator(text)}
	}
	if op.Base.Type == Null && op.IfExists {
		return op, &OperatorError{Text: text, Reason: "the Null operator cannot take IfExists: Null already tests whether the key is present", Suggestions: []string{"Null"}}
	}
	return op, nil
}

func suggestQualifier(q, rest string) []string {
	switch strings.ToLower(q) {
	case "forallvalues", "forallvalue":
		return []string{"ForAllValues:" + rest}
	case "foranyvalue", "foranyvalues":
		return []string{"ForAnyValue:" + rest}
	}
	return nil
}

// SuggestOperator returns up to three valid operator names nearest to
// text (same case-insensitive spelling first, then by edit distance),
// keeping text's qualifier and IfExists suffix.
func SuggestOperator(text string) []string {
	prefix, rest := "", text
	if q, r, ok := strings.Cut(text, ":"); ok {
		prefix, rest = q+":", r
		if s := suggestQualifier(q, ""); len(s) == 1 {
			prefix = s[0]
		}
	}
	suffix := ""
	// The suffix is compared without case on rest's own bytes: lowering
	// the whole string first can change its length (non-ASCII letters).
	const ifExists = "IfExists"
	if n := len(rest) - len(ifExists); n > 0 && strings.EqualFold(rest[n:], ifExists) {
		suffix, rest = ifExists, rest[:n]
	}
	names := make([]string, 0, len(bases))
	for _, b := range bases {
		if b.Type == Null && suffix != "" {
			continue
		}
		names = append(names, b.Name)
	}
	out := suggest.Nearest(rest, names, 3)
	for i, n := range out {
		out[i] = prefix + n + suffix
	}
	return out
}
