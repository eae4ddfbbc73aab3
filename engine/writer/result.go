package writer

import "github.com/leastpriv/policysentry/engine/diag"

// Options control policy writing.
type Options struct {
	// Minimize enables safe wildcard minimization (--minimize).
	Minimize bool
	// MinLength is the minimum prefix length of minimized actions (--minimize N).
	MinLength int
}

// Result is a written policy with its warnings.
type Result struct {
	// Policy is the written policy.
	Policy *Policy
	// Warnings are in template order, each a diag.Warning at the template
	// entry it is about: an ARN that matches no resource type, an unknown
	// service, ...
	Warnings diag.List
}

// The codes of the writer's diagnostics: IAM Access Analyzer's where it
// has a check for the same problem, so that a template entry and a policy
// element with the same mistake get the same code.
const (
	// CodeInvalidAction: an action that is not service:Action, or that
	// the service does not have.
	CodeInvalidAction = "INVALID_ACTION"
	// CodeInvalidServiceInAction: an action whose service does not exist.
	CodeInvalidServiceInAction = "INVALID_SERVICE_IN_ACTION"
	// CodeInvalidService: an ARN or wildcard-only entry naming no service.
	CodeInvalidService = "INVALID_SERVICE"
	// CodeInvalidARN: an entry that is not an ARN.
	CodeInvalidARN = "INVALID_ARN"
	// CodeInvalidARNResource: an ARN that matches none of its service's
	// resource types' ARN formats.
	CodeInvalidARNResource = "INVALID_ARN_RESOURCE"
	// CodeNoActionAtLevel: an ARN that matches a resource type no action
	// of the access level applies to.
	CodeNoActionAtLevel = "NO_ACTION_AT_ACCESS_LEVEL"
	// CodeNeedsResource: a wildcard-only action that supports resource
	// types, so it is not granted on "*".
	CodeNeedsResource = "ACTION_SUPPORTS_RESOURCE_TYPES"
	// CodeBroadActionPattern: an action pattern that grants every action
	// of a service, or more than 100 actions: written, with a warning.
	CodeBroadActionPattern = "BROAD_ACTION_PATTERN"
	// CodeConditionKeyNotSupported: a template condition key that no
	// action it applies to supports: left out.
	CodeConditionKeyNotSupported = "CONDITION_KEY_NOT_SUPPORTED"
	// CodeConditionKeyPartlySupported: a template condition key that
	// only some of the actions it applies to support: the others are
	// written in statements of their own, without it.
	CodeConditionKeyPartlySupported = "CONDITION_KEY_PARTLY_SUPPORTED"
	// CodeConditionNoStatement: a section's condition block for a
	// section that writes no statement.
	CodeConditionNoStatement = "CONDITION_UNUSED"
	// CodeInvalidEffect: an effect other than Allow or Deny.
	CodeInvalidEffect = "INVALID_EFFECT"
	// CodeUnknownMode: a mode other than crud or actions.
	CodeUnknownMode = "UNKNOWN_MODE"
)
