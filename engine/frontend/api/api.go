// Package api is the HTTP API of policy-sentry: the engine behind JSON
// endpoints for pipelines (Terraform, CI) and team hosting. The same
// http.Handler runs in `policy-sentry serve` and in the Cloudflare Worker
// (wasm/worker).
//
// Endpoints (all under /api/v1):
//
//	POST /policy      a CRUD or actions template (YAML or JSON) -> the policy
//	POST /analyze     a policy, an array of policies or an authorization-details dump -> the audit report
//	POST /diff        {"old": policy, "new": policy, ...} -> the review of the change (new access, guardrails, public access)
//	POST /validate    the same inputs -> Access Analyzer-style findings (validate.go)
//	POST /simulate    policies and requests -> allowed or denied, with the deciding statements (simulate.go)
//	GET  /query/actions|arns|conditions|services   the query tables
//	GET  /dataset     the manifest of the dataset in use
//
// Errors are JSON: {"error": {"code", "message", "line", "column"}}, with
// status 400 (bad input), 404, 405, 413 (body over MaxBodyBytes) or 415
// (wrong Content-Type). Request bodies are never logged.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/leastpriv/policysentry/engine/diag"
	"io"
	"log"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// DefaultMaxBodyBytes is the default request body cap: 5 MB (5 × 2^20
// bytes), enough for a large authorization-details dump of one account.
const DefaultMaxBodyBytes = 5 << 20

// Prefix is the path every endpoint is under.
const Prefix = "/api/v1/"

// Options configure the handler.
type Options struct {
	// DB returns the dataset; it is called once per request that needs it
	// and should cache. Use Static for a loaded dataset.
	DB func(ctx context.Context) (*iamdb.DB, error)
	// MaxBodyBytes caps request bodies (0 means DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// CORSOrigins are the origins allowed to call the API from a browser
	// ("*" for any). Empty (the default) sends no CORS headers at all.
	CORSOrigins []string
	// Log, when set, gets one line per request: method, path, status,
	// response size and duration. Never the body nor the query string.
	Log *log.Logger
}

// Static returns an Options.DB function that always answers db.
func Static(db *iamdb.DB) func(context.Context) (*iamdb.DB, error) {
	return func(context.Context) (*iamdb.DB, error) { return db, nil }
}

// Handler serves the API. Create it with New.
type Handler struct {
	opts   Options
	routes map[string]route
}

type route struct {
	method string
	serve  func(h *Handler, w http.ResponseWriter, r *http.Request) error
}

// New returns the API handler. It answers every path under /api/ (404 for
// unknown ones) and is meant to be mounted at "/api/".
func New(opts Options) *Handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	return &Handler{opts: opts, routes: map[string]route{
		Prefix + "policy":           {http.MethodPost, (*Handler).policy},
		Prefix + "analyze":          {http.MethodPost, (*Handler).analyze},
		Prefix + "diff":             {http.MethodPost, (*Handler).diff},
		Prefix + "query/actions":    {http.MethodGet, (*Handler).queryActions},
		Prefix + "query/arns":       {http.MethodGet, (*Handler).queryARNs},
		Prefix + "query/conditions": {http.MethodGet, (*Handler).queryConditions},
		Prefix + "query/services":   {http.MethodGet, (*Handler).queryServices},
		Prefix + "dataset":          {http.MethodGet, (*Handler).dataset},
		Prefix + "validate":         {http.MethodPost, (*Handler).validate},
		Prefix + "simulate":         {http.MethodPost, (*Handler).simulate},
		Prefix + "resource-policy":  {http.MethodPost, (*Handler).resourcePolicy},
		Prefix + "trust-policy":     {http.MethodPost, (*Handler).trustPolicy},
	}}
}

// Error is an API error: the HTTP status and the JSON error object.
type Error struct {
	Status int `json:"-"`
	// Code is a stable machine-readable name, e.g. "invalid_template".
	Code string `json:"code"`
	// Message is one human-readable sentence (or several lines).
	Message string `json:"message"`
	// Line and Column locate the problem in the request body (1-based;
	// 0 when the problem has no position).
	Line   int `json:"line"`
	Column int `json:"column"`
	// Details lists every problem when there are several (the first is
	// also in Message, Line and Column); each is encoded as {"line",
	// "column", "message"}.
	Details diag.List `json:"-"`
}

