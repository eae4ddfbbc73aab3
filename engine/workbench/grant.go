package workbench

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/grant"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/validate"
)

// GrantOptions control WriteGrant.
type GrantOptions struct {
	// Formats names the renderings wanted (grant.FormatNames: json,
	// yaml; any case); empty renders both.
	Formats []string
}

// GrantRendering is a grant policy in one format.
type GrantRendering struct {
	Format grant.Format
	// Text is the rendered policy, ending with a newline.
	Text []byte
}

// GrantResult is what WriteGrant made of a resource or trust template.
type GrantResult struct {
	// Template is the parsed template; nil when it does not parse.
	Template *grant.Template
	// Policy is the written policy; nil when the template has errors.
	Policy *grant.Policy
	// Validation is what the policy was validated as: the policy type
	// (resource or trust) and the resource type.
	Validation validate.Options
	// Renderings are the policy in each format asked for.
	Renderings []GrantRendering
	// Diagnostics are the template's errors (then there is no policy),
	// or the validator's findings on the written policy (never an
	// ERROR; positions in its JSON rendering, file
	// grant.WrittenPolicyName).
	Diagnostics diag.List
}

// Text returns the policy rendered in the named format, or nil.
func (r *GrantResult) Text(format string) []byte {
	for _, x := range r.Renderings {
		if strings.EqualFold(x.Format.Name, format) {
			return x.Text
		}
	}
	return nil
}

// Errors returns the diagnostics of Error severity.
func (r *GrantResult) Errors() diag.List { return errorsOf(r.Diagnostics) }

// IsGrant reports whether a template is a grant template (mode:
// resource or mode: trust), which WriteGrant writes rather than Write.
func IsGrant(src []byte) bool { return grant.ModeOf(src) != "" }

// WriteGrant parses a resource or trust template (file names it in
// diagnostics), writes its policy, validates it as its policy type and
// renders it. The result is never nil; the error is the template's
// errors as a diag.List, or a plain error for an unknown format name or
// a nil dataset.
func WriteGrant(db *iamdb.DB, src []byte, file string, opts GrantOptions) (*GrantResult, error) {
	res := &GrantResult{}
	var formats []grant.Format
	for _, f := range grant.Formats() {
		if len(opts.Formats) == 0 || slices.ContainsFunc(opts.Formats, func(n string) bool { return strings.EqualFold(n, f.Name) }) {
			formats = append(formats, f)
		}
	}
	for _, n := range opts.Formats {
		if !slices.ContainsFunc(grant.FormatNames(), func(f string) bool { return strings.EqualFold(n, f) }) {
			return res, fmt.Errorf("resource and trust policies are written as %s, not %q", strings.Join(grant.FormatNames(), " or "), n)
		}
	}
	if db == nil {
		return res, errors.New("workbench: no dataset")
	}
	t, err := grant.Parse(src, file)
	if err != nil {
		return res, res.fail(file, err)
	}
	res.Template = t
	out, err := grant.Write(db, t)
	if err != nil {
		return res, res.fail(file, err)
	}
	res.Policy = out.Policy
	res.Validation = out.Options
	res.Diagnostics = out.Findings
	for _, f := range formats {
		res.Renderings = append(res.Renderings, GrantRendering{Format: f, Text: f.Render(out.Policy)})
	}
	return res, nil
}

func (r *GrantResult) fail(file string, err error) error {
	var l diag.List
	if !errors.As(err, &l) {
		l = diag.List{diag.Errorf(diag.Position{File: file}, "%v", err)}
	}
	r.Diagnostics = append(r.Diagnostics, l...)
	return l
}
