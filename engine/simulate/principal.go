package simulate

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// principalKind is what kind of caller a request's principal is.
type principalKind int

const (
	anonymous principalKind = iota
	rootUser
	iamUser
	iamRole
	roleSession
	federatedUser
	servicePrincipal
	otherPrincipal
)

var principalTypes = [...]string{"Anonymous", "Account", "User", "AssumedRole", "AssumedRole", "FederatedUser", "Service", "Unknown"}

// principal is a request's caller, parsed from its ARN.
type principal struct {
	raw       string
	kind      principalKind
	partition string
	account   string
	// name is the user, role, or federated-user name.
	name string
	// roleARN is the role of an assumed-role session (path unknown).
	roleARN string
}

func parsePrincipal(s string) principal {
	p := principal{raw: s, partition: "aws"}
	switch {
	case s == "" || s == "*" || strings.EqualFold(s, "anonymous"):
		p.kind = anonymous
		return p
	case isAccountID(s):
		p.kind, p.account = rootUser, s
		p.raw = "arn:aws:iam::" + s + ":root"
		return p
	case !strings.HasPrefix(s, "arn:"):
		if strings.Contains(s, ".") {
			p.kind = servicePrincipal
		} else {
			p.kind = otherPrincipal
		}
		return p
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 {
		p.kind = otherPrincipal
		return p
	}
	p.partition, p.account = parts[1], parts[4]
	svc, res := parts[2], parts[5]
	switch {
	case svc == "iam" && res == "root":
		p.kind = rootUser
	case svc == "iam" && strings.HasPrefix(res, "user/"):
		p.kind, p.name = iamUser, lastSegment(res)
	case svc == "iam" && strings.HasPrefix(res, "role/"):
		p.kind, p.name = iamRole, lastSegment(res)
		p.roleARN = s
	case svc == "sts" && strings.HasPrefix(res, "assumed-role/"):
		p.kind = roleSession
		f := strings.Split(res, "/")
		if len(f) >= 2 {
			p.name = f[1]
		}
		p.roleARN = fmt.Sprintf("arn:%s:iam::%s:role/%s", p.partition, p.account, p.name)
	case svc == "sts" && strings.HasPrefix(res, "federated-user/"):
		p.kind, p.name = federatedUser, lastSegment(res)
	default:
		p.kind = otherPrincipal
	}
	return p
}

func lastSegment(s string) string {
	return s[strings.LastIndexByte(s, '/')+1:]
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// derived lists the global condition keys AWS sets from the principal
// (name, value), sorted by name; a request's own context takes
// precedence.
func (p principal) derived() [][2]string {
	typ := [2]string{"aws:PrincipalType", principalTypes[p.kind]}
	switch p.kind {
	case anonymous:
		return [][2]string{typ}
	case servicePrincipal:
		return [][2]string{{"aws:PrincipalIsAWSService", "true"}, {"aws:PrincipalServiceName", p.raw}, typ}
	}
	arn := p.raw
	if p.kind == roleSession {
		arn = p.roleARN
	}
	out := [][2]string{{"aws:PrincipalAccount", p.account}, {"aws:PrincipalArn", arn}, {"aws:PrincipalIsAWSService", "false"}, typ}
	if p.kind == iamUser {
		out = append(out, [2]string{"aws:username", p.name})
	}
	return out
}

// grant is how a resource-based policy's Principal matched the caller,
// which decides what else must allow a same-account request (AWS: "an
// Allow in a resource-based policy can result in a final decision of
// Allow, even if an implicit deny in an identity-based policy, permissions
// boundary, or session policy is present", depending on the principal).
type grant int

const (
	noGrant grant = iota
	// grantAccount: the account (root or ID): delegates to the account's
	// identity-based policies.
	grantAccount
	// grantRole: the role ARN, for a session of that role: limited by the
	// boundary and session policies.
	grantRole
	// grantUser: the IAM user ARN: not limited by the boundary.
	grantUser
	// grantService: a service principal.
	grantService
	// grantDirect: the session ARN itself, "*" or NotPrincipal: not limited
	// by the boundary or session policies.
	grantDirect
)

var grantNames = [...]string{"", "account", "role ARN", "user ARN", "service principal", "principal"}

func (g grant) String() string { return grantNames[g] }

// entryKind is what one Principal entry names.
type entryKind int

const (
	entryAny entryKind = iota
	entryAccount
	entryUser
	entryRole
	entryExact
	entryService
)

type principalEntry struct {
	kind  entryKind
	value string // account, ARN, service name; role: account
	name  string // role name
	text  string // as written, with its type ("AWS: ...")
}

// principalSet is a compiled Principal or NotPrincipal element.
type principalSet struct {
	entries []principalEntry
}

// compilePrincipal reads a Principal element: "*" or an object of AWS,
// Service, Federated and CanonicalUser entries.
func compilePrincipal(raw json.RawMessage) (*principalSet, error) {
	var star string
	if json.Unmarshal(raw, &star) == nil {
		if star != "*" {
			return nil, fmt.Errorf("expected \"*\" or an object with AWS, Service, Federated or CanonicalUser, found %q", star)
		}
		return &principalSet{entries: []principalEntry{{kind: entryAny, text: "*"}}}, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("expected \"*\" or an object with AWS, Service, Federated or CanonicalUser")
	}
	names := make([]string, 0, len(obj))
	for k := range obj {
		names = append(names, k)
	}
	sort.Strings(names)
	ps := &principalSet{}
	for _, typ := range names {
		vals, err := stringList(obj[typ])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", typ, err)
		}
		for _, v := range vals {
			e := principalEntry{text: typ + ": " + v}
			switch typ {
			case "AWS":
				e = awsEntry(v, e.text)
			case "Service":
				e.kind, e.value = entryService, strings.ToLower(v)
				if v == "*" {
					e.kind = entryAny
				}
			case "Federated", "CanonicalUser":
				e.kind, e.value = entryExact, v
				if v == "*" {
					e.kind = entryAny
				}
			default:
				return nil, fmt.Errorf("unknown principal type %q: use AWS, Service, Federated or CanonicalUser", typ)
			}
			ps.entries = append(ps.entries, e)
		}
	}
	return ps, nil
}

func awsEntry(v, text string) principalEntry {
	e := principalEntry{text: text}
	switch {
	case v == "*":
		e.kind = entryAny
		return e
	case isAccountID(v):
		e.kind, e.value = entryAccount, v
		return e
	}
	parts := strings.SplitN(v, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" {
		svc, res := parts[2], parts[5]
		switch {
		case svc == "iam" && res == "root":
			e.kind, e.value = entryAccount, parts[4]
			return e
		case svc == "iam" && strings.HasPrefix(res, "user/"):
			e.kind, e.value = entryUser, v
			return e
		case svc == "iam" && strings.HasPrefix(res, "role/"):
			e.kind, e.value, e.name = entryRole, parts[4], lastSegment(res)
			return e
		}
	}
	// Sessions, federated users and anything else: the exact ARN (AWS
	// allows no partial wildcard in Principal).
	e.kind, e.value = entryExact, v
	return e
}

// identities are the names a caller goes by, in the order AWS's
// NotPrincipal documentation lists them: the session or user, the role,
// the account.
func (p principal) identities() []principalEntry {
	acct := principalEntry{kind: entryAccount, value: p.account}
	switch p.kind {
	case rootUser:
		return []principalEntry{acct}
	case iamUser:
		return []principalEntry{{kind: entryUser, value: p.raw}, acct}
	case iamRole:
		return []principalEntry{{kind: entryRole, value: p.account, name: p.name}, acct}
	case roleSession:
		return []principalEntry{{kind: entryExact, value: p.raw}, {kind: entryRole, value: p.account, name: p.name}, acct}
	case federatedUser, otherPrincipal:
		return []principalEntry{{kind: entryExact, value: p.raw}, acct}
	case servicePrincipal:
		return []principalEntry{{kind: entryService, value: strings.ToLower(p.raw)}}
	}
	return nil
}

// matchEntry reports how entry e matches identity id.
func matchEntry(e, id principalEntry) grant {
	switch e.kind {
	case entryAny:
		return grantDirect
	case entryAccount:
		if id.kind == entryAccount && id.value == e.value && e.value != "" {
			return grantAccount
		}
	case entryUser:
		if id.kind == entryUser && id.value == e.value {
			return grantUser
		}
	case entryRole:
		if id.kind == entryRole && id.value == e.value && id.name == e.name {
			return grantRole
		}
	case entryExact:
		if id.kind == entryExact && id.value == e.value {
			return grantDirect
		}
	case entryService:
		if id.kind == entryService && id.value == e.value {
			return grantService
		}
	}
	return noGrant
}

// match reports the strongest grant of any entry for any of the caller's
// identities (noGrant when none matches), and the entry that gave it.
func (ps *principalSet) match(ids []principalEntry) (grant, string) {
	best, text := noGrant, ""
	for _, e := range ps.entries {
		if e.kind == entryAny {
			return grantDirect, e.text
		}
		for _, id := range ids {
			if g := matchEntry(e, id); g > best {
				best, text = g, e.text
			}
		}
	}
	return best, text
}

// excludes reports whether NotPrincipal excludes the caller: every one of
// its identities is listed (AWS: with NotPrincipal, list the user or
// session ARN, the role ARN and the account, or the caller is not
// excluded). An anonymous caller is excluded only by "*".
func (ps *principalSet) excludes(ids []principalEntry) bool {
	for _, e := range ps.entries {
		if e.kind == entryAny {
			return true
		}
	}
	if len(ids) == 0 {
		return false
	}
	for _, id := range ids {
		found := false
		for _, e := range ps.entries {
			if matchEntry(e, id) != noGrant {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// stringList reads a JSON string or array of strings.
func stringList(raw json.RawMessage) ([]string, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}, nil
	}
	var l []string
	if err := json.Unmarshal(raw, &l); err != nil {
		return nil, fmt.Errorf("expected a string or an array of strings")
	}
	return l, nil
}
