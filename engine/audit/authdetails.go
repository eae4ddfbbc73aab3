package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
)

// The element types of `aws iam get-account-authorization-details`
// output that the per-principal analysis reads (other fields, such as
// InstanceProfileList or Tags, are skipped).
type (
	authUser struct {
		UserName                string
		Arn                     string
		GroupList               []string
		UserPolicyList          []inlinePolicy
		AttachedManagedPolicies []attachedPolicy
		PermissionsBoundary     *boundaryRef
	}
	authGroup struct {
		GroupName               string
		Arn                     string
		GroupPolicyList         []inlinePolicy
		AttachedManagedPolicies []attachedPolicy
	}
	authRole struct {
		RoleName                 string
		Arn                      string
		AssumeRolePolicyDocument json.RawMessage
		RolePolicyList           []inlinePolicy
		AttachedManagedPolicies  []attachedPolicy
		PermissionsBoundary      *boundaryRef
	}
	authPolicy struct {
		PolicyName        string
		Arn               string
		DefaultVersionId  string
		PolicyVersionList []struct {
			Document         json.RawMessage
			VersionId        string
			IsDefaultVersion bool
		}
	}
)

type inlinePolicy struct {
	PolicyName     string
	PolicyDocument json.RawMessage
}

type attachedPolicy struct {
	PolicyName string
	PolicyArn  string
}

type boundaryRef struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

// authVisitor receives the elements of authorization-details output in
// file order, each with its index in its list; a nil function skips the
// list's elements (they are still checked for syntax). Read is the byte
// offset reached, for progress.
type authVisitor struct {
	user   func(i int, u *authUser, read int) error
	group  func(i int, g *authGroup, read int) error
	role   func(i int, r *authRole, read int) error
	policy func(i int, p *authPolicy, read int) error
}

// decodeAuthDetails reads authorization-details output as a stream: the
// top-level object and its lists token by token, then each element of
// UserDetailList, GroupDetailList, RoleDetailList and Policies on its own,
// handed to v and dropped; the whole file is never held as a tree. A
// problem is a diag.List with the JSON path and line:column.
func decodeAuthDetails(src []byte, name string, v authVisitor) error {
	d := &authDecoder{src: src, name: name, dec: json.NewDecoder(bytes.NewReader(src))}
	return d.run(v)
}

type authDecoder struct {
	src   []byte
	name  string
	dec   *json.Decoder
	lines *diag.Lines
	// The element last decoded: its text, start offset and JSON path, to
	// place problems the visitor finds in it.
	elem      []byte
	elemStart int64
	elemPath  string
}

// docError is a policy document of an element that cannot be read: path
// is the document's JSON path, err the policy parser's error.
type docError struct {
	path string
	err  error
}

func (e *docError) Error() string { return e.path + ": " + e.err.Error() }
func (e *docError) Unwrap() error { return e.err }

// visited places an error of the visitor: a document's diagnostics at
// their line and column in the file (a document given as JSON) or at the
// document (a string, URL-encoded or not, whose own places are inside it).
func (d *authDecoder) visited(err error) error {
	var de *docError
	if err == nil || !errors.As(err, &de) || !strings.HasPrefix(de.path, d.elemPath) {
		return err
	}
	rel := de.path[len(d.elemPath):]
	p, start, ok := pathStart(d.elem, rel)
	if !ok || p != rel {
		return d.fail(d.elemStart, de.path, "%v", de.err)
	}
	base := d.elemStart + start
	var l diag.List
	if !errors.As(de.err, &l) || len(l) == 0 || d.elem[start] != '{' {
		return d.fail(base, de.path, "the policy document: %v", de.err)
	}
	if d.lines == nil {
		d.lines = diag.NewLines(d.name, d.src)
	}
	out := make(diag.List, len(l))
	for i, dg := range l {
		dg.Path = de.path + strings.TrimPrefix(dg.Path, "$")
		if dg.Start.IsValid() {
			dg.Start = d.lines.Position(int(base) + dg.Start.Offset)
		} else {
			dg.Start = d.lines.Position(int(base))
		}
		if dg.End.IsValid() {
			dg.End = d.lines.Position(int(base) + dg.End.Offset)
		}
		out[i] = dg
	}
	return out
}

// fail is a diagnostic at byte offset off and JSON path path.
func (d *authDecoder) fail(off int64, path, format string, args ...any) error {
	if d.lines == nil {
		d.lines = diag.NewLines(d.name, d.src)
	}
	off = min(max(off, 0), int64(len(d.src)))
	dg := d.lines.Errorf(int(off), format, args...)
	dg.Code = "JSON_SYNTAX_ERROR"
	dg.Path = path
	return diag.List{dg}
}

