package validate

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/lazyre"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
	"github.com/leastpriv/policysentry/engine/policy"
)

var (
	// A key's prefix is a service, or an OIDC provider's URL without
	// https://, which can have a path (EKS: oidc.eks.REGION.amazonaws.com/id/ID:sub).
	conditionKeyRe = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._-]*(/[^\s:/]+)*:[^\s:][^\s]*$`)
	tagKeyPrefixes = []string{"resourcetag", "requesttag", "principaltag"}
	// deprecatedGlobal are global keys AWS replaced, with their successor.
	deprecatedGlobal = map[string]string{"aws:sourceowner": "aws:SourceAccount"}
)

// conditions checks the Condition element.
func (v *validator) conditions(st *statement) {
	st.condKeys = map[string]bool{}
	n := st.condition
	if n == nil {
		return
	}
	path := st.path + ".Condition"
	if n.Kind != policy.Object {
		v.at("DATA_TYPE_MISMATCH", n, path, fmt.Sprintf("Condition is %s: expected an object of operators, such as {\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-123\"}}", n.Kind))
		return
	}
	if len(n.Members) == 0 {
		v.at("EMPTY_OBJECT_CONDITION", n, path, "Condition is an empty object: remove it")
		return
	}
	seenOps := map[string]bool{}
	for i := range n.Members {
		m := &n.Members[i]
		op := path + "." + m.Key
		if seenOps[m.Key] {
			v.emit("DUPLICATE_KEY", m.KeyStart, m.KeyEnd, op, fmt.Sprintf("duplicate condition operator %q: IAM rejects it; merge the two blocks", m.Key))
			continue
		}
		seenOps[m.Key] = true
		v.operatorBlock(st, m, op)
	}
	v.conditionSet(st)
}

// operatorBlock checks one "Operator": {key: values} block.
func (v *validator) operatorBlock(st *statement, m *policy.Member, path string) {
	parsed, err := condition.ParseOperator(m.Key)
	var opOK bool
	if err != nil {
		oe, _ := err.(*condition.OperatorError)
		sug := []string(nil)
		if oe != nil {
			sug = oe.Suggestions
		}
		if strings.HasPrefix(strings.TrimPrefix(strings.TrimPrefix(m.Key, "ForAllValues:"), "ForAnyValue:"), "NullIfExists") {
			v.emit("NULL_WITH_IF_EXISTS", m.KeyStart, m.KeyEnd, path, "the Null operator cannot take IfExists: Null already tests whether the key is present", sug...)
		} else {
			v.emit("INVALID_CONDITION_OPERATOR", m.KeyStart, m.KeyEnd, path, err.Error(), sug...)
		}
	} else {
		opOK = true
		if parsed.Base.Type == condition.Null && parsed.Set != condition.Single {
			v.emit("NULL_WITH_QUALIFIER", m.KeyStart, m.KeyEnd, path, fmt.Sprintf("%s before Null has no use: Null tests whether the key is present", parsed.Set), "Null")
		}
	}
	block := m.Value
	if block.Kind != policy.Object {
		v.at("INVALID_CONDITION_DATA_TYPE", block, path, fmt.Sprintf("the %s block is %s: expected an object of condition keys and values", m.Key, block.Kind))
		return
	}
	if len(block.Members) == 0 {
		v.at("EMPTY_OBJECT_CONDITION", block, path, fmt.Sprintf("the %s block is empty: remove it", m.Key))
		return
	}
	seen := map[string]string{}
	for i := range block.Members {
		k := &block.Members[i]
		kp := path + "." + k.Key
		lk := strings.ToLower(k.Key)
		if prev, ok := seen[lk]; ok {
			if prev == k.Key {
				v.emit("DUPLICATE_KEY", k.KeyStart, k.KeyEnd, kp, fmt.Sprintf("duplicate condition key %q under %s: IAM rejects it; put the values in one array", k.Key, m.Key))
			} else {
				v.emit("DUPLICATE_KEYS_WITH_DIFFERENT_CASE", k.KeyStart, k.KeyEnd, kp, fmt.Sprintf("the condition keys %q and %q are the same key (names are case-insensitive): put the values in one array", prev, k.Key), prev)
			}
			continue
		}
		seen[lk] = k.Key
		st.condKeys[lk] = true
		kt, known := v.conditionKey(st, k, kp)
		values := v.conditionValues(k.Value, kp, parsed, opOK)
		st.condValues = append(st.condValues, condEntry{op: m.Key, key: k.Key, values: values})
		if !opOK {
			continue
		}
		v.operatorFits(st, parsed, k, kp, kt, known, values)
		v.valueChecks(st, parsed, k.Key, values)
		v.tagKeySupport(st, parsed, k, kp)
		v.audienceQualifier(st, parsed, k, kp)
	}
}

// conditionKey checks a condition key's name and returns its type.
func (v *validator) conditionKey(st *statement, k *policy.Member, path string) (condition.KeyType, bool) {
	name := k.Key
	if !conditionKeyRe.MatchString(name) {
		v.emit("INVALID_CONDITION_KEY_FORMAT", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("the condition key %q is not service:name (for example aws:PrincipalOrgID)", name))
		return condition.KeyType{}, false
	}
	prefix, rest, _ := strings.Cut(name, ":")
	if tag := strings.ToLower(rest); (contains(tagKeyPrefixes, tag) || contains(tagKeyPrefixes, strings.TrimSuffix(tag, "/"))) && !strings.Contains(prefix, ".") {
		v.emit("MISSING_TAG_KEY_IN_CONDITION", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("the condition key %q needs a tag key after the slash, as in %s:%s/team", name, prefix, strings.TrimSuffix(rest, "/")))
		return condition.KeyType{}, false
	}
	if condition.IsGlobal(name) {
		if strings.EqualFold(name, "aws:ARN") {
			v.emit("UNSUPPORTED_GLOBAL_CONDITION_KEY", k.KeyStart, k.KeyEnd, path, "aws:ARN is not supported as a condition key: use aws:SourceArn (or aws:PrincipalArn)", "aws:SourceArn", "aws:PrincipalArn")
			return condition.KeyType{}, false
		}
		if g := condition.LookupGlobal(name); g != nil {
			return g.Type, true
		}
		if repl, ok := deprecatedGlobal[strings.ToLower(name)]; ok {
			v.emit("DEPRECATED_GLOBAL_CONDITION_KEY", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("%s is deprecated: use %s", name, repl), repl)
			return condition.KeyType{Type: condition.String}, true
		}
		if c := v.serviceAWSKey(st, name); c != nil {
			return condition.ParseKeyType(c.Type), true
		}
		v.emit("INVALID_GLOBAL_CONDITION_KEY", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("%q is not a global condition key", name), suggest.Nearest(name, condition.GlobalNames(), 3)...)
		return condition.KeyType{}, false
	}
	if strings.Contains(prefix, ".") || strings.EqualFold(prefix, "saml") {
		return condition.KeyType{Type: condition.String}, false // web identity and SAML claims
	}
	if v.db == nil {
		return condition.KeyType{}, false
	}
	svc := v.db.Service(prefix)
	var c *iamdb.Condition
	if svc != nil {
		c = v.idx.conditions(svc).lookup(name)
	}
	if c == nil {
		if fk := v.idx.foreignKeys(v.db, name); len(fk) > 0 {
			// A key another service lists under this prefix (ec2:osuser of
			// ec2-instance-connect): checked against that service's actions.
			owner := fk[0]
			for _, f := range fk {
				if st.hasActionOf(f.svc) {
					owner = f
					break
				}
			}
			v.keySupported(st, owner.svc, owner.c, k, path)
			return condition.ParseKeyType(owner.c.Type), true
		}
	}
	if svc == nil {
		v.emit("INVALID_SERVICE_CONDITION_KEY", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("the condition key %q names the service %q, which does not exist", name, prefix))
		return condition.KeyType{}, false
	}
	ci := v.idx.conditions(svc)
	if c == nil {
		v.emit("INVALID_SERVICE_CONDITION_KEY", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("%s has no condition key %q", svc.Prefix, name), suggest.Nearest(name, ci.names, 3)...)
		return condition.KeyType{}, false
	}
	v.keySupported(st, svc, c, k, path)
	return condition.ParseKeyType(c.Type), true
}

// hasActionOf reports whether the statement grants an action of the service.
func (st *statement) hasActionOf(svc *iamdb.Service) bool {
	for _, g := range st.granted {
		if g.a.Service == svc {
			return true
		}
	}
	return false
}

// serviceAWSKey finds an aws: key that the dataset lists for one of the
// statement's actions or their resource types (aws:RequestTag/${TagKey}
// appears there with its type), or for any service when the statement
// names no action.
func (v *validator) serviceAWSKey(st *statement, name string) *iamdb.Condition {
	if v.db == nil {
		return nil
	}
	for _, g := range st.granted {
		if c := v.idx.conditions(g.a.Service).lookup(name); c != nil {
			return c
		}
	}
	return nil
}

// crossServiceKeys are the service condition keys AWS sets in the
// request context of other services' requests too (IAM User Guide, global
// condition context keys, "Other cross-service condition keys"),
// lower-cased: the dataset lists some of them for actions of their own
// service only.
var crossServiceKeys = map[string]bool{
	"ec2:roledelivery": true, "ec2:sourceinstancearn": true,
	"glue:roleassumedby": true, "glue:credentialissuingservice": true,
	"lambda:sourcefunctionarn": true, "ssm:sourceinstancearn": true,
	"identitystore:userid": true,
}

// keySupported reports a service condition key that none of the
// statement's actions of that service supports.
func (v *validator) keySupported(st *statement, svc *iamdb.Service, c *iamdb.Condition, k *policy.Member, path string) {
	if st.allActions || st.notAction != nil || len(st.actions) == 0 || crossServiceKeys[strings.ToLower(k.Key)] {
		return
	}
	var of []string
	for _, g := range st.granted {
		if g.a.Service != svc {
			continue
		}
		if condition.ActionListsKey(g.a, k.Key) {
			return
		}
		if len(of) < 5 {
			of = append(of, g.a.FullName())
		}
	}
	if len(of) == 0 {
		v.keyOfOtherService(st, svc, k, path)
		return
	}
	if !keyListedBy(svc, k.Key) {
		return // a context key AWS sets on requests to any service (ec2:SourceInstanceARN)
	}
	v.emit("UNSUPPORTED_ACTION_FOR_CONDITION_KEY", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("none of the statement's %s actions (%s) supports the condition key %s: the condition never matches them", svc.Prefix, strings.Join(of, ", "), k.Key))
}

// keyOfOtherService reports a service condition key when the statement
// names no action of that service and none of its actions lists the key
// (iam:ResourceTag/... on ec2 and s3 actions): the key is absent from
// their requests, so the condition does not test what it says. Keys that
// no action of their own service lists are context keys AWS sets on
// requests to any service (glue:RoleAssumedBy, lambda:SourceFunctionArn,
// ec2:SourceInstanceARN) and are left alone.
func (v *validator) keyOfOtherService(st *statement, svc *iamdb.Service, k *policy.Member, path string) {
	named := map[*item]bool{}
	for _, g := range st.granted {
		named[g.it] = true
	}
	if len(named) < len(st.actions) {
		return // an action the dataset does not know may be of the key's service
	}
	for _, g := range st.granted {
		if condition.ActionListsKey(g.a, k.Key) {
			return
		}
	}
	if !keyListedBy(svc, k.Key) {
		return
	}
	var of []string
	for _, g := range st.granted {
		if n := g.a.FullName(); len(of) < 5 && !contains(of, n) {
			of = append(of, n)
		}
	}
	v.emit("UNSUPPORTED_ACTION_FOR_CONDITION_KEY", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("the condition key %s is a key of %s actions, and none of the statement's actions (%s) supports it: the key is absent from their requests, so the condition does not test what it says", k.Key, svc.Prefix, strings.Join(of, ", ")))
}

// keyListedBy reports whether an action of the service (or one of its
// resource types) lists the condition key. It is reached only when a
// finding is about to be reported (keySupported, keyOfOtherService), so
// it is not cached.
func keyListedBy(svc *iamdb.Service, key string) bool {
	for _, a := range svc.Actions() {
		if condition.ActionListsKey(a, key) {
			return true
		}
	}
	return false
}

// conditionValues reads a key's values.
func (v *validator) conditionValues(n *policy.Node, path string, op condition.Operator, opOK bool) []item {
	scalar := func(e *policy.Node, p string) (item, bool) {
		switch e.Kind {
		case policy.String, policy.Number:
			return item{s: e.Str, n: e, path: p}, true
		case policy.Bool:
			s := "false"
			if e.Bool {
				s = "true"
			}
			return item{s: s, n: e, path: p}, true
		}
		v.at("INVALID_CONDITION_DATA_TYPE", e, p, fmt.Sprintf("the condition value is %s: expected a string, number or boolean", e.Kind))
		return item{}, false
	}
	if n.Kind != policy.Array {
		if it, ok := scalar(n, path); ok {
			return []item{it}
		}
		return nil
	}
	if len(n.Elems) == 0 {
		code, what := "EMPTY_ARRAY_CONDITION", "the condition key"
		if opOK {
			switch {
			case op.Set == condition.ForAllValues:
				code, what = "EMPTY_ARRAY_CONDITION_FORALLVALUES", "the ForAllValues condition"
			case op.Set == condition.ForAnyValue:
				code, what = "EMPTY_ARRAY_CONDITION_FORANYVALUE", "the ForAnyValue condition"
			case op.IfExists:
				code, what = "EMPTY_ARRAY_CONDITION_IFEXISTS", "the IfExists condition"
			}
		}
		v.at(code, n, path, what+" has an empty array of values: remove the key or give values")
		return nil
	}
	out := make([]item, 0, len(n.Elems))
	for i, e := range n.Elems {
		if it, ok := scalar(e, fmt.Sprintf("%s[%d]", path, i)); ok {
			out = append(out, it)
		}
	}
	return out
}

// operatorFits checks the operator against the key's type and arity. A
// String operator whose values are all policy variables fits any key:
// only String and ARN operators resolve variables, so AWS compares an
// IP or date key with another key's value that way
// (StringNotEquals aws:Ec2InstanceSourcePrivateIPv4 "${aws:VpcSourceIp}").
func (v *validator) operatorFits(st *statement, op condition.Operator, k *policy.Member, path string, kt condition.KeyType, known bool, values []item) {
	if !known || kt.Type == condition.Unknown {
		return
	}
	if !condition.Fits(op.Base.Type, kt.Type) && !(op.Base.Type == condition.String && allVariables(values)) {
		v.emit("TYPE_MISMATCH", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("the operator %s compares %s values, but %s is of type %s", op.Text, op.Base.Type, k.Key, kt))
	}
	if op.Base.Type == condition.Null {
		return
	}
	if kt.MultiValued && op.Set == condition.Single {
		v.emit("MISSING_QUALIFIER", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("%s is multivalued (%s): use ForAnyValue:%s or ForAllValues:%s", k.Key, kt, op.Text, op.Text), "ForAnyValue:"+op.Text, "ForAllValues:"+op.Text)
	}
	if !kt.MultiValued && op.Set == condition.ForAllValues {
		v.emit("FORALLVALUES_WITH_SINGLE_VALUED_KEY", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("ForAllValues on the single-valued key %s is true when the key is absent, so it allows more than intended: drop the qualifier", k.Key), strings.TrimPrefix(op.Text, "ForAllValues:"))
	}
}

// valueChecks checks each value against the operator and well-known keys.
func (v *validator) valueChecks(st *statement, op condition.Operator, key string, values []item) {
	t := op.Base.Type
	lk := strings.ToLower(key)
	var sawTrue, sawFalse bool
	var private, public []item
	for i := range values {
		it := &values[i]
		if v.variables(it, true) {
			if t != condition.String && t != condition.ARN {
				v.at("INVALID_VARIABLE_FOR_OPERATOR", it.n, it.path, fmt.Sprintf("the value %q holds a policy variable, which %s cannot take: only String and ARN operators resolve variables", it.s, op.Text))
			}
			continue
		}
		if err := condition.CheckValue(t, it.s); err != nil {
			code := map[condition.Type]string{condition.Bool: "TYPE_MISMATCH_BOOLEAN", condition.Null: "TYPE_MISMATCH_BOOLEAN",
				condition.Date: "TYPE_MISMATCH_DATE", condition.IPAddress: "TYPE_MISMATCH_IP_RANGE",
				condition.Numeric: "TYPE_MISMATCH_NUMBER", condition.Binary: "TYPE_MISMATCH_STRING"}[t]
			if code != "" {
				v.at(code, it.n, it.path, fmt.Sprintf("%v: the %s operator needs %s values", err, op.Text, t))
				continue
			}
		}
		if t == condition.String && !op.Base.Like && strings.ContainsAny(it.s, "*?") {
			v.at("WILDCARD_WITHOUT_LIKE_OPERATOR", it.n, it.path, fmt.Sprintf("the value %q has a wildcard, which %s compares literally: use %s", it.s, op.Text, likeOf(op)), likeOf(op))
		}
		switch {
		case t == condition.Date:
			if w3c, ok := epochDate(it.s); ok {
				v.at("INVALID_DATE_VALUE", it.n, it.path, fmt.Sprintf("the date %s is Unix epoch time, which might not resolve as expected: write it as %s (YYYY-MM-DD, or with the time as YYYY-MM-DDThh:mm:ssZ)", it.s, w3c), w3c)
			}
		case t == condition.Bool:
			if strings.EqualFold(it.s, "true") {
				sawTrue = true
			} else {
				sawFalse = true
			}
			if lk == "aws:multifactorauthpresent" && strings.EqualFold(it.s, "false") && !op.IfExists {
				v.at("BAD_PATTERN_FOR_MFA", it.n, it.path, "Bool aws:MultiFactorAuthPresent false does not match long-term credentials, where the key is absent: use BoolIfExists false (or Null true) to catch requests without MFA", "BoolIfExists")
			}
		case lk == "aws:requestedregion" && t == condition.String:
			if !(op.Base.Like && wildOrVar(it.s)) && !condition.IsRegion(it.s) {
				v.at("INVALID_REGION", it.n, it.path, fmt.Sprintf("%q is not a Region name (for example eu-west-1)", it.s))
			}
		case lk == "aws:sourcevpc" && t == condition.String:
			if !(op.Base.Like && wildOrVar(it.s)) && !condition.IsVPCID(it.s) {
				v.at("INVALID_VPC_FORMAT", it.n, it.path, fmt.Sprintf("%q is not a VPC ID (vpc- and 8 or 17 hexadecimal digits)", it.s))
			}
		case lk == "aws:sourcevpce" && t == condition.String:
			if !(op.Base.Like && wildOrVar(it.s)) && !condition.IsVPCEndpointID(it.s) {
				v.at("INVALID_VPCE_FORMAT", it.n, it.path, fmt.Sprintf("%q is not a VPC endpoint ID (vpce- and 8 or 17 hexadecimal digits)", it.s))
			}
		case t == condition.IPAddress:
			p, err := condition.ParseIPRange(it.s)
			if err != nil {
				continue
			}
			if p.Masked() != p {
				v.at("IMPROVE_IP_RANGE", it.n, it.path, fmt.Sprintf("the range %s has host bits set: it means %s", it.s, p.Masked()), p.Masked().String())
			}
			if lk == "aws:sourceip" {
				if condition.PrivateRange(p) {
					private = append(private, *it)
				} else {
					public = append(public, *it)
				}
			}
		}
	}
	if sawTrue && sawFalse {
		v.at("INVALID_CONDITION_MULTIPLE_BOOLEAN", values[0].n, values[0].path, fmt.Sprintf("the %s condition on %s lists both true and false: it always matches when the key is present; keep one", op.Text, key))
	}
	if len(private) > 0 {
		neg := op.Base.Negated
		switch {
		case len(public) == 0 && !neg:
			v.at("PRIVATE_IP_ADDRESS", private[0].n, private[0].path, "aws:SourceIp holds the requester's public address, so private ranges never match: use aws:VpcSourceIp for addresses inside a VPC", "aws:VpcSourceIp")
		case len(public) == 0:
			v.at("PRIVATE_NOT_IP_ADDRESS", private[0].n, private[0].path, "aws:SourceIp holds the requester's public address, so NotIpAddress with only private ranges always matches: use aws:VpcSourceIp", "aws:VpcSourceIp")
		case !neg:
			v.at("PRIVATE_IP_ADDRESS_SUBSET", private[0].n, private[0].path, fmt.Sprintf("the private range %s never matches aws:SourceIp, the requester's public address: remove it or use aws:VpcSourceIp", private[0].s))
		default:
			v.at("PRIVATE_NOT_IP_ADDRESS_SUBSET", private[0].n, private[0].path, fmt.Sprintf("the private range %s has no effect under NotIpAddress on aws:SourceIp, the requester's public address: remove it", private[0].s))
		}
	}
	if (t == condition.Numeric || t == condition.Date) && op.Base.Compare != "eq" && len(values) > 1 {
		v.at("REDUNDANT_CONDITION_VALUE_NUM", values[1].n, values[1].path, fmt.Sprintf("%s with several values matches when any one does: only the %s value matters; keep one", op.Text, map[bool]string{true: "greatest", false: "least"}[op.Base.Compare == "lt" || op.Base.Compare == "le"]))
	}
}

func likeOf(op condition.Operator) string {
	name := "StringLike"
	if op.Base.Negated {
		name = "StringNotLike"
	}
	o := op
	o.Base = &condition.Base{Name: name}
	return o.String()
}

// allVariables reports whether there are values and each is a policy
// variable alone, such as "${aws:VpcSourceIp}".
func allVariables(values []item) bool {
	for _, it := range values {
		if !strings.HasPrefix(it.s, "${") || !strings.HasSuffix(it.s, "}") || strings.Count(it.s, "${") != 1 {
			return false
		}
	}
	return len(values) > 0
}
