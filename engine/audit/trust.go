package audit

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/leastpriv/policysentry/engine/internal/lazyre"
	"github.com/leastpriv/policysentry/engine/policy"
	"github.com/leastpriv/policysentry/engine/simulate"
)

// TrustList is the id of trust-policy findings.
const TrustList = "trust"

// trustKinds are the trust-policy findings: severity and explanation.
var trustKinds = map[string]struct {
	sev Severity
	why string
}{
	"trust-anyone":              {SeverityCritical, "Any AWS principal, in any account, can assume the role: its permissions are public."},
	"trust-anyone-conditioned":  {SeverityHigh, "Any AWS principal can assume the role; the conditions do not limit the caller's account or organization (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount)."},
	"trust-anyone-limited":      {SeverityLow, "Any principal may assume the role, but a condition limits the caller's account, organization or ARN."},
	"trust-cross-account":       {SeverityMedium, "Principals of another account that is not in known-accounts can assume the role (that account's administrators decide who)."},
	"trust-cross-account-extid": {SeverityLow, "Another account can assume the role with an external id (a third party, such as a vendor)."},
	"trust-github-no-sub":       {SeverityCritical, "GitHub Actions OIDC without a token.actions.githubusercontent.com:sub condition (or with a sub that matches any repository): any GitHub repository's workflow can assume the role."},
	"trust-github-wide-sub":     {SeverityMedium, "GitHub Actions OIDC with a sub condition that matches many workflows (a wildcard over repositories, branches or environments)."},
	"trust-oidc-no-sub":         {SeverityHigh, "An OIDC provider without a sub (or, for Cognito, aud) condition: every identity the provider issues tokens for can assume the role."},
	"trust-saml-no-aud":         {SeverityMedium, "A SAML provider without a SAML:aud condition: assertions for any audience are accepted."},
	"trust-saml":                {SeverityLow, "The SAML provider's users who are given this role can assume it (the identity provider decides)."},
	"trust-compute-service":     {SeverityLow, "A compute service can assume the role: code running there gets its credentials, so whoever can run code on that service, or pass this role to it, gets them too."},
}

// computeServices are service principals that run customer code with the
// role's credentials.
var computeServices = map[string]bool{
	"ec2.amazonaws.com": true, "lambda.amazonaws.com": true, "edgelambda.amazonaws.com": true, "ecs-tasks.amazonaws.com": true,
	"ecs.amazonaws.com": true, "glue.amazonaws.com": true, "sagemaker.amazonaws.com": true, "codebuild.amazonaws.com": true,
	"batch.amazonaws.com": true, "build.apprunner.amazonaws.com": true, "tasks.apprunner.amazonaws.com": true,
	"elasticmapreduce.amazonaws.com": true, "datapipeline.amazonaws.com": true, "cloudformation.amazonaws.com": true,
	"pods.eks.amazonaws.com": true, "bedrock-agentcore.amazonaws.com": true, "ssm.amazonaws.com": true,
	"states.amazonaws.com": true, "codepipeline.amazonaws.com": true,
}

// limitingKeys are condition keys that limit who the caller is.
var limitingKeys = []string{"aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
	"aws:sourceaccount", "aws:sourceorgid", "aws:sourcearn", "aws:userid", "aws:sourceidentity"}

var accountInARN = lazyre.New(`^arn:[^:]*:(?:iam|sts)::([0-9]{12}):`)

// TrustFindings assesses a role's trust policy (its
// AssumeRolePolicyDocument, as JSON text). roleAccount is the role's
// account id ("" if unknown); known are accounts that raise no
// cross-account finding (globs).
func TrustFindings(doc []byte, name, roleAccount string, known *Exclusions) ([]Finding, error) {
	d, err := policy.Parse(doc, name)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for i := range d.Statement {
		s := &d.Statement[i]
		if s.Effect != "Allow" || len(s.Principal) == 0 {
			continue
		}
		acts := trustActions(s)
		if len(acts) == 0 {
			continue
		}
		keys, values := conditionKeys(s.Condition)
		add := func(kind, detail string) {
			k := trustKinds[kind]
			out = append(out, Finding{List: TrustList, Title: "Role trust policy", Severity: k.sev, Path: kind, Actions: acts,
				Statements: []string{"trust policy: " + s.Label()}, Unconstrained: !s.HasCondition(), Conditioned: s.HasCondition(),
				Why: k.why, Detail: detail, key: kind})
		}
		pr := principals(s.Principal)
		for _, p := range pr["AWS"] {
			switch {
			case p == "*":
				switch {
				case !s.HasCondition():
					add("trust-anyone", "Principal *")
				case assumableByAnyone(d, roleAccount, acts):
					add("trust-anyone", "Principal * with "+strings.Join(sortedKeys(keys), ", ")+
						": the simulator allows a caller from an unrelated account that sends no condition keys")
				case hasAny(keys, limitingKeys):
					add("trust-anyone-limited", "Principal * with "+strings.Join(sortedKeys(keys), ", "))
				default:
					add("trust-anyone-conditioned", "Principal * with "+strings.Join(sortedKeys(keys), ", "))
				}
			default:
				acct := p
				if m := accountInARN.FindStringSubmatch(p); m != nil {
					acct = m[1]
				}
				if len(acct) != 12 || acct == roleAccount || known.KnownAccount(acct) {
					continue
				}
				if keys["sts:externalid"] {
					add("trust-cross-account-extid", p)
				} else {
					add("trust-cross-account", p)
				}
			}
		}
		for _, p := range pr["Federated"] {
			lp := strings.ToLower(p)
			switch {
			case strings.Contains(lp, "token.actions.githubusercontent.com"):
				subs, ok := values["token.actions.githubusercontent.com:sub"]
				switch {
				case !ok:
					add("trust-github-no-sub", p)
				case anyWide(subs, true):
					add("trust-github-no-sub", p+" sub "+strings.Join(subs, ", "))
				case anyWide(subs, false):
					add("trust-github-wide-sub", p+" sub "+strings.Join(subs, ", "))
				}
			case strings.Contains(lp, ":saml-provider/"):
				if !keys["saml:aud"] {
					add("trust-saml-no-aud", p)
				} else {
					add("trust-saml", p)
				}
			default:
				host := strings.ToLower(p)
				if i := strings.Index(host, "oidc-provider/"); i >= 0 {
					host = host[i+len("oidc-provider/"):]
				}
				need := host + ":sub"
				if strings.HasPrefix(host, "cognito-identity.amazonaws.com") {
					need = "cognito-identity.amazonaws.com:aud"
				}
				if !keys[need] {
					add("trust-oidc-no-sub", p)
				}
			}
		}
		for _, p := range pr["Service"] {
			if computeServices[strings.ToLower(p)] {
				add("trust-compute-service", p)
			}
		}
	}
	return out, nil
}

