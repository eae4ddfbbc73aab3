// Package sar imports AWS's machine-readable Service Authorization
// Reference: the per-service JSON files listed at
// https://servicereference.us-east-1.amazonaws.com/ (an index of
// {"service", "url"} entries; each url serves one service's file).
//
// A service file has the service prefix (Name), its actions (Name,
// ActionConditionKeys, Annotations.Properties with the IsList, IsWrite,
// IsTaggingOnly and IsPermissionManagement flags, and the resource types
// the action supports), its resource types (Name, ARNFormats), its
// condition keys (Name, Types) and the schema Version. A resource type may
// also list its condition keys (ConditionKeys); they are kept when present.
//
// The format has no descriptions, no "required" marks on an action's
// resource types, no per-resource-type condition keys of actions and no
// dependent actions; those fields stay empty in the imported database.
package sar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/leastpriv/policysentry/engine/diag"
	"io/fs"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// File is the JSON shape of one per-service file.
type File struct {
	// Name is the service prefix, e.g. "s3".
	Name    string   `json:"Name"`
	Actions []Action `json:"Actions"`
	// Resources are the service's resource types.
	Resources     []Resource     `json:"Resources"`
	ConditionKeys []ConditionKey `json:"ConditionKeys"`
	// Version is the schema version, e.g. "v1.4".
	Version string `json:"Version"`
}

// Action is one action of a service file.
type Action struct {
	Name                string   `json:"Name"`
	ActionConditionKeys []string `json:"ActionConditionKeys"`
	Annotations         struct {
		Properties Properties `json:"Properties"`
	} `json:"Annotations"`
	Resources []struct {
		Name string `json:"Name"`
	} `json:"Resources"`
}

// Properties are the access-level flags of an action.
type Properties struct {
	IsList                 bool `json:"IsList"`
	IsPermissionManagement bool `json:"IsPermissionManagement"`
	IsTaggingOnly          bool `json:"IsTaggingOnly"`
	IsWrite                bool `json:"IsWrite"`
}

// Resource is one resource type of a service file. ConditionKeys is not
// in every file; it is used when present.
type Resource struct {
	Name          string   `json:"Name"`
	ARNFormats    []string `json:"ARNFormats"`
	ConditionKeys []string `json:"ConditionKeys"`
}

// ConditionKey is one condition key of a service file.
type ConditionKey struct {
	Name  string   `json:"Name"`
	Types []string `json:"Types"`
}

// AccessLevel maps the flags to one access level. Several flags can be
// set at once (a permissions-management or tagging action is also a
// write); the most specific wins: permissions management, then tagging,
// then write, then list; an action with no flag is a read.
func (p Properties) AccessLevel() iamdb.AccessLevel {
	switch {
	case p.IsPermissionManagement:
		return iamdb.PermissionsManagement
	case p.IsTaggingOnly:
		return iamdb.Tagging
	case p.IsWrite:
		return iamdb.Write
	case p.IsList:
		return iamdb.List
	}
	return iamdb.Read
}

// ParseService decodes one service file; file names it in errors, which
// give the line and column of a syntax or type error.
func ParseService(b []byte, file string) (*iamdb.Service, string, error) {
	var f File
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&f); err != nil {
		return nil, "", fmt.Errorf("%s: %w", position(b, file, err), err)
	}
	if strings.TrimSpace(f.Name) == "" {
		return nil, "", fmt.Errorf("%s: no service Name: is this a per-service file of the Service Authorization Reference?", file)
	}
	s := &iamdb.Service{Prefix: f.Name, Name: f.Name}
	for _, r := range f.Resources {
		arn := ""
		if len(r.ARNFormats) > 0 {
			arn = r.ARNFormats[0]
		}
		s.Resources = append(s.Resources, &iamdb.Resource{Name: r.Name, ARN: arn, ConditionKeys: r.ConditionKeys})
	}
	for _, c := range f.ConditionKeys {
		typ := ""
		if len(c.Types) > 0 {
			typ = c.Types[0]
		}
		s.Conditions = append(s.Conditions, &iamdb.Condition{Name: c.Name, Type: typ})
	}
	for i, a := range f.Actions {
		if strings.TrimSpace(a.Name) == "" {
			return nil, "", fmt.Errorf("%s: Actions[%d] has no Name", file, i)
		}
		x := &iamdb.Action{Name: a.Name, AccessLevel: a.Annotations.Properties.AccessLevel()}
		for _, r := range a.Resources {
			x.Resources = append(x.Resources, iamdb.ActionResource{Name: r.Name})
		}
		x.Resources = append(x.Resources, iamdb.ActionResource{ConditionKeys: a.ActionConditionKeys})
		s.SetActions(append(s.Actions(), x))
	}
	return s, f.Version, nil
}

// position turns a JSON decoding error into "file:line:column" (column
// in characters, as engine/diag counts).
func position(b []byte, file string, err error) string {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(b)) {
		return file
	}
	return diag.NewLines(file, b).Position(int(off)).String()
}

// ParseDir imports every per-service file (*.json) in fsys; a file whose
// top level is a JSON array (the index) is skipped. Services are sorted by
// prefix, so the result does not depend on the order of the files. The
// manifest gets Source "sar" and, unless set, the files' schema Version.
func ParseDir(fsys fs.FS, m iamdb.Manifest) (*iamdb.DB, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	var services []*iamdb.Service
	versions := map[string]bool{}
	seen := map[string]string{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && t[0] == '[' {
			continue // the index of services
		}
		s, v, err := ParseService(b, name)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[strings.ToLower(s.Prefix)]; dup {
			return nil, fmt.Errorf("%s: service %s is also in %s: keep one file per service", name, s.Prefix, prev)
		}
		seen[strings.ToLower(s.Prefix)] = name
		if v != "" {
			versions[v] = true
		}
		services = append(services, s)
	}
	if len(services) == 0 {
		return nil, errors.New("no per-service JSON files found: download them from the URLs listed at https://servicereference.us-east-1.amazonaws.com/")
	}
	sort.Slice(services, func(i, j int) bool { return services[i].Prefix < services[j].Prefix })
	m.Source = "sar"
	if m.Version == "" {
		vs := make([]string, 0, len(versions))
		for v := range versions {
			vs = append(vs, v)
		}
		sort.Strings(vs)
		m.Version = strings.Join(vs, ",")
	}
	return iamdb.New(m, services), nil
}
