package arn

import "strings"

// ServiceWide reports whether a policy resource is an ARN pattern of the
// service with wildcards (or nothing) for its region and account and "*"
// for its resource part, such as arn:aws:s3:::* or arn:aws:iam::*:*: the
// service's whole ARN space. AWS's own examples grant actions without
// resource types (s3:ListAllMyBuckets) on such ARNs, so the validator
// does not call such a grant empty (RESOURCE_MISMATCH). The audit and the
// simulator keep the Service Authorization Reference's rule (only "*"
// reaches an action without resource types) until IAM documents more.
func ServiceWide(res, service string) bool {
	f := strings.SplitN(res, ":", 6)
	if len(f) != 6 || f[0] != "arn" || !strings.EqualFold(f[2], service) {
		return false
	}
	for _, x := range f[3:5] {
		if strings.Trim(x, "*") != "" {
			return false
		}
	}
	return f[5] == "*"
}