// MarshalJSON encodes the error with its details in the wire form.
func (e *Error) MarshalJSON() ([]byte, error) {
	type plain Error
	return json.Marshal(struct {
		*plain
		Details []wireDetail `json:"details,omitempty"`
	}{(*plain)(e), wire(e.Details)})
}

// wireDetail is how a diagnostic travels in error details and in
// WarningsHeader: {"line", "column", "message"}, column in Unicode
// characters, line 0 when the problem has no position.
type wireDetail struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// wire encodes diagnostics for the wire; a JSON path goes in front of
// the message.
func wire(l diag.List) []wireDetail {
	if len(l) == 0 {
		return nil
	}
	out := make([]wireDetail, len(l))
	for i, d := range l {
		msg := d.Message
		if d.Path != "" {
			msg = d.Path + ": " + msg
		}
		out[i] = wireDetail{Line: d.Start.Line, Column: d.Start.Column, Message: msg}
	}
	return out
}

func (e *Error) Error() string { return e.Message }

func errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Error codes.
const (
	CodeBadRequest       = "bad_request"
	CodeInvalidParameter = "invalid_parameter"
	CodeInvalidTemplate  = "invalid_template"
	CodeInvalidPolicy    = "invalid_policy"
	CodeTooLarge         = "body_too_large"
	CodeUnsupportedType  = "unsupported_media_type"
	CodeNotFound         = "not_found"
	CodeUnknownName      = "unknown_name"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeDataset          = "dataset_unavailable"
	CodeInternal         = "internal_error"
)

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rw := &recorder{ResponseWriter: w, status: http.StatusOK}
	if h.opts.Log != nil {
		defer func() {
			h.opts.Log.Printf("%s %s %d %dB %s", r.Method, r.URL.Path, rw.status, rw.n, time.Since(start).Round(time.Microsecond))
		}()
	}
	preflight := h.cors(rw, r)
	rt, ok := h.routes[r.URL.Path]
	var err error
	switch {
	case !ok:
		err = errorf(http.StatusNotFound, CodeNotFound, "no endpoint %s (see %sdataset, policy, analyze, diff, query/actions|arns|conditions|services)", r.URL.Path, Prefix)
	case preflight:
		rw.Header().Set("Access-Control-Allow-Methods", rt.method+", OPTIONS")
		rw.WriteHeader(http.StatusNoContent)
		return
	case r.Method != rt.method && !(rt.method == http.MethodGet && r.Method == http.MethodHead):
		rw.Header().Set("Allow", allow(rt.method))
		err = errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "%s takes %s, not %s", r.URL.Path, rt.method, r.Method)
	default:
		err = rt.serve(h, rw, r)
	}
	if err != nil {
		writeError(rw, err)
	}
}

func allow(method string) string {
	if method == http.MethodGet {
		return "GET, HEAD"
	}
	return method
}

// cors sets the CORS headers for an allowed Origin and reports whether r
// is a preflight request to answer with 204.
func (h *Handler) cors(w http.ResponseWriter, r *http.Request) bool {
	if len(h.opts.CORSOrigins) == 0 {
		return false
	}
	w.Header().Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	allowed := ""
	for _, o := range h.opts.CORSOrigins {
		if o == "*" {
			allowed = "*"
			break
		}
		if strings.EqualFold(o, origin) {
			allowed = origin
			break
		}
	}
	if allowed == "" {
		return false
	}
	w.Header().Set("Access-Control-Allow-Origin", allowed)
	w.Header().Set("Access-Control-Expose-Headers", WarningsHeader+", "+WorstSeverityHeader+", "+SplitHeader)
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
		w.Header().Set("Access-Control-Max-Age", "600")
		return true
	}
	return false
}

// writeError writes err as the JSON error object.
func writeError(w http.ResponseWriter, err error) {
	var ae *Error
	if !errors.As(err, &ae) {
		ae = errorf(http.StatusInternalServerError, CodeInternal, "%v", err)
	}
	b, _ := json.MarshalIndent(struct {
		Error *Error `json:"error"`
	}{ae}, "", "  ")
	hd := w.Header()
	hd.Del(WarningsHeader)
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(ae.Status)
	w.Write(append(b, '\n'))
}

