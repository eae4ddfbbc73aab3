// Package simulate evaluates requests offline with AWS's policy
// evaluation logic: identity policies, a resource-based policy (same- and
// cross-account rules), a permissions boundary, session policies, and the
// SCPs and RCPs of each level of an organization, with every condition
// operator, policy variables, wildcards and the Not* elements.
//
// One concept per file:
//   - request.go: the request (principal, action, resource, context keys);
//   - principal.go: who the principal is and how Principal/NotPrincipal
//     entries match it;
//   - glob.go: IAM wildcards (* and ?) for actions, resources and ARNs;
//   - variables.go: policy variables (${aws:username}, defaults, escapes);
//   - condition.go: the condition evaluator (operators, IfExists, set
//     qualifiers, absent and empty keys);
//   - compile.go: a policy document compiled for fast evaluation, and the
//     compile cache;
//   - evaluate.go: the evaluation order and the decision;
//   - result.go: the answer with its reasons (deciding statements,
//     condition values, the nearest statement for an implicit deny);
//   - authdetails.go: a principal's policies from an authorization-details
//     dump.
//
// See README.md for the evaluation order and what is approximated.
package simulate
