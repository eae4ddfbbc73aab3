package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/query"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/leastpriv/policysentry/engine/writer"
	"go.yaml.in/yaml/v3"
)

// WarningsHeader carries the warnings of POST /policy as a JSON array of
// {"line", "column", "message"} objects (ASCII only; absent when there
// are none). The body is the policy exactly as `write-policy` prints it.
const WarningsHeader = "X-Policy-Sentry-Warnings"

// WorstSeverityHeader carries the worst finding's severity of POST
// /analyze (critical, high, medium, low; absent when nothing was found).
const WorstSeverityHeader = "X-Policy-Sentry-Worst-Severity"

// bodyName is the file name the engine's messages give the request body.
const bodyName = "body"

// policy answers POST /api/v1/policy: the template in the body written as
// a policy, rendered as `policy-sentry write-policy --fmt` renders it.
func (h *Handler) policy(w http.ResponseWriter, r *http.Request) error {
	p, err := params(r, "minimize", "fmt")
	if err != nil {
		return err
	}
	format, err := choice(p, "fmt", "json", "json", "yaml", "terraform")
	if err != nil {
		return err
	}
	var opts writer.Options
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
	kind, mt := mediaOf(r)
	if kind == mediaOther {
		return errorf(http.StatusUnsupportedMediaType, CodeUnsupportedType, "Content-Type %q: send the template as application/yaml or application/json", mt)
	}
	src, err := h.body(w, r)
	if err != nil {
		return err
	}
	if kind == mediaJSON {
		if err := checkJSON(src); err != nil {
			return err
		}
	}
	db, err := h.db(r)
	if err != nil {
		return err
	}
	t, err := template.Parse(src, bodyName)
	if err != nil {
		return templateError(err)
	}
	res, err := writer.Write(db, t, opts)
	if err != nil {
		return templateError(err)
	}
	var warns []Detail
	for _, x := range res.Warnings {
		warns = append(warns, Detail{Line: x.Pos.Line, Column: x.Pos.Column, Message: x.Message})
	}
	if size := policyfmt.Size(res.Policy); len(size.Over) > 0 {
		var over []string
		for _, l := range size.Over {
			over = append(over, fmt.Sprintf("%s (%d)", l.Name, l.Chars))
		}
		hint := "; try minimize"
		if opts.Minimize {
			hint = "; split the template or shorten ARNs with wildcards"
		}
		warns = append(warns, Detail{Message: fmt.Sprintf("the policy has %d characters (without whitespace), over the AWS limit for %s%s",
			size.Chars, strings.Join(over, ", "), hint)})
	}
	if len(warns) > 0 {
		w.Header().Set(WarningsHeader, warningsHeader(warns))
	}
	switch format {
	case "yaml":
		return write(w, ctYAML, policyfmt.YAML(res.Policy))
	case "terraform":
		return write(w, ctJSON, policyfmt.Terraform(res.Policy))
	}
	return write(w, ctJSON, policyfmt.JSON(res.Policy))
}

// maxWarningsHeader bounds the warnings header (proxies and Cloudflare
// limit response headers; Cloudflare to 128 KB in all).
const maxWarningsHeader = 16 << 10

// warningsHeader encodes the warnings for WarningsHeader; past
// maxWarningsHeader bytes the rest are summed up in a last entry.
func warningsHeader(warns []Detail) string {
	v := asciiJSON(warns)
	for n := len(warns) - 1; len(v) > maxWarningsHeader && n > 0; n /= 2 {
		rest := Detail{Message: fmt.Sprintf("and %d more warnings (the CLI prints them all)", len(warns)-n)}
		v = asciiJSON(append(warns[:n:n], rest))
	}
	return v
}

