package validate

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/internal/lazyre"

	"github.com/leastpriv/policysentry/engine/internal/suggest"
	"github.com/leastpriv/policysentry/engine/policy"
)

var (
	principalKeys     = []string{"AWS", "Service", "Federated", "CanonicalUser"}
	awsPrincipalARN   = lazyre.New(`^arn:[a-z-]+:(iam::(\d{12}|aws):(root|user/.+|role/.+|group/.+|federated-user/.+)|iam::cloudfront:user/CloudFront Origin Access Identity [A-Z0-9]+|sts::\d{12}:(assumed-role/.+|federated-user/.+))$`)
	servicePrincipal  = lazyre.New(`^[a-z0-9][a-z0-9.-]*\.(amazonaws\.com(\.cn)?|amazon\.com|api\.aws|c2s\.ic\.gov|sc2s\.sgov\.gov)$`)
	canonicalUser     = lazyre.New(`^[0-9a-f]{64}$`)
	samlProvider      = lazyre.New(`^arn:[a-z-]+:iam::\d{12}:saml-provider/[\w+=,.@-]+$`)
	oidcProvider      = lazyre.New(`^arn:[a-z-]+:iam::\d{12}:oidc-provider/(.+)$`)
	webIdentityDomain = []string{"cognito-identity.amazonaws.com", "www.amazon.com", "graph.facebook.com", "accounts.google.com"}
	uniqueID          = lazyre.New(`^(AROA|AIDA)[A-Z0-9]{16,}$`)
)

// principalSet is what a statement's Principal names, by kind.
type principalSet struct {
	aws, service, federated []item
	star                    bool
}

// principals checks Principal and NotPrincipal by policy type.
func (v *validator) principals(st *statement) {
	pt := v.opts.PolicyType
	for _, e := range []struct {
		n    *policy.Node
		name string
	}{{st.principal, "Principal"}, {st.notPrincipal, "NotPrincipal"}} {
		if e.n == nil {
			continue
		}
		path := st.path + "." + e.name
		switch pt {
		case Identity:
			v.at("UNSUPPORTED_PRINCIPAL", e.n, path, fmt.Sprintf("%s is not allowed in an identity policy: the policy applies to whoever it is attached to; remove it (or validate with --policy-type resource or trust)", e.name))
			continue
		case SCP:
			v.at("SCP_SYNTAX_ERROR_PRINCIPAL", e.n, path, fmt.Sprintf("%s is not allowed in a service control policy: use the aws:PrincipalArn condition key", e.name))
			continue
		case RCP:
			if e.name == "NotPrincipal" || !(e.n.Kind == policy.String && e.n.Str == "*") {
				v.at("RCP_SYNTAX_ERROR_PRINCIPAL", e.n, path, fmt.Sprintf("%s is not allowed in a resource control policy, which takes Principal \"*\" only: narrow it with conditions such as aws:PrincipalArn", e.name), "*")
				continue
			}
		case Trust:
			if e.name == "NotPrincipal" {
				v.at("ROLE_TRUST_POLICY_SYNTAX_ERROR_NOT_PRINCIPAL", e.n, path, "NotPrincipal is not allowed in a role trust policy: name the principals in Principal")
				continue
			}
		}
		ps := v.principal(e.n, path)
		if e.name == "Principal" {
			v.trustPrincipals(st, ps)
			v.principalKinds(st, ps)
			if pt == Resource && st.effect == "Allow" && len(ps.service) > 0 && !st.hasAnyKey("aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths") {
				v.at("RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", e.n, path, fmt.Sprintf("the statement allows the service principal %s without an aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or aws:SourceOrgPaths condition: any account's use of the service can reach this resource (confused deputy)", ps.service[0].s))
			}
		}
		if e.name == "NotPrincipal" && st.effect == "Allow" {
			v.at("ALLOW_WITH_NOT_PRINCIPAL", e.n, path, "Allow with NotPrincipal allows every principal not listed, anonymous users included: list the principals in Principal instead")
		}
	}
	if st.principal == nil && st.notPrincipal == nil && (pt == Resource || pt == Trust) {
		v.emit("MISSING_PRINCIPAL", st.n.Start, st.n.Start+1, st.path, fmt.Sprintf("a %s policy statement needs a Principal: say who it applies to", pt))
	}
}

