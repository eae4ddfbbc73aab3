package diff

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
)

// Input is one policy file.
type Input struct {
	// Name matches OLD and NEW files (a path relative to the folder).
	Name string
	// Path names the file in reports ("-" for standard input); Name when
	// empty.
	Path string
	Src  []byte
}

func (in *Input) path() string {
	if in.Path != "" {
		return in.Path
	}
	return in.Name
}

// Options are the checks a review runs besides the comparison.
type Options struct {
	// Guardrails are checked against NEW.
	Guardrails []Guardrail
	// Public checks NEW's statements for public access (resource and
	// trust policies); ResourceType narrows it (see PublicResourceTypes).
	Public       bool
	ResourceType string
}

// Pair is the review of one OLD/NEW pair of files.
type Pair struct {
	// Name is the file's name relative to the folders compared (or the
	// NEW file's name for two files).
	Name       string          `json:"name"`
	Old        string          `json:"old,omitempty"`
	New        string          `json:"new,omitempty"`
	Result     *Result         `json:"result"`
	Guardrails []Hit           `json:"guardrails,omitempty"`
	Public     []PublicFinding `json:"publicAccess,omitempty"`
}

// Review is the review of a change: every pair of files compared.
type Review struct {
	Pairs []Pair `json:"pairs"`
}

// Failed reports whether the change needs attention: new access, a
// guardrail hit or public access.
func (r *Review) Failed() bool {
	for _, p := range r.Pairs {
		if p.Result.GrantsNewAccess() || len(p.Guardrails) > 0 || len(p.Public) > 0 {
			return true
		}
	}
	return false
}