// trustActions are the statement's sts:AssumeRole* actions (NotAction:
// every one it does not name).
func trustActions(s *policy.Statement) []string {
	all := []string{"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"}
	var out []string
	for _, a := range all {
		hit := false
		if len(s.NotAction) > 0 {
			hit = true
			for _, p := range s.NotAction {
				if matchAction(p, a) {
					hit = false
				}
			}
		} else {
			for _, p := range s.Action {
				hit = hit || matchAction(p, a)
			}
		}
		if hit {
			out = append(out, a)
		}
	}
	return out
}

func matchAction(p, a string) bool {
	ok, _ := globFold(p, a)
	return ok
}

func globFold(p, s string) (bool, error) {
	return matchAny([]string{p}, s), nil
}

// principals reads a Principal value: "*" is {"AWS": ["*"]}.
func principals(raw json.RawMessage) map[string][]string {
	out := map[string][]string{}
	var star string
	if json.Unmarshal(raw, &star) == nil {
		if star == "*" {
			out["AWS"] = []string{"*"}
		}
		return out
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return out
	}
	for k, v := range m {
		out[k] = stringOrList(v)
	}
	return out
}

func stringOrList(v json.RawMessage) []string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return []string{s}
	}
	var l []string
	_ = json.Unmarshal(v, &l)
	return l
}

// conditionKeys returns a Condition's keys (lower-cased) and their
// values.
func conditionKeys(raw json.RawMessage) (map[string]bool, map[string][]string) {
	keys, values := map[string]bool{}, map[string][]string{}
	var ops map[string]map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &ops) != nil {
		return keys, values
	}
	for _, kv := range ops {
		for k, v := range kv {
			lk := strings.ToLower(k)
			keys[lk] = true
			values[lk] = append(values[lk], stringOrList(v)...)
		}
	}
	return keys, values
}

func hasAny(keys map[string]bool, want []string) bool {
	for _, k := range want {
		if keys[k] {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// anyWide reports whether a GitHub sub value matches any repository
// (all: "*", "repo:*") or many workflows (a wildcard anywhere).
func anyWide(subs []string, all bool) bool {
	for _, s := range subs {
		if all {
			if t := strings.TrimRight(s, "*"); t == "" || strings.EqualFold(t, "repo:") {
				return true
			}
			continue
		}
		if strings.ContainsAny(s, "*?") {
			return true
		}
	}
	return false
}

func (a *account) trustFindings(p principalIn) ([]Finding, error) {
	text, err := documentText(p.trust)
	if err != nil {
		return nil, fmt.Errorf("%s: %s trust policy: %w", a.file, p.name, err)
	}
	acct := ""
	if f := strings.SplitN(p.arn, ":", 6); len(f) == 6 {
		acct = f[4]
	}
	fs, err := TrustFindings(text, p.name+" trust policy", acct, a.excl)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", a.file, p.name, err)
	}
	return fs, nil
}

// assumableByAnyone asks the simulator (AWS's evaluation logic) whether a
// role in an unrelated account, whose own policies allow everything and
// whose request carries no condition keys but those AWS sets from the
// caller, may assume the role under this trust policy with one of acts.
// When it may, the statement's conditions restrict nobody (IfExists
// forms, Null tests, wildcard values, ForAllValues on absent keys), and a
// Principal * is as open as without them. A policy the simulator cannot
// compile is left to the key-based assessment.
func assumableByAnyone(d *policy.Document, roleAccount string, acts []string) bool {
	trust, err := simulate.Compile(d)
	if err != nil {
		return false
	}
	if len(roleAccount) != 12 {
		roleAccount = "111122223333"
	}
	outsider := "999999999999"
	if roleAccount == outsider {
		outsider = "999999999998"
	}
	set := simulate.Set{Identity: []*simulate.Policy{callerPolicy()}, Resource: trust, ResourcePolicyRequired: true}
	for _, a := range acts {
		r := set.Evaluate(&simulate.Request{PrincipalARN: "arn:aws:iam::" + outsider + ":role/outsider", Action: a,
			Resource: "arn:aws:iam::" + roleAccount + ":role/assessed"})
		if r.Decision == simulate.Allowed {
			return true
		}
	}
	return false
}

// callerPolicy is the outside caller's own identity policy: everything.
var callerPolicy = sync.OnceValue(func() *simulate.Policy {
	p, err := simulate.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), "caller")
	if err != nil {
		panic(err) // a constant policy
	}
	return p
})