// principal checks one Principal or NotPrincipal value.
func (v *validator) principal(n *policy.Node, path string) principalSet {
	var ps principalSet
	switch n.Kind {
	case policy.String:
		if n.Str != "*" {
			v.at("INVALID_PRINCIPAL_FORMAT", n, path, fmt.Sprintf("the principal %q is not valid: a string principal can only be \"*\"; use {\"AWS\": [...]} for accounts, users and roles", n.Str))
		}
		ps.star = true
		return ps
	case policy.Object:
	default:
		v.at("DATA_TYPE_MISMATCH", n, path, fmt.Sprintf("the principal is %s: expected \"*\" or an object such as {\"AWS\": \"arn:aws:iam::123456789012:root\"}", n.Kind))
		return ps
	}
	if len(n.Members) == 0 {
		v.at("EMPTY_OBJECT_PRINCIPAL", n, path, "the principal is an empty object: it names nobody")
	}
	for i := range n.Members {
		m := &n.Members[i]
		kp := path + "." + m.Key
		if !contains(principalKeys, m.Key) {
			v.emit("INVALID_PRINCIPAL_KEY", m.KeyStart, m.KeyEnd, kp, fmt.Sprintf("%q is not a principal type: use AWS, Service, Federated or CanonicalUser", m.Key), suggest.Nearest(m.Key, principalKeys, 1)...)
			continue
		}
		items := v.strings(m.Value, kp, "EMPTY_ARRAY_PRINCIPAL")
		for i := range items {
			it := &items[i]
			if strings.Contains(it.s, "${") {
				v.at("VARIABLE_UNSUPPORTED_IN_ELEMENT", it.n, it.path, fmt.Sprintf("the principal %q holds a policy variable: variables work only in Resource, NotResource and Condition values", it.s))
				continue
			}
			switch m.Key {
			case "AWS":
				ps.aws = append(ps.aws, *it)
				v.awsPrincipal(it)
				if it.s == "*" {
					ps.star = true
				}
			case "Service":
				ps.service = append(ps.service, *it)
				if v.wildPrincipal(it) {
					continue
				}
				if !servicePrincipal.MatchString(it.s) {
					v.at("INVALID_SERVICE_PRINCIPAL_FORMAT", it.n, it.path, fmt.Sprintf("the service principal %q is not a service's name, such as lambda.amazonaws.com", it.s))
				}
			case "Federated":
				ps.federated = append(ps.federated, *it)
				if v.wildPrincipal(it) {
					continue
				}
				if v.opts.PolicyType == Trust && isSAMLProviderARN(it.s) && !samlProvider.MatchString(it.s) {
					v.at("INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY", it.n, it.path, fmt.Sprintf("the SAML provider ARN %q is not arn:PARTITION:iam::ACCOUNT:saml-provider/NAME with a 12-digit account ID and a name of letters, digits and _+=,.@-", it.s))
				} else if v.opts.PolicyType == Trust && !samlProvider.MatchString(it.s) && !oidcProvider.MatchString(it.s) && !contains(webIdentityDomain, it.s) {
					v.at("INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY", it.n, it.path, fmt.Sprintf("the federated principal %q is neither a SAML or OIDC provider ARN (arn:aws:iam::123456789012:saml-provider/NAME, ...:oidc-provider/HOST) nor %s", it.s, strings.Join(webIdentityDomain, ", ")))
				}
			case "CanonicalUser":
				if v.wildPrincipal(it) {
					continue
				}
				if !canonicalUser.MatchString(it.s) {
					v.at("INVALID_PRINCIPAL_FORMAT", it.n, it.path, fmt.Sprintf("the canonical user ID %q is not 64 hexadecimal digits", it.s))
				}
			}
		}
	}
	return ps
}

// wildPrincipal reports a partial wildcard (and returns true for any
// wildcard, so that format checks skip the value).
func (v *validator) wildPrincipal(it *item) bool {
	if it.s == "*" {
		return true
	}
	if !strings.ContainsAny(it.s, "*?") {
		return false
	}
	if v.opts.PolicyType == Trust {
		v.at("ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL", it.n, it.path, fmt.Sprintf("the principal %q has a wildcard: role trust policies take \"*\" alone or exact principals; match patterns with the aws:PrincipalArn condition key", it.s))
	} else {
		v.at("UNSUPPORTED_WILDCARD_IN_PRINCIPAL", it.n, it.path, fmt.Sprintf("the principal %q has a wildcard: only \"*\" alone is allowed; match patterns with the aws:PrincipalArn condition key", it.s))
	}
	return true
}

func (v *validator) awsPrincipal(it *item) {
	s := it.s
	switch {
	case v.wildPrincipal(it), accountRe.MatchString(s), awsPrincipalARN.MatchString(s):
	case uniqueID.MatchString(s) && strings.HasPrefix(s, "AROA"):
		v.at("INVALID_ROLE_REFERENCE", it.n, it.path, fmt.Sprintf("%q is a role's unique ID: IAM shows it when the role was deleted; the statement no longer applies to any role of that name", s))
	case uniqueID.MatchString(s):
		v.at("INVALID_USER_REFERENCE", it.n, it.path, fmt.Sprintf("%q is a user's unique ID: IAM shows it when the user was deleted; the statement no longer applies to any user of that name", s))
	default:
		v.at("INVALID_PRINCIPAL_FORMAT", it.n, it.path, fmt.Sprintf("the AWS principal %q is not \"*\", a 12-digit account ID or an IAM/STS principal ARN (arn:aws:iam::123456789012:root, ...:role/NAME, ...:user/NAME)", s))
	}
}

