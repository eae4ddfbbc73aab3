package api

import (
	"bytes"
	"errors"
	"net/http"
	"strings"

	"github.com/leastpriv/policysentry/engine/policy"
	"github.com/leastpriv/policysentry/engine/simulate"
)

// simulate answers POST /api/v1/simulate: the body is a simulation
// ({"policies": {"identity": [...], "resource", "boundary", "session":
// [...], "scps": [[...]], "rcps": [[...]]}, "requests": [{"action",
// "resource", "principal_arn", "context"}]}); each policy is a JSON
// document or a string holding the policy text. Actions with wildcards
// expand against the dataset. The answer is `policy-sentry simulate
// --fmt json`'s: every result with its decision and reasons. The status
// is 200 whatever the decisions.
func (h *Handler) simulate(w http.ResponseWriter, r *http.Request) error {
	if _, err := params(r); err != nil {
		return err
	}
	if kind, mt := mediaOf(r); kind != mediaJSON {
		return errorf(http.StatusUnsupportedMediaType, CodeUnsupportedType, "Content-Type %q: send the simulation as application/json", mt)
	}
	src, err := h.body(w, r)
	if err != nil {
		return err
	}
	in, err := simulate.ParseInput(src)
	if err != nil {
		var ie *simulate.InputError
		if errors.As(err, &ie) {
			return &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: ie.Msg, Line: ie.Line, Column: ie.Column}
		}
		return errorf(http.StatusBadRequest, CodeBadRequest, "%v", err)
	}
	if err := h.expandActions(r, in); err != nil {
		return err
	}
	out, err := simulate.Run(in)
	if err != nil {
		var pe *policy.Error
		var ce *simulate.CompileError
		switch {
		case errors.As(err, &pe):
			msg := pe.File + ": " + pe.Msg
			if pe.Path != "" {
				msg = pe.File + ": " + pe.Path + ": " + pe.Msg
			}
			return &Error{Status: http.StatusBadRequest, Code: CodeInvalidPolicy, Message: msg, Line: pe.Line, Column: pe.Column}
		case errors.As(err, &ce):
			return &Error{Status: http.StatusBadRequest, Code: CodeInvalidPolicy, Message: ce.At.File + ": " + ce.Path + ": " + ce.Msg, Line: ce.At.Line, Column: ce.At.Column}
		}
		return errorf(http.StatusBadRequest, CodeInvalidPolicy, "%v", err)
	}
	var b bytes.Buffer
	if err := simulate.WriteJSON(&b, out); err != nil {
		return err
	}
	return write(w, ctJSON, b.Bytes())
}

// expandActions replaces each request whose action has a wildcard with
// one request per matching action of the dataset.
func (h *Handler) expandActions(r *http.Request, in *simulate.Input) error {
	wild := false
	for _, q := range in.Requests {
		wild = wild || strings.ContainsAny(q.Action, "*?")
	}
	if !wild {
		return nil
	}
	db, err := h.db(r)
	if err != nil {
		return err
	}
	var out []simulate.Request
	for i, q := range in.Requests {
		if !strings.ContainsAny(q.Action, "*?") {
			out = append(out, q)
			continue
		}
		acts := db.Expand(q.Action)
		if len(acts) == 0 {
			return errorf(http.StatusBadRequest, CodeBadRequest, "requests[%d]: action %q matches no action in the dataset", i, q.Action)
		}
		for _, a := range acts {
			c := q
			c.Action = a.FullName()
			out = append(out, c)
		}
	}
	in.Requests = out
	return nil
}
