// Package validate checks IAM policy documents offline, as IAM Access
// Analyzer's policy validation does: every finding has Access Analyzer's
// finding type and issue code (Parliament's, or a documented one of ours,
// where Access Analyzer has no such check), a message, a JSON path, start
// and end positions and a documentation link. checks.go holds the table
// of checks; README.md lists it.
package validate

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/diff"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
)

// PolicyType is the kind of policy being validated; checks differ by type.
type PolicyType int

// Policy types.
const (
	// Identity policies attach to users, groups and roles (default).
	Identity PolicyType = iota
	// Resource policies attach to a resource (bucket, key, queue, ...).
	Resource
	// SCP is an AWS Organizations service control policy.
	SCP
	// RCP is an AWS Organizations resource control policy.
	RCP
	// Trust is a role trust policy (AssumeRolePolicyDocument).
	Trust
)

var policyTypeNames = [...]string{"identity", "resource", "scp", "rcp", "trust"}

// String is the type's flag spelling: identity, resource, scp, rcp, trust.
func (t PolicyType) String() string {
	if t < 0 || int(t) >= len(policyTypeNames) {
		return fmt.Sprintf("PolicyType(%d)", int(t))
	}
	return policyTypeNames[t]
}

// ParsePolicyType reads a policy type: identity, resource, scp, rcp or
// trust, or Access Analyzer's names (IDENTITY_POLICY, RESOURCE_POLICY,
// SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY, ROLE_TRUST_POLICY),
// case-insensitively.
func ParsePolicyType(s string) (PolicyType, error) {
	switch strings.ToLower(strings.TrimSpace(strings.ReplaceAll(s, "-", "_"))) {
	case "identity", "identity_policy", "":
		return Identity, nil
	case "resource", "resource_policy":
		return Resource, nil
	case "scp", "service_control_policy":
		return SCP, nil
	case "rcp", "resource_control_policy":
		return RCP, nil
	case "trust", "role_trust_policy", "trust_policy":
		return Trust, nil
	}
	return 0, fmt.Errorf("unknown policy type %q: use identity, resource, scp, rcp or trust", s)
}

// Options select the checks that apply.
type Options struct {
	// PolicyType is the kind of policy (default Identity).
	PolicyType PolicyType
	// ResourceType is the CloudFormation type of the resource a resource
	// policy attaches to ("AWS::S3::Bucket", ...); empty for generic
	// resource-policy checks. Only used with PolicyType Resource.
	ResourceType string
	// Guardrails are access the policy must not grant: each statement
	// granting some is a MUST_NOT_GRANT finding (Access Analyzer's
	// CheckAccessNotGranted). See diff.ParseGuardrails and diff.Builtin.
	Guardrails []diff.Guardrail
	// CheckPublic reports resource and trust policy statements that any
	// principal can use (PUBLIC_ACCESS; Access Analyzer's
	// CheckNoPublicAccess).
	CheckPublic bool

	// rejectsOnly keeps only the findings that make AWS refuse the policy
	// (Check.Rejects) and skips the checks that never give one: what
	// Rejections needs, at a third of the cost (reject.go).
	rejectsOnly bool
}

// ResourceTypes returns the resource types ResourceType understands, sorted.
func ResourceTypes() []string { return resourceTypeNames }

// CheckOptions reports an error for a ResourceType this package does not
// know or that is given for a policy type other than Resource.
func (o Options) CheckOptions() error {
	if o.ResourceType == "" {
		return nil
	}
	if o.PolicyType != Resource {
		return fmt.Errorf("--resource-type %s applies to resource policies only (the policy type is %s)", o.ResourceType, o.PolicyType)
	}
	if lookupResourceType(o.ResourceType) == nil {
		return fmt.Errorf("unknown resource type %q: use one of %s", o.ResourceType, strings.Join(resourceTypeNames, ", "))
	}
	return nil
}

// Validate checks one policy document, src, named file in positions. It
// never fails: malformed JSON is a JSON_SYNTAX_ERROR finding. A document
// given URL-encoded, as IAM's API returns documents, is decoded first
// (positions then refer to the decoded text). The findings are sorted by
// position.
func Validate(db *iamdb.DB, src []byte, file string, opts Options) diag.List {
	if dec, ok := DecodeURLEncoded(src); ok {
		src = dec
	}
	return validateParsed(db, src, nil, file, opts)
}

// validateParsed is Validate of src, which is not URL-encoded; root is
// src parsed by policy.ParseNode, or nil to parse it here.
func validateParsed(db *iamdb.DB, src []byte, root *policy.Node, file string, opts Options) diag.List {
	v := newValidator(db, src, file, opts)
	v.root = root
	v.run()
	v.out.Sort()
	return v.out
}

