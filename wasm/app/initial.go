package main

import (
	"encoding/json"
	"fmt"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// initialOutput is the policy of the screen a first visit shows, as the
// prerender (prerender.go) wrote it with the dataset make dist ships:
// index.html carries it (<script type="application/json"
// id="ps-initial">, scripts/builddist), and the app takes it instead of
// writing and checking the same policy again at start-up, the slowest
// part of a first visit's start (wasm/README.md). It is used only when
// the screen, its template text, the output options and the dataset's
// sha256 are the ones it was written from; anything else (a saved or
// shared state, text typed before the app ran) writes the policy as
// before.
type initialOutput struct {
	Screen  screenID
	YAML    string
	Options webapp.OutputOptions
	// Dataset is the sha256 of the dataset file (iamdb.Manifest.SHA256).
	Dataset string
	// Formats and Texts are the renderings (format names, texts).
	Formats   []string
	Texts     []string
	Size      policyfmt.SizeReport
	SizeText  string
	Warnings  diag.List
	Added     []string
	SplitText string
	Checks    webapp.Checks
	// Template is the template as parsed from YAML (the form's model),
	// so that start-up does not parse YAML: on a first visit that parse
	// is about 0.1 s of V8 compiling the YAML parser on first call. A
	// record without it (nil) has the YAML parsed again.
	Template *template.Template
}

// newInitialOutput records a written policy (o has no errors).
func newInitialOutput(id screenID, yaml string, opts webapp.OutputOptions, datasetSHA string, o webapp.PolicyOutput) initialOutput {
	s := initialOutput{Screen: id, YAML: yaml, Options: opts, Dataset: datasetSHA, Size: o.Size, SizeText: o.SizeText,
		Warnings: o.Warnings, Added: o.Added, SplitText: o.SplitText, Checks: o.Checks, Template: o.Template}
	for _, r := range o.AllRenderings() {
		s.Formats = append(s.Formats, r.Format.Name)
		s.Texts = append(s.Texts, string(r.Text))
	}
	return s
}

// matches says whether the record is the policy of this screen's state.
func (s *initialOutput) matches(id screenID, yaml string, opts webapp.OutputOptions, datasetSHA string) bool {
	return s != nil && s.Screen == id && s.YAML == yaml && s.Options == opts && s.Dataset != "" && s.Dataset == datasetSHA
}

// output is the screen's webapp.PolicyOutput, as webapp.WritePolicyWith
// returns it for the same input: the template (the form's model) is the
// record's, or parsed again when the record has none; the renderings get
// their policyfmt.Format back.
func (s *initialOutput) output() (webapp.PolicyOutput, error) {
	t := s.Template
	if t == nil {
		var err error
		if t, err = template.Parse([]byte(s.YAML), "template"); err != nil {
			return webapp.PolicyOutput{}, fmt.Errorf("initial policy: %w", err)
		}
	}
	if len(s.Formats) != len(s.Texts) {
		return webapp.PolicyOutput{}, fmt.Errorf("initial policy: %d formats, %d texts", len(s.Formats), len(s.Texts))
	}
	o := webapp.PolicyOutput{Template: t, Size: s.Size, SizeText: s.SizeText, Warnings: s.Warnings, Added: s.Added, SplitText: s.SplitText, Checks: s.Checks}
	for i, name := range s.Formats {
		f, err := policyfmt.Lookup(name)
		if err != nil {
			return webapp.PolicyOutput{}, fmt.Errorf("initial policy: %w", err)
		}
		o.Renderings = append(o.Renderings, workbench.Rendering{Format: f, Text: []byte(s.Texts[i])})
	}
	o.JSON = o.Text("json")
	return o, nil
}

// encodeInitialOutput is the record as index.html carries it: JSON with
// <, > and & escaped, safe inside a script element.
func encodeInitialOutput(s initialOutput) ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encoding the initial policy: %w", err)
	}
	return b, nil
}

// decodeInitialOutput reads what encodeInitialOutput wrote.
func decodeInitialOutput(b []byte) (*initialOutput, error) {
	var s initialOutput
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("decoding the initial policy: %w", err)
	}
	return &s, nil
}

// takeInitial returns the shipped policy of a write screen when it is
// the one its state would write (see initialOutput); the record is used
// at most once. The page's record is read on first use.
func (a *App) takeInitial(id screenID, yaml string, opts webapp.OutputOptions) (webapp.PolicyOutput, bool) {
	if a.initialUsed || a.DB == nil {
		return webapp.PolicyOutput{}, false
	}
	a.initialUsed = true
	s, err := pageInitialOutput()
	if err != nil || !s.matches(id, yaml, opts, a.DB.Manifest.SHA256) {
		return webapp.PolicyOutput{}, false
	}
	mark("initial-policy-decoded")
	o, err := s.output()
	if err != nil {
		return webapp.PolicyOutput{}, false
	}
	mark("initial-policy")
	return o, true
}
