package validate

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
)

// variables checks the policy variables of a Resource or Condition value
// (allowed there) and reports whether it holds any. resource tells a
// Resource value from a Condition value.
func (v *validator) variables(it *item, allowed bool) bool {
	s := it.s
	if !strings.Contains(s, "${") {
		return false
	}
	any := false
	var placeholders []string // unknown names without a service prefix
	for rest := s; ; {
		i := strings.Index(rest, "${")
		if i < 0 {
			break
		}
		rest = rest[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			v.at("MISSING_BRACE_IN_VARIABLE", it.n, it.path, fmt.Sprintf("%q opens a policy variable with ${ but never closes it with }", s))
			return true
		}
		inner := rest[:j]
		rest = rest[j+1:]
		switch inner {
		case "*", "?", "$":
			continue // escapes for a literal *, ? or $
		case "":
			v.at("EMPTY_VARIABLE", it.n, it.path, fmt.Sprintf("%q holds an empty policy variable ${}: name a key, as in ${aws:username}", s))
			continue
		}
		any = true
		name, def, hasDef := strings.Cut(inner, ",")
		if strings.ContainsAny(name, " \t") {
			v.at("UNSUPPORTED_SPACE_IN_VARIABLE", it.n, it.path, fmt.Sprintf("the policy variable ${%s} has a space in its name", inner), "${"+strings.Join(strings.Fields(name), "")+suffixDefault(def, hasDef)+"}")
			continue
		}
		if hasDef {
			d := strings.TrimSpace(def)
			if len(d) < 2 || d[0] != '\'' || d[len(d)-1] != '\'' {
				v.at("MISSING_QUOTE_IN_VARIABLE", it.n, it.path, fmt.Sprintf("the default value of ${%s} must be in single quotes, as in ${%s, 'default'}", inner, name), "${"+name+", '"+strings.Trim(d, "'\"")+"'}")
				continue
			}
		}
		if !allowed {
			continue
		}
		if v.knownKey(name) {
			continue
		}
		if strings.Contains(name, ":") {
			v.at("UNKNOWN_VARIABLE_KEY", it.n, it.path, fmt.Sprintf("the policy variable ${%s} names no condition key: it never resolves, so the value matches nothing", name), suggestVariable(name)...)
			continue
		}
		placeholders = append(placeholders, name)
	}
	v.placeholders(it, placeholders)
	if !any {
		return false
	}
	if !allowed {
		return true
	}
	if v.version != "2012-10-17" {
		v.at("VARIABLE_UNSUPPORTED_IN_VERSION", it.n, it.path, fmt.Sprintf("%q holds a policy variable, but variables need \"Version\": \"2012-10-17\" (without it they are literal text)", s))
	}
	return true
}

// placeholders reports the unknown variables of one value that have no
// service prefix, such as the ${Partition}, ${Region} and ${KeyId} of an
// ARN format that actions-mode policies are written with, in one finding:
// they are most likely placeholders left to fill in. A name that is a
// global key without its "aws:" prefix (${username}) is suggested.
func (v *validator) placeholders(it *item, names []string) {
	if len(names) == 0 {
		return
	}
	var fix []string
	for _, n := range names {
		switch g := condition.LookupGlobal("aws:" + n); {
		case g == nil:
		case g.Prefix:
			fix = append(fix, "${aws:"+n+"}")
		default:
			fix = append(fix, "${"+g.Name+"}")
		}
	}
	vars := make([]string, len(names))
	for i, n := range names {
		vars[i] = "${" + n + "}"
	}
	msg := fmt.Sprintf("the policy variable %s names no condition key: it never resolves, so the value matches nothing; if it is a placeholder from the ARN format, replace it with your resource's value", vars[0])
	if len(vars) > 1 {
		msg = fmt.Sprintf("the policy variables %s and %s name no condition key: they never resolve, so the value matches nothing; if they are placeholders from the ARN format, replace them with your resource's values", strings.Join(vars[:len(vars)-1], ", "), vars[len(vars)-1])
	}
	v.at("UNKNOWN_VARIABLE_KEY", it.n, it.path, msg, fix...)
}

func suffixDefault(def string, has bool) string {
	if !has {
		return ""
	}
	return "," + def
}

func suggestVariable(name string) []string {
	out := suggest.Nearest(name, condition.GlobalNames(), 2)
	for i := range out {
		out[i] = "${" + out[i] + "}"
	}
	return out
}

// knownKey reports whether a policy variable's key is a global key, a
// service condition key or a web identity / SAML key.
func (v *validator) knownKey(name string) bool {
	if condition.LookupGlobal(name) != nil {
		return true
	}
	prefix, _, ok := strings.Cut(name, ":")
	if !ok {
		return false
	}
	if strings.Contains(prefix, ".") || strings.EqualFold(prefix, "saml") || v.db == nil {
		return true
	}
	if condition.IsGlobal(name) {
		return false
	}
	if svc := v.db.Service(prefix); svc != nil && v.idx.conditions(svc).lookup(name) != nil {
		return true
	}
	return len(v.idx.foreignKeys(v.db, name)) > 0
}