// write sends a successful answer.
func write(w http.ResponseWriter, contentType string, body []byte) error {
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	_, err := w.Write(body)
	return err
}

const (
	ctJSON = "application/json; charset=utf-8"
	ctYAML = "application/yaml; charset=utf-8"
	ctText = "text/plain; charset=utf-8"
	ctCSV  = "text/csv; charset=utf-8"
)

// db loads the dataset or answers 503.
func (h *Handler) db(r *http.Request) (*iamdb.DB, error) {
	if h.opts.DB == nil {
		return nil, errorf(http.StatusServiceUnavailable, CodeDataset, "no dataset configured")
	}
	db, err := h.opts.DB(r.Context())
	if err != nil {
		return nil, errorf(http.StatusServiceUnavailable, CodeDataset, "loading the dataset: %v", err)
	}
	return db, nil
}

// mediaKind is the kind of body a Content-Type announces.
type mediaKind int

const (
	mediaOther mediaKind = iota
	mediaJSON
	mediaYAML
)

func mediaOf(r *http.Request) (mediaKind, string) {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return mediaOther, ct
	}
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return mediaJSON, mt
	case mt == "application/yaml" || mt == "application/x-yaml" || mt == "text/yaml" || mt == "text/x-yaml" || strings.HasSuffix(mt, "+yaml"):
		return mediaYAML, mt
	}
	return mediaOther, mt
}

// body reads the request body up to the cap.
// jsonInput reads a JSON request body and the dataset it is to be
// checked against; what names the body in the 415 answer ("the policy").
func (h *Handler) jsonInput(w http.ResponseWriter, r *http.Request, what string) ([]byte, *iamdb.DB, error) {
	if kind, mt := mediaOf(r); kind != mediaJSON {
		return nil, nil, errorf(http.StatusUnsupportedMediaType, CodeUnsupportedType, "Content-Type %q: send %s as application/json", mt, what)
	}
	src, err := h.body(w, r)
	if err != nil {
		return nil, nil, err
	}
	db, err := h.db(r)
	if err != nil {
		return nil, nil, err
	}
	return src, db, nil
}

func (h *Handler) body(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	tooLarge := errorf(http.StatusRequestEntityTooLarge, CodeTooLarge, "the request body is over the %d-byte limit", h.opts.MaxBodyBytes)
	if r.ContentLength > h.opts.MaxBodyBytes {
		return nil, tooLarge
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge
		}
		return nil, errorf(http.StatusBadRequest, CodeBadRequest, "reading the request body: %v", err)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, errorf(http.StatusBadRequest, CodeBadRequest, "the request body is empty")
	}
	return b, nil
}

// params checks the query string: only the allowed names, each at most
// once; it returns the values and which names were given.
func params(r *http.Request, allowed ...string) (map[string]string, error) {
	q, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, vs := range q {
		ok := false
		for _, a := range allowed {
			ok = ok || a == k
		}
		if !ok {
			if len(allowed) == 0 {
				return nil, errorf(http.StatusBadRequest, CodeInvalidParameter, "unknown query parameter %q (this endpoint takes none)", k)
			}
			return nil, errorf(http.StatusBadRequest, CodeInvalidParameter, "unknown query parameter %q (allowed: %s)", k, strings.Join(allowed, ", "))
		}
		if len(vs) > 1 {
			return nil, errorf(http.StatusBadRequest, CodeInvalidParameter, "query parameter %q is given %d times", k, len(vs))
		}
		out[k] = vs[0]
	}
	return out, nil
}

func parseQuery(raw string) (url.Values, error) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, CodeInvalidParameter, "malformed query string: %v", err)
	}
	return q, nil
}

// choice checks an enumerated parameter; "" gives def.
func choice(p map[string]string, name, def string, choices ...string) (string, error) {
	v, ok := p[name]
	if !ok || v == "" {
		return def, nil
	}
	for _, c := range choices {
		if v == c {
			return v, nil
		}
	}
	return "", errorf(http.StatusBadRequest, CodeInvalidParameter, "%s=%q: expected one of %s", name, v, strings.Join(choices, ", "))
}

// recorder remembers the status and size for the request log.
type recorder struct {
	http.ResponseWriter
	status int
	n      int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.n += n
	return n, err
}