// syntax turns a decoder error into a located diagnostic.
func (d *authDecoder) syntax(err error, path string) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// A json.Decoder's offsets count from its buffer, not the file:
		// the first syntax error of the whole text is the one it met, and
		// json.Unmarshal places it exactly (a scan, no values built).
		var raw json.RawMessage
		if uerr := json.Unmarshal(d.src, &raw); errors.As(uerr, &se) {
			if strings.HasPrefix(se.Error(), "unexpected end") {
				err = io.ErrUnexpectedEOF
			} else {
				return d.fail(se.Offset-1, path, "%s: fix the JSON (the file must be `aws iam get-account-authorization-details` output)", se.Error())
			}
		}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return d.fail(int64(len(d.src)), path, "the JSON ends too early: the file is cut short (download or copy it again)")
	}
	return d.fail(d.dec.InputOffset(), path, "%v", err)
}

// next skips white space, commas and colons from off: where the next
// value starts.
func (d *authDecoder) next(off int64) int64 {
	for off < int64(len(d.src)) {
		switch d.src[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

func (d *authDecoder) run(v authVisitor) error {
	tok, err := d.dec.Token()
	if err != nil {
		return d.syntax(err, "$")
	}
	if tok != json.Delim('{') {
		return d.fail(d.next(0), "$", "expected an object with UserDetailList, GroupDetailList, RoleDetailList and Policies, found %s", describeToken(tok))
	}
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return d.syntax(err, "$")
		}
		key, _ := tok.(string)
		path := "$." + key
		var each func(i int) error
		switch key {
		case "UserDetailList":
			if v.user != nil {
				each = func(i int) error {
					var u authUser
					if err := d.element(path, i, &u); err != nil {
						return err
					}
					return d.visited(v.user(i, &u, int(d.dec.InputOffset())))
				}
			}
		case "GroupDetailList":
			if v.group != nil {
				each = func(i int) error {
					var g authGroup
					if err := d.element(path, i, &g); err != nil {
						return err
					}
					return d.visited(v.group(i, &g, int(d.dec.InputOffset())))
				}
			}
		case "RoleDetailList":
			if v.role != nil {
				each = func(i int) error {
					var r authRole
					if err := d.element(path, i, &r); err != nil {
						return err
					}
					return d.visited(v.role(i, &r, int(d.dec.InputOffset())))
				}
			}
		case "Policies":
			if v.policy != nil {
				each = func(i int) error {
					var p authPolicy
					if err := d.element(path, i, &p); err != nil {
						return err
					}
					return d.visited(v.policy(i, &p, int(d.dec.InputOffset())))
				}
			}
		default:
			// IsTruncated, Marker and anything AWS adds: skipped.
			if err := d.skip(path); err != nil {
				return err
			}
			continue
		}
		if err := d.list(path, each); err != nil {
			return err
		}
	}
	if _, err := d.dec.Token(); err != nil { // the closing brace
		return d.syntax(err, "$")
	}
	// Only white space may follow (d.next would also pass over a comma).
	off := d.dec.InputOffset()
	for off < int64(len(d.src)) && strings.IndexByte(" \t\r\n", d.src[off]) >= 0 {
		off++
	}
	if off < int64(len(d.src)) {
		return d.fail(off, "$", "unexpected data after the end of the top-level object: remove it")
	}
	return nil
}

// skip reads one value without keeping it.
func (d *authDecoder) skip(path string) error {
	depth := 0
	for {
		tok, err := d.dec.Token()
		if err != nil {
			return d.syntax(err, path)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// list reads an array (or null) at path, calling each for every element;
// a nil each skips the elements.
func (d *authDecoder) list(path string, each func(i int) error) error {
	start := d.next(d.dec.InputOffset())
	tok, err := d.dec.Token()
	if err != nil {
		return d.syntax(err, path)
	}
	if tok == nil {
		return nil // "UserDetailList": null
	}
	if tok != json.Delim('[') {
		if dl, ok := tok.(json.Delim); ok && dl == '{' {
			// Consume nothing more: the error stops the decode.
			return d.fail(start, path, "expected an array, found an object")
		}
		return d.fail(start, path, "expected an array, found %s", describeToken(tok))
	}
	for i := 0; d.dec.More(); i++ {
		if each == nil {
			if err := d.skip(path + "[" + strconv.Itoa(i) + "]"); err != nil {
				return err
			}
			continue
		}
		if err := each(i); err != nil {
			return err
		}
	}
	if _, err := d.dec.Token(); err != nil {
		return d.syntax(err, path)
	}
	return nil
}

// element decodes the next element of the list at path into v: its text
// first (syntax errors at their place), then its fields (a wrong type
// reported with the path of the value, e.g.
// $.UserDetailList[3].UserPolicyList[0].PolicyName).
func (d *authDecoder) element(path string, i int, v any) error {
	epath := path + "[" + strconv.Itoa(i) + "]"
	start := d.next(d.dec.InputOffset())
	if start < int64(len(d.src)) && d.src[start] != '{' {
		var raw json.RawMessage
		if err := d.dec.Decode(&raw); err != nil {
			return d.syntax(err, epath)
		}
		return d.fail(start, epath, "expected an object, found %s", describeRaw(raw))
	}
	// One pass into v; the element's text is a slice of the input, for
	// placing problems, not a copy.
	err := d.dec.Decode(v)
	end := min(max(d.dec.InputOffset(), start), int64(len(d.src)))
	d.elem, d.elemStart, d.elemPath = d.src[start:end], start, epath
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return d.syntax(err, epath)
	}
	// A wrong type: the decoder read the whole element; decode its text
	// again on its own for an offset within it.
	raw := d.elem
	if uerr := json.Unmarshal(raw, v); errors.As(uerr, &te) {
		p, off, found := valueAt(raw, te.Offset)
		if !found {
			p, off = "", 0
		}
		return d.fail(start+off, epath+p, "expected %s, found %s", jsonKind(te.Type.String()), article(te.Value))
	}
	return d.fail(start, epath, "%v", err)
}

// jsonKind names a Go type as the JSON it reads.
func jsonKind(t string) string {
	switch {
	case t == "string":
		return "a string"
	case t == "bool":
		return "true or false"
	case len(t) > 2 && t[:2] == "[]":
		return "an array"
	case t == "json.RawMessage":
		return "a value"
	}
	return "an object"
}

// article names a JSON kind as json.UnmarshalTypeError gives it ("number")
// with its article.
func article(kind string) string {
	switch kind {
	case "object", "array":
		return "an " + kind
	case "bool":
		return "true or false"
	case "string", "number":
		return "a " + kind
	}
	return kind
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case nil:
		return "null"
	case bool:
		return "true or false"
	}
	return "a number"
}

func describeRaw(raw []byte) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "true or false"
	}
	return "a number"
}