// hasAnyKey reports whether the statement's Condition tests one of the
// lower-cased keys.
func (st *statement) hasAnyKey(keys ...string) bool {
	for _, k := range keys {
		if st.condKeys[k] {
			return true
		}
	}
	return false
}

// trustPrincipals checks a role trust policy's actions against its
// principals, and the claims OIDC principals need.
func (v *validator) trustPrincipals(st *statement, ps principalSet) {
	if v.opts.PolicyType != Trust {
		return
	}
	var saml, oidc []item
	for _, f := range ps.federated {
		// A SAML provider ARN with a malformed account (a placeholder
		// such as account-id) is still a SAML principal: its syntax error
		// is reported once, not again as an OIDC provider.
		if samlProvider.MatchString(f.s) || isSAMLProviderARN(f.s) {
			saml = append(saml, f)
		} else {
			oidc = append(oidc, f)
		}
	}
	kinds := 0
	for _, l := range [][]item{saml, oidc, append(ps.aws, ps.service...)} {
		if len(l) > 0 {
			kinds++
		}
	}
	if kinds == 1 {
		want := "sts:AssumeRole"
		switch {
		case len(saml) > 0:
			want = "sts:AssumeRoleWithSAML"
		case len(oidc) > 0:
			want = "sts:AssumeRoleWithWebIdentity"
		}
		for _, a := range st.actions {
			l := strings.ToLower(a.s)
			if strings.HasPrefix(l, "sts:assumerole") && !strings.ContainsAny(l, "*?") && !strings.EqualFold(a.s, want) {
				v.at("MISMATCHED_ACTION_FOR_PRINCIPAL", a.n, a.path, fmt.Sprintf("%s does not fit the statement's principal: it needs %s", a.s, want), want)
			}
		}
	}
	for _, s := range ps.service {
		if s.s != "rolesanywhere.amazonaws.com" {
			continue
		}
		for _, need := range []string{"sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"} {
			ok := st.allActions
			for _, a := range st.actions {
				ok = ok || covers(a.s, need)
			}
			if !ok {
				v.at("MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY", s.n, s.path, fmt.Sprintf("IAM Roles Anywhere needs %s in the trust policy (with sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession)", need), need)
			}
		}
	}
	if st.effect != "Allow" {
		return
	}
	for _, f := range oidc {
		host := f.s
		if m := oidcProvider.FindStringSubmatch(f.s); m != nil {
			host = m[1]
		}
		lh := strings.ToLower(host)
		if lh == "token.actions.githubusercontent.com" {
			sub := lh + ":sub"
			if !st.condKeys[sub] {
				v.at("MISSING_GITHUB_REPO_CONDITION_KEY", f.n, f.path, "GitHub Actions' OIDC provider is trusted without a condition on token.actions.githubusercontent.com:sub: any GitHub repository can assume the role; add StringLike token.actions.githubusercontent.com:sub repo:ORG/REPO:ref:refs/heads/BRANCH")
			} else if it := v.githubSubWildcard(st); it != nil {
				v.at("SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED", it.n, it.path, fmt.Sprintf("the GitHub sub condition %q allows any repository or branch by wildcard: name the repository and branch", it.s))
			}
			continue
		}
		has := false
		for k := range st.condKeys {
			if strings.HasPrefix(k, lh+":") {
				has = true
			}
		}
		if !has {
			v.at("MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL", f.n, f.path, fmt.Sprintf("the OIDC provider %s is trusted without a condition on its claims (%s:aud, %s:sub): any identity it issues can assume the role", host, host, host))
		}
	}
}

// githubSubWildcard finds a GitHub sub condition value with a wildcard in
// the repository or branch.
func (v *validator) githubSubWildcard(st *statement) *item {
	for _, c := range st.condValues {
		if !strings.EqualFold(c.key, "token.actions.githubusercontent.com:sub") {
			continue
		}
		for i := range c.values {
			s := c.values[i].s
			if strings.Contains(s, "*") || strings.Contains(s, "?") {
				return &c.values[i]
			}
		}
	}
	return nil
}

// isSAMLProviderARN reports whether s is an IAM ARN of a SAML provider,
// whatever its account field holds.
func isSAMLProviderARN(s string) bool {
	f := strings.SplitN(s, ":", 6)
	return len(f) == 6 && f[0] == "arn" && f[2] == "iam" && strings.HasPrefix(f[5], "saml-provider/")
}
