package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/leastpriv/policysentry/engine/diag"
	"net/http"
	"strconv"
	"strings"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/query"
	"github.com/leastpriv/policysentry/engine/workbench"
)

// WarningsHeader carries the warnings of POST /policy as a JSON array of
// {"line", "column", "message"} objects (ASCII only; absent when there
// are none). The body is the policy exactly as `write-policy` prints it.
const WarningsHeader = "X-Policy-Sentry-Warnings"

// SplitHeader carries, for POST /policy?split=QUOTA, what the split did
// (policyfmt.SplitResult.Summary: the parts and their sizes) as a JSON
// string (ASCII only).
const SplitHeader = "X-Policy-Sentry-Split"

// WorstSeverityHeader carries the worst finding's severity of POST
// /analyze (critical, high, medium, low; absent when nothing was found).
const WorstSeverityHeader = "X-Policy-Sentry-Worst-Severity"

// bodyName is the file name the engine's messages give the request body.
const bodyName = "body"

// policy answers POST /api/v1/policy: the template in the body written as
// a policy, rendered as `policy-sentry write-policy --fmt` renders it;
// with split=QUOTA, the parts as `write-policy --split QUOTA` renders
// them, and what the split did in the SplitHeader.
func (h *Handler) policy(w http.ResponseWriter, r *http.Request) error {
	p, err := params(r, "minimize", "fmt", "split")
	if err != nil {
		return err
	}
	format, err := choice(p, "fmt", policyfmt.Default().Name, policyfmt.Names()...)
	if err != nil {
		return err
	}
	var opts workbench.WriteOptions
	opts.Formats = []string{format}
	if v, ok := p["split"]; ok {
		if opts.Split, err = policyfmt.LookupLimit(v); err != nil {
			return errorf(http.StatusBadRequest, CodeInvalidParameter, "split=%q: %v", v, err)
		}
	}
	if v, ok := p["minimize"]; ok {
		opts.Minimize = true
		if v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return errorf(http.StatusBadRequest, CodeInvalidParameter, "minimize=%q: expected a whole number >= 0 (the minimum length of minimized action prefixes)", v)
			}
			opts.MinLength = n
		}
	}
	src, err := h.templateBody(w, r)
	if err != nil {
		return err
	}
	db, err := h.db(r)
	if err != nil {
		return err
	}
	// A grant template (mode: resource or trust) never writes as a CRUD
	// or actions template (their parser rejects any other mode), so the
	// body is read as one first and checked for a grant only when that
	// fails: IsGrant parses the body again, 12% of a warm request.
	res, err := workbench.Write(db, src, bodyName, opts)
	if err != nil {
		if workbench.IsGrant(src) {
			if opts.Minimize {
				return errorf(http.StatusBadRequest, CodeInvalidParameter, "minimize applies to identity policies (crud and actions templates), not to resource or trust templates")
			}
			return writeGrant(w, db, src, format)
		}
		return templateError(err)
	}
	if len(res.Diagnostics) > 0 {
		w.Header().Set(WarningsHeader, warningsHeader(res.Diagnostics))
	}
	if res.Split != nil {
		w.Header().Set(SplitHeader, asciiJSON(res.Split.Summary()))
	}
	x := res.Renderings[0]
	return write(w, x.Format.MediaType+"; charset=utf-8", x.Text)
}

// maxWarningsHeader bounds the warnings header (proxies and Cloudflare
// limit response headers; Cloudflare to 128 KB in all).
const maxWarningsHeader = 16 << 10

// warningsHeader encodes the warnings for WarningsHeader; past
// maxWarningsHeader bytes the rest are summed up in a last entry.
func warningsHeader(warns diag.List) string {
	v := asciiJSON(wire(warns))
	for n := len(warns) - 1; len(v) > maxWarningsHeader && n > 0; n /= 2 {
		rest := diag.Diagnostic{Severity: diag.Warning, Message: fmt.Sprintf("and %d more warnings (the CLI prints them all)", len(warns)-n)}
		v = asciiJSON(wire(append(warns[:n:n], rest)))
	}
	return v
}

// templateError turns the template parser's and the writer's errors into
// a 400 with the first problem's position and every problem in Details.
func templateError(err error) error {
	var l diag.List
	if !errors.As(err, &l) || len(l) == 0 {
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidTemplate, Message: err.Error()}
	}
	e := &Error{Status: http.StatusBadRequest, Code: CodeInvalidTemplate,
		Message: l[0].Message, Line: l[0].Start.Line, Column: l[0].Start.Column}
	if len(l) > 1 {
		e.Details = l
	}
	return e
}