// valueAt finds the innermost value of raw that holds the byte just
// before off (json.UnmarshalTypeError's offset is the end of the value
// or the inside of an object or array): its JSON path below raw ("",
// ".UserPolicyList[0].PolicyName") and its start offset.
func valueAt(raw []byte, off int64) (string, int64, bool) {
	return walkValues(raw, func(_ string, start, end int64) bool { return start <= off-1 && off-1 < end })
}

// pathStart finds the value at JSON path rel (".RolePolicyList[0].PolicyDocument") in raw.
func pathStart(raw []byte, rel string) (string, int64, bool) {
	return walkValues(raw, func(p string, _, _ int64) bool { return p == rel })
}

// walkValues visits the values of raw, innermost first, and returns the
// first whose path and span match: its path and start offset.
func walkValues(raw []byte, match func(path string, start, end int64) bool) (string, int64, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	next := func(o int64) int64 {
		for o < int64(len(raw)) {
			switch raw[o] {
			case ' ', '\t', '\r', '\n', ',', ':':
				o++
				continue
			}
			break
		}
		return o
	}
	var walk func(path string) (string, int64, bool, error)
	walk = func(path string) (string, int64, bool, error) {
		start := next(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return "", 0, false, err
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return "", 0, false, err
				}
				k, _ := kt.(string)
				if p, s, ok, err := walk(path + "." + k); ok || err != nil {
					return p, s, ok, err
				}
			}
			if _, err := dec.Token(); err != nil {
				return "", 0, false, err
			}
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if p, s, ok, err := walk(path + "[" + strconv.Itoa(i) + "]"); ok || err != nil {
					return p, s, ok, err
				}
			}
			if _, err := dec.Token(); err != nil {
				return "", 0, false, err
			}
		}
		if match(path, start, dec.InputOffset()) {
			return path, start, true, nil
		}
		return "", 0, false, nil
	}
	p, s, ok, err := walk("")
	if err != nil {
		return "", 0, false
	}
	return p, s, ok
}