// templateError turns the template parser's and the writer's errors into
// a 400 with the first problem's position and every problem in Details.
func templateError(err error) error {
	var details []Detail
	var el template.ErrorList
	var te *template.Error
	var ie *writer.InputError
	switch {
	case errors.As(err, &el):
		for _, e := range el {
			details = append(details, Detail{Line: e.Pos.Line, Column: e.Pos.Column, Message: e.Msg})
		}
	case errors.As(err, &te):
		details = append(details, Detail{Line: te.Pos.Line, Column: te.Pos.Column, Message: te.Msg})
	case errors.As(err, &ie):
		for _, p := range ie.Problems {
			details = append(details, Detail{Line: p.Pos.Line, Column: p.Pos.Column, Message: p.Msg})
		}
	}
	if len(details) == 0 {
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidTemplate, Message: err.Error()}
	}
	e := &Error{Status: http.StatusBadRequest, Code: CodeInvalidTemplate,
		Message: details[0].Message, Line: details[0].Line, Column: details[0].Column}
	if len(details) > 1 {
		e.Details = details
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
		e.Line, e.Column = position(src, se.Offset)
	}
	return e
}

// position converts a byte offset into a 1-based line and column (in
// characters).
func position(src []byte, off int64) (line, col int) {
	if off > int64(len(src)) {
		off = int64(len(src))
	}
	before := src[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	last := bytes.LastIndexByte(before, '\n')
	col = utf8.RuneCount(before[last+1:])
	if col == 0 {
		col = 1
	}
	return line, col
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
	format, err := choice(p, "fmt", "json", "json", "yaml", "text")
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
	if kind, mt := mediaOf(r); kind != mediaJSON {
		return errorf(http.StatusUnsupportedMediaType, CodeUnsupportedType, "Content-Type %q: send the policy as application/json", mt)
	}
	src, err := h.body(w, r)
	if err != nil {
		return err
	}
	db, err := h.db(r)
	if err != nil {
		return err
	}
	src = decodeBareURLEncoded(src) // see validate.go
	docs, err := policy.Load(src, name)
	if err != nil {
		var pe *policy.Error
		if errors.As(err, &pe) {
			msg := pe.Msg
			if pe.Path != "" {
				msg = pe.Path + ": " + msg
			}
			return &Error{Status: http.StatusBadRequest, Code: CodeInvalidPolicy, Message: msg, Line: pe.Line, Column: pe.Column}
		}
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidPolicy, Message: err.Error()}
	}
	if err := checkBeforeAudit(db, src, name, docs); err != nil { // validate first: see validate.go
		return err
	}
	rep, err := audit.Analyze(db, docs, audit.Options{InfrastructureModification: true})
	if err != nil {
		return err
	}
	if s := rep.Worst(); s != "" {
		w.Header().Set(WorstSeverityHeader, string(s))
	}
	if p["access-level"] != "" {
		return writeLevel(w, rep, level, format)
	}
	switch format {
	case "yaml":
		b, err := yaml.Marshal(rep)
		if err != nil {
			return err
		}
		return write(w, ctYAML, b)
	case "text":
		var b bytes.Buffer
		if err := rep.WriteText(&b); err != nil {
			return err
		}
		return write(w, ctText, b.Bytes())
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return write(w, ctJSON, append(b, '\n'))
}

// writeLevel writes the sorted allowed actions at one access level, as
// `analyze --from-access-level` prints them. (An adapter: the CLI's
// version is unexported in engine/cli.)
func writeLevel(w http.ResponseWriter, rep *audit.Report, level iamdb.AccessLevel, format string) error {
	acts := rep.ActionsAt(level)
	switch format {
	case "yaml":
		b, err := yaml.Marshal(acts)
		if err != nil {
			return err
		}
		return write(w, ctYAML, b)
	case "text":
		var b strings.Builder
		for _, a := range acts {
			b.WriteString(a + "\n")
		}
		return write(w, ctText, []byte(b.String()))
	}
	b, _ := json.MarshalIndent(acts, "", "    ")
	return write(w, ctJSON, append(b, '\n'))
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