// checkJSON rejects a body that is not JSON, with the position.
func checkJSON(src []byte) error {
	var v any
	err := json.Unmarshal(src, &v)
	if err == nil {
		return nil
	}
	e := &Error{Status: http.StatusBadRequest, Code: CodeInvalidTemplate, Message: "malformed JSON: " + strings.TrimPrefix(err.Error(), "json: ")}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// The offset is past the offending character: point at it.
		p := diag.NewLines(bodyName, src).Position(int(se.Offset))
		e.Line, e.Column = p.Line, max(p.Column-1, 1)
	}
	return e
}

// asciiJSON encodes v as one line of JSON with non-ASCII characters
// escaped, fit for a header value.
func asciiJSON(v any) string {
	b, _ := json.Marshal(v)
	var s strings.Builder
	for _, r := range string(b) {
		switch {
		case r < 0x80:
			s.WriteRune(r)
		case r > 0xFFFF:
			r -= 0x10000
			fmt.Fprintf(&s, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		default:
			fmt.Fprintf(&s, `\u%04x`, r)
		}
	}
	return s.String()
}

// analyze answers POST /api/v1/analyze: the report of `policy-sentry
// analyze --fmt json|yaml|text`, or with access-level= the allowed
// actions at that level (as --from-access-level gives them).
func (h *Handler) analyze(w http.ResponseWriter, r *http.Request) error {
	p, err := params(r, "access-level", "fmt", "name")
	if err != nil {
		return err
	}
	format, err := choice(p, "fmt", "json", workbench.ReportFormatNames()...)
	if err != nil {
		return err
	}
	var level iamdb.AccessLevel
	if v := p["access-level"]; v != "" {
		if level, err = iamdb.ParseAccessLevel(v); err != nil {
			return errorf(http.StatusBadRequest, CodeInvalidParameter, "access-level=%q: expected read, write, list, tagging or permissions-management", v)
		}
	}
	name := p["name"]
	if name == "" {
		name = "policy"
	}
	src, db, err := h.jsonInput(w, r, "the policy")
	if err != nil {
		return err
	}
	res, err := workbench.Audit(db, src, name, workbench.AuditOptions{Options: audit.Options{InfrastructureModification: true}})
	if err != nil {
		var l diag.List
		if errors.As(err, &l) && len(l) > 0 {
			d := wire(l[:1])[0]
			return &Error{Status: http.StatusBadRequest, Code: CodeInvalidPolicy, Message: d.Message, Line: d.Line, Column: d.Column}
		}
		return err
	}
	if s := res.Report.Worst(); s != "" {
		w.Header().Set(WorstSeverityHeader, string(s))
	}
	var b []byte
	var f workbench.ReportFormat
	if p["access-level"] != "" {
		b, f, err = res.RenderLevel(level, format)
	} else {
		b, f, err = res.Render(format)
	}
	if err != nil {
		return err
	}
	return write(w, f.MediaType+"; charset=utf-8", b)
}

// queryActions answers GET /api/v1/query/actions (`query action-table`).
func (h *Handler) queryActions(w http.ResponseWriter, r *http.Request) error {
	p, db, format, err := h.serviceQuery(r, true, "service", "name", "access-level", "condition", "resource-type", "fmt")
	if err != nil {
		return err
	}
	_, hasName := p["name"]
	res, err := query.ActionTable(db, query.ActionTableOptions{
		Service: p["service"], Name: p["name"], HasName: hasName,
		AccessLevel: p["access-level"], Condition: p["condition"], ResourceType: p["resource-type"],
	})
	if err != nil {
		return queryError(err)
	}
	return writeResult(w, res, format)
}

// queryARNs answers GET /api/v1/query/arns (`query arn-table`); the
// list-arn-types parameter is a boolean (true/false, 1/0, or empty for true).
func (h *Handler) queryARNs(w http.ResponseWriter, r *http.Request) error {
	p, db, format, err := h.serviceQuery(r, false, "service", "name", "list-arn-types", "fmt")
	if err != nil {
		return err
	}
	list := false
	if v, ok := p["list-arn-types"]; ok {
		if v == "" {
			list = true
		} else if list, err = strconv.ParseBool(v); err != nil {
			return errorf(http.StatusBadRequest, CodeInvalidParameter, "list-arn-types=%q: expected true or false", v)
		}
	}
	_, hasName := p["name"]
	res, err := query.ARNTable(db, p["service"], p["name"], hasName, list)
	if err != nil {
		return queryError(err)
	}
	return writeResult(w, res, format)
}

// queryConditions answers GET /api/v1/query/conditions (`query condition-table`).
func (h *Handler) queryConditions(w http.ResponseWriter, r *http.Request) error {
	p, db, format, err := h.serviceQuery(r, false, "service", "name", "fmt")
	if err != nil {
		return err
	}
	_, hasName := p["name"]
	res, err := query.ConditionTable(db, p["service"], p["name"], hasName)
	if err != nil {
		return queryError(err)
	}
	return writeResult(w, res, format)
}

// queryServices answers GET /api/v1/query/services (`query service-table`).
func (h *Handler) queryServices(w http.ResponseWriter, r *http.Request) error {
	p, err := params(r, "fmt")
	if err != nil {
		return err
	}
	db, format, err := h.queryCommon(r, p, "json", "yaml", "csv")
	if err != nil {
		return err
	}
	return writeResult(w, query.ServiceTable(db), format)
}

func (h *Handler) queryCommon(r *http.Request, p map[string]string, formats ...string) (*iamdb.DB, string, error) {
	format, err := choice(p, "fmt", formats[0], formats...)
	if err != nil {
		return nil, "", err
	}
	db, err := h.db(r)
	return db, format, err
}

// serviceQuery reads the parameters of a per-service query table (only
// the allowed names), its format (json or yaml) and the dataset, and checks
// that the service parameter is given.
func (h *Handler) serviceQuery(r *http.Request, allowAll bool, allowed ...string) (map[string]string, *iamdb.DB, string, error) {
	p, err := params(r, allowed...)
	if err != nil {
		return nil, nil, "", err
	}
	db, format, err := h.queryCommon(r, p, "json", "yaml")
	if err != nil {
		return nil, nil, "", err
	}
	if err := requireService(p, allowAll); err != nil {
		return nil, nil, "", err
	}
	return p, db, format, nil
}

// requireService checks the service parameter is given; the query
// package checks that it exists.
func requireService(p map[string]string, allowAll bool) error {
	if p["service"] != "" {
		return nil
	}
	or := ""
	if allowAll {
		or = ", or all"
	}
	return errorf(http.StatusBadRequest, CodeInvalidParameter, "the service parameter is required (a service prefix such as s3%s)", or)
}

// queryError turns the query package's errors into 404 for names that do
// not exist (with suggestions) and 400 for the rest.
func queryError(err error) error {
	var nf *query.NotFoundError
	if !errors.As(err, &nf) {
		return errorf(http.StatusBadRequest, CodeInvalidParameter, "%v", err)
	}
	msg := fmt.Sprintf("unknown %s %q", nf.Kind, nf.Name)
	if nf.Service != "" {
		msg += " in service " + nf.Service
	}
	if len(nf.Suggestions) > 0 {
		msg += "; did you mean " + strings.Join(nf.Suggestions, ", ") + "?"
	}
	return errorf(http.StatusNotFound, CodeUnknownName, "%s", msg)
}

// writeResult writes a query result as JSON (lists as JSON arrays, unlike
// the CLI's one-a-line output), YAML or CSV, without the CLI's header line.
func writeResult(w http.ResponseWriter, res *query.Result, format string) error {
	switch format {
	case "yaml":
		return write(w, ctYAML, []byte(policyfmt.PyYAML(res.Value)+"\n"))
	case "csv":
		var b strings.Builder
		if err := (&query.Result{Kind: res.Kind, Value: res.Value}).Write(&b, "csv"); err != nil {
			return err
		}
		return write(w, ctCSV, []byte(b.String()))
	}
	return write(w, ctJSON, []byte(policyfmt.PyJSON(res.Value, 4)+"\n"))
}

// dataset answers GET /api/v1/dataset: the manifest of the dataset in
// use, as `policy-sentry dataset info` prints it.
func (h *Handler) dataset(w http.ResponseWriter, r *http.Request) error {
	if _, err := params(r); err != nil {
		return err
	}
	db, err := h.db(r)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(db.Manifest, "", "  ")
	if err != nil {
		return err
	}
	return write(w, ctJSON, append(b, '\n'))
}

// templateBody reads a template from the request: YAML or JSON by its
// Content-Type (415 otherwise), JSON checked for syntax with its position.
func (h *Handler) templateBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	kind, mt := mediaOf(r)
	if kind == mediaOther {
		return nil, errorf(http.StatusUnsupportedMediaType, CodeUnsupportedType, "Content-Type %q: send the template as application/yaml or application/json", mt)
	}
	src, err := h.body(w, r)
	if err != nil {
		return nil, err
	}
	if kind == mediaJSON {
		if err := checkJSON(src); err != nil {
			return nil, err
		}
	}
	return src, nil
}
