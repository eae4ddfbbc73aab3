package validate

import (
	"github.com/leastpriv/policysentry/engine/internal/wildcard"

	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// rcpServices are the services resource control policies apply to
// (AWS Organizations User Guide, "Resource control policies": "List of
// AWS services that support RCPs").
var rcpServices = []string{"s3", "sts", "kms", "sqs", "secretsmanager", "cognito-identity", "logs", "dynamodb", "ecr", "aoss"}

// policyTypeRules checks the rules of SCPs, RCPs and role trust policies
// that concern actions, effects and resources.
func (v *validator) policyTypeRules(st *statement) {
	switch v.opts.PolicyType {
	case Trust:
		for _, n := range []struct {
			name string
			ok   bool
		}{{"Resource", st.resource != nil}, {"NotResource", st.notResource != nil}} {
			if n.ok {
				node := st.resource
				if n.name == "NotResource" {
					node = st.notResource
				}
				v.at("ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", node, st.path+"."+n.name, fmt.Sprintf("%s is not allowed in a role trust policy: the role itself is the resource; remove it", n.name))
			}
		}
	case RCP:
		if st.effect == "Allow" {
			v.at("RCP_SYNTAX_ERROR_EFFECT", st.n.Get("Effect"), st.path+".Effect", "resource control policies deny: only AWS's RCPFullAWSAccess policy may allow; write a Deny statement with conditions", "Deny")
		}
		for _, list := range [][]item{st.actions, st.notActions} {
			for _, a := range list {
				if a.s == "*" {
					v.at("RCP_SYNTAX_ERROR_ACTION_WILDCARD", a.n, a.path, "a customer RCP cannot name the action \"*\": name service actions (for example s3:*)")
					continue
				}
				prefix, _, _ := strings.Cut(strings.ToLower(a.s), ":")
				if !strings.ContainsAny(prefix, "*?") && !contains(rcpServices, prefix) {
					v.at("RCP_UNSUPPORTED_SERVICE", a.n, a.path, fmt.Sprintf("RCPs do not apply to %s: they cover %s", prefix, strings.Join(rcpServices, ", ")))
				}
			}
		}
	}
}

// privileged runs the iam:PassRole and iam:CreateServiceLinkedRole
// checks on Allow statements.
func (v *validator) privileged(st *statement) {
	if st.effect != "Allow" || (v.opts.PolicyType != Identity && v.opts.PolicyType != Resource) {
		return
	}
	v.privilegedAction(st, "iam:PassRole", "iam:passedtoservice", "PASS_ROLE_WITH_", "any role can be passed to any service: name the roles in Resource or add an iam:PassedToService condition")
	v.privilegedAction(st, "iam:CreateServiceLinkedRole", "iam:awsservicename", "CREATE_SLR_WITH_", "any service-linked role can be created: name the roles in Resource or add an iam:AWSServiceName condition")
}

func (v *validator) privilegedAction(st *statement, action, key, codePrefix, advice string) {
	if st.condKeys[key] {
		return
	}
	var act *item
	actMode := ""
	for i := range st.actions {
		a := &st.actions[i]
		if strings.EqualFold(a.s, action) {
			act, actMode = a, "exact"
			break
		}
		if actMode == "" && covers(a.s, action) {
			act, actMode = a, "star"
		}
	}
	// With both Action and NotAction (or Resource and NotResource) the
	// statement is UNSUPPORTED_ELEMENT_COMBINATION; the Not element is not
	// read as a grant on top of that.
	if st.notAction != nil && st.action == nil {
		excluded := false
		for _, a := range st.notActions {
			excluded = excluded || covers(a.s, action)
		}
		if !excluded {
			actMode = "not"
		}
	}
	if actMode == "" {
		return
	}
	resMode := ""
	var res *item
	for i := range st.resources {
		if st.resources[i].s == "*" {
			resMode, res = "star", &st.resources[i]
		}
	}
	if st.notResource != nil && st.resource == nil {
		resMode = "not"
	}
	if resMode == "" {
		return
	}
	code := map[string]string{
		"exact/star": "STAR_IN_RESOURCE", "star/star": "STAR_IN_ACTION_AND_RESOURCE", "not/star": "STAR_IN_RESOURCE_AND_NOT_ACTION",
		"exact/not": "NOT_RESOURCE", "star/not": "STAR_IN_ACTION_AND_NOT_RESOURCE", "not/not": "NOT_ACTION_AND_NOT_RESOURCE",
	}[actMode+"/"+resMode]
	var how string
	switch actMode {
	case "exact":
		how = "the statement allows " + action
	case "star":
		how = fmt.Sprintf("the action %q allows %s", act.s, action)
	default:
		how = "NotAction allows " + action
	}
	if resMode == "star" {
		how += " on Resource \"*\""
	} else {
		how += " with NotResource"
	}
	switch {
	case act != nil:
		v.at(codePrefix+code, act.n, act.path, how+": "+advice)
	case res != nil:
		v.at(codePrefix+code, res.n, res.path, how+": "+advice)
	default:
		v.at(codePrefix+code, st.notAction, st.path+".NotAction", how+": "+advice)
	}
}

// redundantItems reports Action or Resource values already covered by
// another value of the same element: listed twice, or matched by a
// wildcard value. Only values with wildcards can cover others, so the
// cost is the number of values times the number of wildcard values.
func (v *validator) redundantItems(items []item, actions bool) {
	if len(items) < 2 {
		return
	}
	code, what := "REDUNDANT_RESOURCE", "resource"
	if actions {
		code, what = "REDUNDANT_ACTION", "action"
	}
	norm := func(s string) string {
		if actions {
			return strings.ToLower(s)
		}
		return s
	}
	var pats []int
	first := make(map[string]int, len(items))
	normed := make([]string, len(items))
	for i := range items {
		normed[i] = norm(items[i].s)
		if strings.ContainsAny(items[i].s, "*?") {
			pats = append(pats, i)
		}
	}
	for i := range items {
		a := normed[i]
		if _, dup := first[a]; dup {
			v.at(code, items[i].n, items[i].path, fmt.Sprintf("the %s %q is listed twice: remove it", what, items[i].s))
			continue
		}
		first[a] = i
		aWild := strings.ContainsAny(a, "*?")
		for _, j := range pats {
			if j == i {
				continue
			}
			b := normed[j]
			if b == a || (aWild && strings.Trim(b, "*") != "") {
				continue
			}
			var cov bool
			if actions {
				cov = iamdb.GlobLower(b, a)
			} else {
				cov = wildcard.Match(b, a)
			}
			if cov {
				v.at(code, items[i].n, items[i].path, fmt.Sprintf("the %s %q is already covered by %q in the same statement: remove it", what, items[i].s, items[j].s))
				break
			}
		}
	}
}
