package validate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leastpriv/policysentry/engine/diff"
	"github.com/leastpriv/policysentry/engine/policy"
)

// customChecks runs the custom policy checks Options asks for, Access
// Analyzer's CheckAccessNotGranted (MUST_NOT_GRANT, from Guardrails) and
// CheckNoPublicAccess (PUBLIC_ACCESS, with CheckPublic, on resource and
// trust policies), on a document IAM would accept. A document with a
// rejecting finding is not checked: its access is not defined.
func (v *validator) customChecks() {
	if len(v.opts.Guardrails) == 0 && !v.publicApplies() {
		return
	}
	for _, d := range v.out {
		if ch := checkOf(d.Code); ch != nil && ch.Rejects {
			return
		}
	}
	doc, err := policy.Parse(v.src, "")
	if err != nil {
		// The validator accepts some documents the auditor's parser does
		// not (for example a Condition value of an unusual shape); their
		// findings already say what to fix.
		return
	}
	if len(v.opts.Guardrails) > 0 {
		hits, err := diff.CheckNotGranted(v.db, []*policy.Document{doc}, v.opts.Guardrails)
		if err == nil {
			for _, h := range hits {
				msg := fmt.Sprintf("grants %s on %s, which guardrail %q forbids", joinActions(h.Actions), h.Resource, h.Guardrail)
				if h.Why != "" {
					msg += ": " + h.Why
				}
				if h.Conditional {
					msg += " (when the statement's conditions hold)"
				}
				v.atStatement("MUST_NOT_GRANT", h.Statement.Index, msg)
			}
		}
	}
	if v.publicApplies() {
		rt := v.opts.ResourceType
		if v.opts.PolicyType == Trust {
			rt = "AWS::IAM::AssumeRolePolicyDocument"
		} else if !slices.Contains(diff.PublicResourceTypes, rt) {
			rt = ""
		}
		fs, err := diff.CheckNoPublicAccess(doc, rt)
		if err == nil {
			for _, f := range fs {
				v.atStatement("PUBLIC_ACCESS", f.Statement.Index,
					fmt.Sprintf("open to %s (%s): %s", f.Principal, joinActions(f.Actions), f.Detail))
			}
		}
	}
}

// publicApplies: CheckPublic was asked for and the policy has principals.
func (v *validator) publicApplies() bool {
	return v.opts.CheckPublic && (v.opts.PolicyType == Resource || v.opts.PolicyType == Trust)
}

// atStatement emits a finding spanning the statement with the index.
func (v *validator) atStatement(code string, index int, msg string) {
	for _, s := range v.stmts {
		if s.index == index {
			v.at(code, s.n, s.path, msg)
			return
		}
	}
	v.emit(code, 0, 0, fmt.Sprintf("$.Statement[%d]", index), msg)
}

// joinActions lists at most five actions.
func joinActions(acts []string) string {
	if len(acts) <= 5 {
		return strings.Join(acts, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(acts[:5], ", "), len(acts)-5)
}
