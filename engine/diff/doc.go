// Package diff answers the questions teams ask before merging an IAM
// change, offline: does the new policy grant access the old one did not
// (Access Analyzer's CheckNoNewAccess), does a policy grant access it must
// never grant (CheckAccessNotGranted), and does a resource policy open a
// resource to the public (CheckNoPublicAccess).
//
// A policy is reduced to grants: per action of the dataset (wildcards and
// NotAction expanded), the resource patterns (or NotResource patterns) an
// Allow statement gives it, with the statement's conditions. Deny
// statements are kept beside them. NEW grants new access where one of its
// grants is not covered by an OLD grant of the same action: an OLD pattern
// that matches every ARN the NEW pattern matches, with conditions that are
// the same or looser. A Deny of OLD that NEW no longer has may grant new
// access too. Conditions are compared conservatively: identical conditions
// never report; a removed or loosened condition reports "may grant".
//
// The files: glob.go (pattern containment and overlap), conditions.go
// (conditions as comparable clauses), grants.go (policies to grants),
// compare.go (Compare), guard.go (must-not-grant), public.go (public
// access), report.go (text, JSON and SARIF).
package diff