// validatePart validates the document src[start:end] of a larger input,
// with positions in the whole input.
func validatePart(db *iamdb.DB, lines *diag.Lines, src []byte, start, end int, opts Options) diag.List {
	v := newValidator(db, src[start:end], "", opts)
	v.lines, v.base = lines, start
	v.run()
	v.out.Sort()
	return v.out
}

// validatePinned validates a document given as a JSON string inside a
// larger input: findings are placed on the string (pinStart, pinEnd in
// the input) and their messages say where in the decoded document.
func validatePinned(db *iamdb.DB, lines *diag.Lines, doc []byte, pinStart, pinEnd int, opts Options) diag.List {
	if dec, ok := DecodeURLEncoded(doc); ok {
		doc = dec
	}
	v := newValidator(db, doc, "", opts)
	v.run()
	for i := range v.out {
		d := &v.out[i]
		d.Message += fmt.Sprintf(" (line %d, column %d of the document in the string)", d.Start.Line, d.Start.Column)
		d.Start, d.End = lines.Span(pinStart, pinEnd)
	}
	v.out.Sort()
	return v.out
}

// DecodeURLEncoded decodes a policy document that is URL-encoded as IAM's
// API returns documents ("%7B%22Version%22..."). ok is false when src is
// not URL-encoded JSON (then it is returned unchanged).
func DecodeURLEncoded(src []byte) ([]byte, bool) {
	t := bytes.TrimSpace(src)
	if len(t) < 3 || t[0] != '%' || !(t[1] == '7' || t[1] == '5') || !(t[2] == 'B' || t[2] == 'b') {
		return src, false
	}
	dec, err := url.QueryUnescape(string(t))
	if err != nil {
		return src, false
	}
	return []byte(dec), true
}

// validator holds the state of one Validate call.
type validator struct {
	db    *iamdb.DB
	idx   *index
	opts  Options
	rt    *resourceType
	src   []byte
	lines *diag.Lines
	// base is the offset of src in the input lines describes.
	base int
	out  diag.List

	version    string // "" when absent
	hasVersion bool
	stmts      []*statement
	// mismatch caches strict ARN matches: resource string + format → match.
	mismatch map[matchKey]bool
	// badResource: the current statement has a resource with an ERROR.
	badResource bool
	// root is src already parsed (nil: run parses it).
	root *policy.Node
}

type matchKey struct {
	res string
	r   *iamdb.Resource
}

func newValidator(db *iamdb.DB, src []byte, file string, opts Options) *validator {
	v := &validator{db: db, opts: opts, src: src, lines: diag.NewLines(file, src)}
	if db != nil {
		v.idx = indexOf(db)
	}
	if opts.PolicyType == Resource {
		v.rt = lookupResourceType(opts.ResourceType)
	}
	return v
}

// emit adds a finding of the check code spanning [start, end).
func (v *validator) emit(code string, start, end int, path, msg string, suggestions ...string) {
	sev, link := diag.Error, ""
	if ch := checkOf(code); ch != nil { // TestEveryCodeInTable keeps this true
		sev, link = ch.Severity, ch.Link
	}
	s, e := v.lines.Span(v.base+start, v.base+end)
	if v.opts.rejectsOnly && !rejecting[code] {
		return
	}
	v.out.Add(diag.Diagnostic{Severity: sev, Code: code, Message: msg, Path: path,
		Start: s, End: e, Suggestions: suggestions, Link: link})
}

// at emits a finding spanning node n.
func (v *validator) at(code string, n *policy.Node, path, msg string, suggestions ...string) {
	v.emit(code, n.Start, n.End, path, msg, suggestions...)
}

func (v *validator) run() {
	root, err := v.root, error(nil)
	if root == nil {
		root, err = policy.ParseNode(v.src)
	}
	if err != nil {
		off := 0
		msg := err.Error()
		if se, ok := err.(*policy.SyntaxError); ok {
			off = int(se.Offset)
		}
		if strings.TrimSpace(string(v.src)) == "" {
			msg = "the policy is empty: expected a JSON object with Version and Statement"
		}
		v.emit("JSON_SYNTAX_ERROR", off, off, "$", msg)
		return
	}
	v.characters(root)
	if root.Kind != policy.Object {
		v.at("DATA_TYPE_MISMATCH", root, "$", fmt.Sprintf("the policy is %s: expected a JSON object with Version and Statement", root.Kind))
		return
	}
	v.document(root)
	if len(v.stmts) > 0 {
		v.crossStatement()
		v.resourcePolicyEscalation()
		v.sessionKeyActions()
	}
	v.size()
	v.customChecks()
}
