package workbench

import (
	"errors"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/leastpriv/policysentry/engine/writer"
)

// CodePolicySize is the Code of the warning that a policy is over an AWS
// size quota.
const CodePolicySize = "POLICY_SIZE_OVER_QUOTA"

// CodeSplitImpossible is the Code of the error that a policy cannot be
// split to fit the quota asked for (one action with one resource is
// already too long, or a NotAction/NotResource statement is).
const CodeSplitImpossible = "POLICY_SPLIT_IMPOSSIBLE"

// WriteOptions control Write.
type WriteOptions struct {
	// Options are the writer's: Minimize and MinLength (--minimize N).
	writer.Options
	// Formats names the formats to render (policyfmt names, any case);
	// empty renders every format.
	Formats []string
	// Split, when its Chars is not 0, splits the policy into parts that
	// each fit this quota (policyfmt.Split; policyfmt.LookupLimit reads
	// the names users type); the renderings are then of the parts.
	Split policyfmt.Limit
}

// Rendering is the policy in one format.
type Rendering struct {
	Format policyfmt.Format
	// Text is the rendered policy, ending with a newline.
	Text []byte
}

// WriteResult is what Write made of a template.
type WriteResult struct {
	// Template is the parsed template; nil when it does not parse.
	Template *template.Template
	// Policy is the written policy; nil when the template has errors.
	Policy *writer.Policy
	// Renderings are the policy in each format asked for, in
	// policyfmt.Formats order; nil when there is no policy.
	Renderings []Rendering
	// Size is the policy's size against AWS's quotas.
	Size policyfmt.SizeReport
	// Split is the split asked for in WriteOptions.Split (nil without
	// one): the parts, their sizes, and Summary for the user.
	Split *policyfmt.SplitResult
	// Diagnostics are the template's errors (then there is no policy) or
	// the writer's warnings in template order, then the size warning
	// (Code CodePolicySize) when the policy is over a quota.
	Diagnostics diag.List
	// Added lists, for an actions template, the actions in the policy the
	// template did not name (the writer adds dependent actions), in
	// policy order.
	Added []string
}

// Text returns the policy rendered in the named format, or nil when it
// was not rendered (no policy, or the format was not asked for).
func (r *WriteResult) Text(format string) []byte {
	for _, x := range r.Renderings {
		if strings.EqualFold(x.Format.Name, format) {
			return x.Text
		}
	}
	return nil
}

// Errors returns the diagnostics of Error severity: why there is no
// policy.
func (r *WriteResult) Errors() diag.List { return errorsOf(r.Diagnostics) }

// Write parses a template (YAML or JSON; file names it in diagnostics),
// writes its policy and renders it. The result is never nil. The error
// is nil when a policy was written; otherwise it is the template's
// errors as a diag.List (also in the result's Diagnostics), or a plain
// error for an unknown format name or a nil dataset.
func Write(db *iamdb.DB, src []byte, file string, opts WriteOptions) (*WriteResult, error) {
	res := &WriteResult{}
	formats, err := lookupFormats(opts.Formats)
	if err != nil {
		return res, err
	}
	if db == nil {
		return res, errors.New("workbench: no dataset")
	}
	t, err := template.Parse(src, file)
	if err != nil {
		return res, res.fail(file, err)
	}
	res.Template = t
	out, err := writer.Write(db, t, opts.Options)
	if err != nil {
		return res, res.fail(file, err)
	}
	res.Policy = out.Policy
	res.Diagnostics = append(res.Diagnostics, out.Warnings...)
	res.Size = policyfmt.Size(out.Policy)
	if opts.Split.Chars != 0 {
		sp, err := policyfmt.Split(out.Policy, opts.Split)
		if err != nil {
			e := diag.Errorf(diag.Position{File: file}, "cannot split the policy: %v", err)
			e.Code = CodeSplitImpossible
			res.Policy = nil
			return res, res.fail(file, diag.List{e})
		}
		res.Split = sp
		for i, text := range policyfmt.RenderSetEach(formats, sp.Parts) {
			res.Renderings = append(res.Renderings, Rendering{Format: formats[i], Text: text})
		}
	} else {
		if msg := res.Size.Warning(opts.Minimize); msg != "" {
			w := diag.Warningf(diag.Position{File: file}, "%s", msg)
			w.Code = CodePolicySize
			res.Diagnostics.Add(w)
		}
		for i, text := range policyfmt.RenderEach(formats, out.Policy) {
			res.Renderings = append(res.Renderings, Rendering{Format: formats[i], Text: text})
		}
	}
	if t.Mode == template.ModeActions {
		res.Added = added(db, t, out.Policy)
	}
	return res, nil
}

// fail records the template's errors and returns them; an error that is
// not a diag.List (it should not happen) becomes one at the file.
func (r *WriteResult) fail(file string, err error) error {
	var l diag.List
	if !errors.As(err, &l) {
		l = diag.List{diag.Errorf(diag.Position{File: file}, "%v", err)}
	}
	r.Diagnostics = append(r.Diagnostics, l...)
	return l
}

// lookupFormats resolves format names; none means every format.
func lookupFormats(names []string) ([]policyfmt.Format, error) {
	if len(names) == 0 {
		return policyfmt.Formats(), nil
	}
	want := map[string]bool{}
	for _, n := range names {
		f, err := policyfmt.Lookup(n)
		if err != nil {
			return nil, err
		}
		want[f.Name] = true
	}
	var out []policyfmt.Format
	for _, f := range policyfmt.Formats() {
		if want[f.Name] {
			out = append(out, f)
		}
	}
	return out, nil
}

// added lists the policy's actions an actions template did not name
// (neither listed nor matched by one of its patterns).
func added(db *iamdb.DB, t *template.Template, p *writer.Policy) []string {
	asked := map[string]bool{}
	for _, e := range t.Actions {
		asked[strings.ToLower(e.Value)] = true
		if strings.ContainsAny(e.Value, "*?") {
			// A pattern asks for every action it matches.
			for _, a := range writer.ExpandAction(db, e.Value) {
				asked[strings.ToLower(a)] = true
			}
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range p.Statement {
		for _, a := range s.Action {
			if !asked[strings.ToLower(a)] && !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}