// ReviewFiles compares OLD files with NEW files matched by name: a file
// only in NEW is compared with an empty policy (everything it grants is
// new); a file only in OLD with an empty NEW (everything is removed).
// Names are matched exactly; the pairs come sorted by name.
func ReviewFiles(db *iamdb.DB, olds, news []Input, opts Options) (*Review, error) {
	byName := map[string][2]*Input{}
	for i := range olds {
		e := byName[olds[i].Name]
		e[0] = &olds[i]
		byName[olds[i].Name] = e
	}
	for i := range news {
		e := byName[news[i].Name]
		e[1] = &news[i]
		byName[news[i].Name] = e
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	slices.Sort(names)
	rev := &Review{}
	for _, n := range names {
		e := byName[n]
		p, err := reviewPair(db, n, e[0], e[1], opts)
		if err != nil {
			return nil, err
		}
		rev.Pairs = append(rev.Pairs, p)
	}
	return rev, nil
}

// ReviewPair compares one OLD document with one NEW document.
func ReviewPair(db *iamdb.DB, old, new Input, opts Options) (*Review, error) {
	p, err := reviewPair(db, new.Name, &old, &new, opts)
	if err != nil {
		return nil, err
	}
	return &Review{Pairs: []Pair{p}}, nil
}

func load(in *Input) ([]*policy.Document, error) {
	if in == nil {
		return nil, nil
	}
	return policy.Load(in.Src, in.path())
}

func reviewPair(db *iamdb.DB, name string, old, new *Input, opts Options) (Pair, error) {
	p := Pair{Name: name}
	od, err := load(old)
	if err != nil {
		return p, err
	}
	nd, err := load(new)
	if err != nil {
		return p, err
	}
	if old != nil {
		p.Old = old.path()
	}
	if new != nil {
		p.New = new.path()
	}
	if p.Result, err = Compare(db, od, nd); err != nil {
		return p, err
	}
	if len(opts.Guardrails) > 0 {
		if p.Guardrails, err = CheckNotGranted(db, nd, opts.Guardrails); err != nil {
			return p, err
		}
	}
	if opts.Public {
		for _, d := range nd {
			fs, err := CheckNoPublicAccess(d, opts.ResourceType)
			if err != nil {
				return p, err
			}
			p.Public = append(p.Public, fs...)
		}
	}
	return p, nil
}

// WriteText prints the review: per pair, the comparison, then guardrail
// hits and public access.
func (r *Review) WriteText(w io.Writer) error {
	var b strings.Builder
	for i, p := range r.Pairs {
		if len(r.Pairs) > 1 || p.Old == "" || p.New == "" {
			if i > 0 {
				b.WriteByte('\n')
			}
			switch {
			case p.Old == "":
				fmt.Fprintf(&b, "== %s (new file)\n", p.Name)
			case p.New == "":
				fmt.Fprintf(&b, "== %s (removed)\n", p.Name)
			default:
				fmt.Fprintf(&b, "== %s\n", p.Name)
			}
		}
		if err := p.Result.WriteText(&b); err != nil {
			return err
		}
		if len(p.Guardrails) > 0 {
			fmt.Fprintf(&b, "\nMust-not-grant guardrails hit (%d):\n", len(p.Guardrails))
			b.WriteString(FormatHits(p.Guardrails))
		}
		if len(p.Public) > 0 {
			fmt.Fprintf(&b, "\nPublic access (%d):\n", len(p.Public))
			for _, f := range p.Public {
				fmt.Fprintf(&b, "%s:%d:%d %s: open to %s for %s: %s\n", f.Statement.Policy, f.Statement.Line, f.Statement.Column,
					f.Statement.Label, f.Principal, strings.Join(f.Actions, ", "), f.Detail)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Rules are the codes a review reports, for SARIF.
func Rules() []diag.Rule {
	const doc = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-custom-policy-checks.html"
	return []diag.Rule{
		{ID: ReasonNewAction, Title: "New action granted", Description: "NEW grants an action OLD did not grant.", HelpURI: doc, Severity: diag.SecurityWarning},
		{ID: ReasonWiderResource, Title: "Wider resource", Description: "NEW grants an action on resources OLD's patterns did not cover.", HelpURI: doc, Severity: diag.SecurityWarning},
		{ID: ReasonNewPrincipal, Title: "New principal", Description: "NEW grants access to a principal OLD did not.", HelpURI: doc, Severity: diag.SecurityWarning},
		{ID: ReasonConditionRemoved, Title: "Condition removed or loosened", Description: "NEW grants access under conditions OLD did not accept: it may grant new access.", HelpURI: doc, Severity: diag.Warning},
		{ID: ReasonDenyRemoved, Title: "Deny removed or narrowed", Description: "A Deny of OLD no longer applies in NEW.", HelpURI: doc, Severity: diag.SecurityWarning},
		{ID: "MUST_NOT_GRANT", Title: "Must-not-grant guardrail", Description: "The policy grants access a guardrail forbids (Access Analyzer's CheckAccessNotGranted).", HelpURI: doc, Severity: diag.SecurityWarning},
		{ID: "PUBLIC_ACCESS", Title: "Public access", Description: "A resource or trust policy lets any principal in without a condition that restricts callers (Access Analyzer's CheckNoPublicAccess).", HelpURI: doc, Severity: diag.SecurityWarning},
	}
}

// Diagnostics lists the review's findings as diagnostics on NEW's lines.
func (r *Review) Diagnostics() diag.List {
	var l diag.List
	for _, p := range r.Pairs {
		l = append(l, p.Result.Diagnostics()...)
		for _, h := range p.Guardrails {
			l.Add(diag.Diagnostic{Severity: diag.SecurityWarning, Code: "MUST_NOT_GRANT",
				Message: fmt.Sprintf("grants %s on %s: must not grant (%s)", listActions(h.Actions), h.Resource, h.Guardrail),
				Path:    fmt.Sprintf("$.Statement[%d]", h.Statement.Index),
				Start:   diag.Position{File: h.Statement.Policy, Line: h.Statement.Line, Column: h.Statement.Column}})
		}
		for _, f := range p.Public {
			l.Add(diag.Diagnostic{Severity: diag.SecurityWarning, Code: "PUBLIC_ACCESS",
				Message: fmt.Sprintf("open to %s: %s", f.Principal, f.Detail),
				Path:    fmt.Sprintf("$.Statement[%d]", f.Statement.Index),
				Start:   diag.Position{File: f.Statement.Policy, Line: f.Statement.Line, Column: f.Statement.Column}})
		}
	}
	l.Sort()
	return l
}
