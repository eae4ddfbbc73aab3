package validate

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/policy"
)

// principalIdentityKeys are the global condition keys that describe the
// IAM principal's own account, organization and tags (matched by
// condition.KeyMatches): a service principal (cloudfront.amazonaws.com)
// has none of them, so they are never in its requests.
var principalIdentityKeys = []string{"aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalTag/${TagKey}"}

// principalKinds runs the checks that depend on the kinds of principals
// a statement's Principal names: federated principals outside role trust
// policies (FEDERATED_PRINCIPAL_NOT_SUPPORTED), principal-identity keys
// with service principals only (UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL)
// and an assumed-role session named beside its role in a trust policy
// (REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY).
func (v *validator) principalKinds(st *statement, ps principalSet) {
	if v.opts.PolicyType == Resource {
		for i := range ps.federated {
			f := &ps.federated[i]
			v.at("FEDERATED_PRINCIPAL_NOT_SUPPORTED", f.n, f.path, fmt.Sprintf("the federated principal %q works only in a role's trust policy, which lets it assume the role: in this resource policy name the role (AWS: arn:aws:iam::ACCOUNT:role/NAME) instead", f.s))
		}
	}
	if len(ps.service) > 0 && len(ps.aws) == 0 && len(ps.federated) == 0 && !ps.star {
		v.serviceOnlyKeys(st, ps)
	}
	if v.opts.PolicyType == Trust {
		v.redundantSessions(ps.aws)
	}
}

// serviceOnlyKeys reports the principal-identity condition keys of a
// statement whose principals are all service principals.
func (v *validator) serviceOnlyKeys(st *statement, ps principalSet) {
	st.eachConditionKey(func(k *policy.Member, path string) {
		for _, p := range principalIdentityKeys {
			if condition.KeyMatches(p, k.Key) {
				v.emit("UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL", k.KeyStart, k.KeyEnd, path, fmt.Sprintf("%s describes an IAM principal's account, organization or tags, which the service principal %s does not have: the key is never in its requests; use aws:SourceArn, aws:SourceAccount or aws:SourceOrgID to say on whose behalf the service may act", k.Key, ps.service[0].s), "aws:SourceArn", "aws:SourceAccount", "aws:SourceOrgID")
			}
		}
	})
}

// redundantSessions reports an assumed-role session principal
// (arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION) whose role
// (arn:aws:iam::ACCOUNT:role/[PATH/]NAME) the same Principal names: the
// role already covers every session of it.
func (v *validator) redundantSessions(aws []item) {
	roles := map[string]string{} // partition:account:name -> role ARN
	for _, it := range aws {
		if part, acct, rest, ok := splitPrincipalARN(it.s, "iam", "role/"); ok && !strings.ContainsAny(rest, "*?") {
			name := rest[strings.LastIndexByte(rest, '/')+1:]
			roles[part+":"+acct+":"+name] = it.s
		}
	}
	if len(roles) == 0 {
		return
	}
	for i := range aws {
		it := &aws[i]
		part, acct, rest, ok := splitPrincipalARN(it.s, "sts", "assumed-role/")
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(rest, "/")
		if role, ok := roles[part+":"+acct+":"+name]; ok {
			v.at("REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY", it.n, it.path, fmt.Sprintf("the assumed-role principal %s is redundant with its role %s, which the Principal names too: remove the assumed-role principal", it.s, role))
		}
	}
}

// splitPrincipalARN splits arn:PARTITION:SERVICE::ACCOUNT:KIND... into
// its partition, account and what follows kind.
func splitPrincipalARN(s, service, kind string) (partition, account, rest string, ok bool) {
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[0] != "arn" || f[2] != service || f[3] != "" {
		return "", "", "", false
	}
	rest, ok = strings.CutPrefix(f[5], kind)
	return f[1], f[4], rest, ok && rest != ""
}
