package query

import (
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policyfmt"
)

// ARNTable answers `query arn-table`: the raw ARN formats, the
// name → format map (listTypes), or one resource type's details. An
// unknown service or resource type is a *NotFoundError.
func ARNTable(db *iamdb.DB, svcName, name string, hasName, listTypes bool) (*Result, error) {
	if err := CheckService(db, svcName, false); err != nil {
		return nil, err
	}
	svc := service(db, svcName)
	switch {
	case !hasName && !listTypes:
		var out []string
		if svc != nil {
			for _, r := range svc.Resources {
				out = append(out, r.ARN)
			}
		}
		return &Result{Kind: KindList, Value: nonNil(out)}, nil
	case !hasName:
		obj := policyfmt.Object{}
		if svc != nil {
			for _, r := range svc.Resources {
				obj = append(obj, policyfmt.Field{Key: r.Name, Value: r.ARN})
			}
		}
		return &Result{Kind: KindDict, Value: obj}, nil
	default:
		if svc != nil {
			if r := svc.Resource(name); r != nil {
				return &Result{Kind: KindDict, Value: policyfmt.Object{
					{Key: "resource_type_name", Value: r.Name},
					{Key: "raw_arn", Value: r.ARN},
					{Key: "condition_keys", Value: nonNil(append([]string(nil), r.ConditionKeys...))},
				}}, nil
			}
		}
		if svc == nil {
			return &Result{Kind: KindDict, Value: policyfmt.Object{}}, nil
		}
		names := make([]string, 0, len(svc.Resources))
		for _, r := range svc.Resources {
			names = append(names, r.Name)
		}
		return nil, notFound("resource type", name, svc, names, "policy-sentry query arn-table --list-arn-types --service "+svc.Prefix)
	}
}

// ConditionTable answers `query condition-table`: the service's condition
// keys, or one key's details (matching ${...} and <...> patterns as
// Policy Sentry does). An unknown service or key is a *NotFoundError.
func ConditionTable(db *iamdb.DB, svcName, name string, hasName bool) (*Result, error) {
	if err := CheckService(db, svcName, false); err != nil {
		return nil, err
	}
	svc := service(db, svcName)
	if !hasName {
		var out []string
		if svc != nil {
			for _, c := range svc.Conditions {
				out = append(out, c.Name)
			}
		}
		return &Result{Kind: KindList, Value: nonNil(out)}, nil
	}
	if svc != nil {
		for _, c := range svc.Conditions {
			if ConditionKeyMatch(c.Name, name) {
				return &Result{Kind: KindDict, Value: policyfmt.Object{
					{Key: "name", Value: c.Name},
					{Key: "description", Value: c.Description},
					{Key: "condition_value_type", Value: strings.ToLower(c.Type)},
				}}, nil
			}
		}
	}
	if svc == nil {
		return &Result{Kind: KindDict, Value: policyfmt.Object{}}, nil
	}
	names := make([]string, 0, len(svc.Conditions))
	for _, c := range svc.Conditions {
		names = append(names, c.Name)
	}
	return nil, notFound("condition key", name, svc, names, "policy-sentry query condition-table --service "+svc.Prefix)
}

// ConditionKeyMatch reports whether a key used in a policy (some) matches
// a documented key pattern (doc), e.g. s3:ExistingObjectTag/<key> or
// aws:ResourceTag/${TagKey} against aws:ResourceTag/team.
func ConditionKeyMatch(doc, some string) bool {
	d, s := strings.ToLower(doc), strings.ToLower(some)
	switch {
	case strings.Contains(d, "$"):
		if strings.HasPrefix(s, d[:strings.Index(d, "$")]) {
			return true
		}
	case strings.Contains(d, "<"):
		if strings.HasPrefix(s, d[:strings.Index(d, "<")]) {
			return true
		}
	case strings.Contains(d, "tag-key"):
		if strings.HasPrefix(s, d[:strings.Index(d, "tag-key")]) {
			return true
		}
	}
	return d == s
}

// ServiceTable answers `query service-table`: prefix and name of every
// service, in dataset order.
func ServiceTable(db *iamdb.DB) *Result {
	var out []policyfmt.Value
	for _, s := range db.Services {
		out = append(out, policyfmt.Object{{Key: "prefix", Value: s.Prefix}, {Key: "service_name", Value: s.Name}})
	}
	if out == nil {
		out = []policyfmt.Value{}
	}
	return &Result{Kind: KindDict, Value: out}
}
