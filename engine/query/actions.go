package query

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policyfmt"
)

// ActionTableOptions are the action-table flags.
type ActionTableOptions struct {
	Service      string
	Name         string
	HasName      bool
	AccessLevel  string // read, write, list, tagging, permissions-management ("" for none)
	Condition    string
	ResourceType string
}

// ActionTable answers `query action-table`. An unknown service, action
// name, resource type or condition key is a *NotFoundError with
// suggestions; the filters combine as in Policy Sentry 0.16.
func ActionTable(db *iamdb.DB, o ActionTableOptions) (*Result, error) {
	if err := CheckService(db, o.Service, true); err != nil {
		return nil, err
	}
	svcName := o.Service
	if svcName == "catalog" {
		svcName = ""
	}
	var level iamdb.AccessLevel
	if o.AccessLevel != "" {
		l, err := iamdb.ParseAccessLevel(o.AccessLevel)
		if err != nil {
			return nil, err
		}
		level = l
	}
	if svcName == "all" {
		switch {
		case o.AccessLevel != "":
			var out []string
			for _, s := range db.Services {
				out = append(out, withLevel(s, s.Prefix, level)...)
			}
			return &Result{Header: o.AccessLevel + " actions across ALL services:\n", Kind: KindList, Value: out}, nil
		case o.ResourceType == "*":
			var out []string
			for _, s := range db.Services {
				out = append(out, wildcardOnly(s, s.Prefix, 0)...)
			}
			return &Result{Header: "ALL actions that do not support resource ARN constraints", Kind: KindDict, Value: out}, nil
		default:
			return &Result{Header: "All services in the database:\n", Kind: KindList, Value: db.Prefixes()}, nil
		}
	}
	svc := service(db, svcName)
	var err error
	switch {
	case !o.HasName && o.AccessLevel != "" && o.ResourceType != "", o.Condition == "" && o.ResourceType != "":
		err = checkResourceType(svc, o.ResourceType)
	case !o.HasName && o.AccessLevel != "":
	case o.Condition != "":
		err = checkCondition(svc, o.Condition)
	case o.HasName && o.AccessLevel == "":
		err = checkAction(svc, o.Name)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case !o.HasName && o.AccessLevel != "" && o.ResourceType == "":
		return &Result{Header: fmt.Sprintf("All IAM actions under the %s service that have the access level %s:", svcName, o.AccessLevel),
			Kind: KindDict, Value: nonNil(withLevel(svc, svcName, level))}, nil
	case !o.HasName && o.AccessLevel != "" && o.ResourceType != "":
		var out []string
		if o.ResourceType == "*" {
			out = wildcardOnly(svc, svcName, level)
		} else if svc != nil {
			for _, a := range svc.Actions() {
				if a.AccessLevel == level && a.SupportsResource(o.ResourceType) {
					out = append(out, svc.Prefix+":"+a.Name)
				}
			}
		}
		return &Result{Header: fmt.Sprintf("%s %s actions that have the resource type %s:", svcName, strings.ToUpper(o.AccessLevel), strings.ToUpper(o.ResourceType)),
			Kind: KindList, Value: nonNil(out)}, nil
	case o.Condition != "":
		var out []string
		if svc != nil {
			for _, a := range svc.Actions() {
				for _, r := range a.Resources {
					if containsExact(r.ConditionKeys, o.Condition) {
						out = append(out, svcName+":"+a.Name)
					}
				}
			}
		}
		return &Result{Header: fmt.Sprintf("IAM actions under %s service that support the %s condition only:", svcName, o.Condition),
			Kind: KindList, Value: nonNil(out)}, nil
	case o.ResourceType != "":
		var out []string
		if o.ResourceType == "*" {
			out = wildcardOnly(svc, svcName, 0)
		} else if svc != nil {
			for _, a := range svc.Actions() {
				if a.SupportsResource(o.ResourceType) {
					out = append(out, svcName+":"+a.Name)
				}
			}
		}
		return &Result{Header: fmt.Sprintf("IAM actions under %s service that have the resource type %s:", svcName, o.ResourceType),
			Kind: KindDict, Value: nonNil(out)}, nil
	case o.HasName && o.AccessLevel == "":
		return &Result{Kind: KindDict, Value: actionData(svc, svcName, o.Name)}, nil
	default:
		var out []string
		if svc != nil {
			for _, a := range svc.Actions() {
				out = append(out, svcName+":"+a.Name)
			}
		}
		return &Result{Header: fmt.Sprintf("ALL %s actions:", svcName), Kind: KindList, Value: nonNil(out)}, nil
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func withLevel(svc *iamdb.Service, name string, level iamdb.AccessLevel) []string {
	var out []string
	if svc == nil {
		return out
	}
	for _, a := range svc.Actions() {
		if a.AccessLevel == level {
			out = append(out, name+":"+a.Name)
		}
	}
	return out
}

// wildcardOnly lists the actions that support only Resource "*", at a
// level (0 for any).
func wildcardOnly(svc *iamdb.Service, name string, level iamdb.AccessLevel) []string {
	var out []string
	if svc == nil {
		return out
	}
	for _, a := range svc.Actions() {
		if (level == 0 || a.AccessLevel == level) && len(a.Resources) == 1 && a.Resources[0].Name == "" {
			out = append(out, name+":"+a.Name)
		}
	}
	return out
}

// actionData is Policy Sentry's get_action_data: one entry per resource
// type of the action, under the service's key; {} when nothing matches.
// A trailing "*" in the name matches every action with that prefix.
func actionData(svc *iamdb.Service, svcName, name string) policyfmt.Value {
	if svc == nil {
		return policyfmt.Object{}
	}
	var actions []*iamdb.Action
	if prefix, ok := strings.CutSuffix(name, "*"); ok {
		for _, a := range svc.Actions() {
			if strings.HasPrefix(a.Name, prefix) {
				actions = append(actions, a)
			}
		}
	} else if a := svc.Action(name); a != nil {
		actions = append(actions, a)
	} else {
		return policyfmt.Object{}
	}
	var entries []policyfmt.Value
	for _, a := range actions {
		entries = append(entries, ActionEntries(a)...)
	}
	if entries == nil {
		entries = []policyfmt.Value{}
	}
	return policyfmt.Object{{Key: svcName, Value: entries}}
}

// ActionEntries returns Policy Sentry's per-resource-type rows for an
// action: action, description, access_level, api_documentation_link,
// resource_arn_format, condition_keys, dependent_actions. As in Policy
// Sentry, dependent_actions accumulates over the rows.
func ActionEntries(a *iamdb.Action) []policyfmt.Value {
	var wildcardKeys []string
	for _, r := range a.Resources {
		if r.Name == "" {
			wildcardKeys = r.ConditionKeys
		}
	}
	var out []policyfmt.Value
	var deps []string
	for _, r := range a.Resources {
		format := "*"
		var keys []string
		deps = append(deps, r.DependentActions...)
		if r.Name != "" {
			if res := a.Service.Resource(r.Name); res != nil && res.Name == r.Name {
				format = res.ARN
				keys = append(keys, res.ConditionKeys...)
			}
		}
		keys = append(keys, wildcardKeys...)
		var doc policyfmt.Value
		if a.DocURL != "" {
			doc = a.DocURL
		}
		out = append(out, policyfmt.Object{
			{Key: "action", Value: a.Service.Prefix + ":" + a.Name},
			{Key: "description", Value: a.Description},
			{Key: "access_level", Value: a.AccessLevel.String()},
			{Key: "api_documentation_link", Value: doc},
			{Key: "resource_arn_format", Value: format},
			{Key: "condition_keys", Value: nonNil(append([]string(nil), keys...))},
			{Key: "dependent_actions", Value: nonNil(append([]string(nil), deps...))},
		})
	}
	return out
}

func containsExact(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
