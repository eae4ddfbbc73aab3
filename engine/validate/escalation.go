package validate

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/internal/wildcard"
)

// bucketEscalations are the S3 bucket-level actions that let a principal
// reach object actions the policy does not allow: a bucket policy or ACL
// it writes can grant them, and a lifecycle rule expires (deletes)
// objects. byService marks the object actions a principal gains by a
// grant it writes itself, which an explicit Deny still blocks; a
// lifecycle rule deletes as S3, so a Deny of s3:DeleteObject does not.
var bucketEscalations = []struct {
	bucket    string
	objects   []string
	byService bool
}{
	{"s3:PutBucketPolicy", []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, false},
	{"s3:PutBucketAcl", []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, false},
	{"s3:PutLifecycleConfiguration", []string{"s3:DeleteObject"}, true},
}

// resourcePolicyEscalation reports, in identity policies, an
// unconditional Allow of a bucket-level action on a bucket whose objects
// the policy does not allow the matching object action on (Parliament's
// RESOURCE_POLICY_PRIVILEGE_ESCALATION): the principal can write itself
// the missing access. A Deny of the bucket action (with or without
// conditions) clears it.
func (v *validator) resourcePolicyEscalation() {
	if v.opts.PolicyType != Identity || v.opts.rejectsOnly {
		return
	}
	for _, st := range v.stmts {
		if st.effect != "Allow" || st.condition != nil || st.resource == nil {
			continue
		}
		for _, esc := range bucketEscalations {
			if !stmtHasAction(st, esc.bucket) {
				continue
			}
			for i := range st.resources {
				r := &st.resources[i]
				if !isBucketResource(r.s) || v.denied(esc.bucket, r.s, true) {
					continue
				}
				objects := "*"
				if r.s != "*" {
					objects = r.s + "/*"
				}
				var missing []string
				for _, o := range esc.objects {
					if v.allowedAnywhere(o, objects) || !esc.byService && v.denied(o, objects, false) {
						continue
					}
					missing = append(missing, o)
				}
				if len(missing) == 0 {
					continue
				}
				how := "a bucket policy or ACL the principal writes can grant them: allow them if they are meant, else remove " + esc.bucket
				if esc.byService {
					how = "a lifecycle rule the principal writes expires (deletes) the objects all the same: remove " + esc.bucket + " if deletes are not meant"
				}
				v.at("RESOURCE_POLICY_PRIVILEGE_ESCALATION", r.n, r.path, fmt.Sprintf("%s is allowed on %q, and the policy does not allow %s on its objects: %s", esc.bucket, r.s, strings.Join(missing, ", "), how))
			}
		}
	}
}

// isBucketResource: "*" or an S3 ARN with no "/" in its resource part.
func isBucketResource(s string) bool {
	if s == "*" {
		return true
	}
	f := strings.SplitN(s, ":", 6)
	return len(f) == 6 && f[2] == "s3" && f[3] == "" && f[4] == "" && f[5] != "" && !strings.Contains(f[5], "/")
}

// stmtHasAction reports whether the statement's Action or NotAction
// covers the action.
func stmtHasAction(st *statement, action string) bool {
	if st.action != nil {
		if st.allActions {
			return true
		}
		for _, a := range st.actions {
			if covers(a.s, action) {
				return true
			}
		}
		return false
	}
	if st.notAction == nil {
		return false
	}
	for _, a := range st.notActions {
		if covers(a.s, action) {
			return false
		}
	}
	return true
}

// stmtHasResource reports whether the statement's Resource or
// NotResource covers the resource (a pattern itself: covered when the
// statement's pattern matches it as text).
func stmtHasResource(st *statement, res string) bool {
	if st.resource != nil {
		for _, r := range st.resources {
			if r.s == "*" || wildcard.Match(r.s, res) {
				return true
			}
		}
		return false
	}
	if st.notResource == nil {
		return false
	}
	for _, r := range st.notResources {
		if r.s == "*" || wildcard.Match(r.s, res) {
			return false
		}
	}
	return true
}

// allowedAnywhere: an Allow statement (conditions or not) grants the
// action on the resource.
func (v *validator) allowedAnywhere(action, res string) bool {
	for _, st := range v.stmts {
		if st.effect == "Allow" && stmtHasAction(st, action) && stmtHasResource(st, res) {
			return true
		}
	}
	return false
}

// denied: a Deny statement covers the action on the resource; with
// anyCondition, conditional Denies count too.
func (v *validator) denied(action, res string, anyCondition bool) bool {
	for _, st := range v.stmts {
		if st.effect == "Deny" && (anyCondition || st.condition == nil) && stmtHasAction(st, action) && stmtHasResource(st, res) {
			return true
		}
	}
	return false
}
