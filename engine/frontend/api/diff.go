package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/diff"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// NewAccessHeader says whether a diff found anything to review: "true"
// when NEW grants new access, hits a guardrail or allows public access
// (the CLI's exit code 3), "false" otherwise.
const NewAccessHeader = "X-Policy-Sentry-New-Access"

// diffRequest is the body of POST /api/v1/diff. old and new are policy
// documents: JSON objects, or JSON strings holding one (positions in the
// answer are then relative to that text).
type diffRequest struct {
	Old          json.RawMessage  `json:"old"`
	New          json.RawMessage  `json:"new"`
	MustNotGrant []diff.Guardrail `json:"mustNotGrant"`
	Guardrails   []string         `json:"guardrails"`
	Public       bool             `json:"public"`
	ResourceType string           `json:"resourceType"`
}

// diff answers POST /api/v1/diff: the review of OLD → NEW as the CLI's
// `diff --fmt json|text|sarif` prints it.
func (h *Handler) diff(w http.ResponseWriter, r *http.Request) error {
	p, err := params(r, "fmt")
	if err != nil {
		return err
	}
	format, err := choice(p, "fmt", "json", workbench.DiffFormatNames()...)
	if err != nil {
		return err
	}
	if kind, mt := mediaOf(r); kind != mediaJSON {
		return errorf(http.StatusUnsupportedMediaType, CodeUnsupportedType, "Content-Type %q: send {\"old\": policy, \"new\": policy} as application/json", mt)
	}
	src, err := h.body(w, r)
	if err != nil {
		return err
	}
	var req diffRequest
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return errorf(http.StatusBadRequest, CodeBadRequest, "the body must be {\"old\": policy, \"new\": policy, \"mustNotGrant\": [...], \"guardrails\": [...], \"public\": bool, \"resourceType\": \"...\"}: %v", err)
	}
	if len(req.Old) == 0 || len(req.New) == 0 {
		return errorf(http.StatusBadRequest, CodeBadRequest, "the body needs both \"old\" and \"new\" policies")
	}
	db, err := h.db(r)
	if err != nil {
		return err
	}
	opts := diff.Options{Guardrails: req.MustNotGrant, Public: req.Public || req.ResourceType != "", ResourceType: req.ResourceType}
	for i, g := range opts.Guardrails {
		if len(g.Actions) == 0 && len(g.Resources) == 0 {
			return errorf(http.StatusBadRequest, CodeInvalidParameter, "mustNotGrant[%d]: a guardrail needs actions, resources or both", i)
		}
		if g.Name == "" {
			opts.Guardrails[i].Name = fmt.Sprintf("mustNotGrant[%d]", i)
		}
	}
	for _, n := range req.Guardrails {
		g, err := diff.Builtin(db, n)
		if err != nil {
			return errorf(http.StatusBadRequest, CodeInvalidParameter, "guardrails: %v", err)
		}
		opts.Guardrails = append(opts.Guardrails, g)
	}
	in := func(name string, raw json.RawMessage) workbench.DiffInput {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			raw = []byte(s)
		}
		return workbench.DiffInput{Input: workbench.Input{Name: name, Data: raw}, Key: name}
	}
	res, err := workbench.Diff(db, []workbench.DiffInput{in("old", req.Old)}, []workbench.DiffInput{in("new", req.New)}, workbench.DiffOptions{Options: opts})
	if err != nil {
		var l diag.List
		if errors.As(err, &l) && len(l) > 0 {
			d := wire(l[:1])[0]
			return &Error{Status: http.StatusBadRequest, Code: CodeInvalidPolicy, Message: l[0].Start.File + ": " + d.Message, Line: d.Line, Column: d.Column}
		}
		if strings.Contains(err.Error(), "resource type") {
			return errorf(http.StatusBadRequest, CodeInvalidParameter, "%v", err)
		}
		return err
	}
	out, err := workbench.RenderDiff(res, format)
	if err != nil {
		return err
	}
	if res.Review.Failed() {
		w.Header().Set(NewAccessHeader, "true")
	} else {
		w.Header().Set(NewAccessHeader, "false")
	}
	mt := map[string]string{"json": "application/json", "sarif": "application/sarif+json", "text": "text/plain"}[format]
	return write(w, mt+"; charset=utf-8", out)
}
