package api

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/simulate"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// simulate answers POST /api/v1/simulate: the body is a simulation
// ({"policies": {"identity": [...], "resource", "boundary", "session":
// [...], "scps": [[...]], "rcps": [[...]]}, "requests": [{"action",
// "resource", "principal_arn", "context"}]}); each policy is a JSON
// document or a string holding the policy text. Actions with wildcards
// expand against the dataset. The answer is `policy-sentry simulate
// --fmt json`'s: every result with its decision and reasons; the status
// is 200 whatever the decisions. A problem in the body is 400
// bad_request at its line and column; one in a policy is 400
// invalid_policy, its message naming the policy ("identity[0]: ...")
// and its line and column counted in that policy's text.
func (h *Handler) simulate(w http.ResponseWriter, r *http.Request) error {
	if _, err := params(r); err != nil {
		return err
	}
	src, db, err := h.jsonInput(w, r, "the simulation")
	if err != nil {
		return err
	}
	res, err := workbench.SimulateJSON(db, src, bodyName)
	if err != nil {
		var l diag.List
		if !errors.As(err, &l) || len(l) == 0 {
			return err
		}
		d := wire(l[:1])[0]
		if l[0].Code == workbench.CodeInvalidSimulation {
			return &Error{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: d.Message, Line: d.Line, Column: d.Column}
		}
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidPolicy, Message: l[0].Start.File + ": " + d.Message, Line: d.Line, Column: d.Column}
	}
	var b bytes.Buffer
	if err := simulate.WriteJSON(&b, res.Output); err != nil {
		return err
	}
	return write(w, ctJSON, b.Bytes())
}
