//go:build js && wasm

package main

import (
	"encoding/json"
	"syscall/js"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/template"
)

// templateFromJS reads the shipped record's Template (JSON.parse's object
// of encoding/json's output) without encoding/json, whose first use is
// slow on a first visit: what a template without condition blocks holds
// is read field by field. A template with condition blocks is decoded
// with encoding/json. null gives nil (output then parses the YAML).
// TestInitialFromJS checks that the result is what encoding/json gives.
func templateFromJS(v js.Value) (*template.Template, error) {
	if v.Type() != js.TypeObject {
		return nil, nil
	}
	if c := v.Get("Conditions"); c.Type() == js.TypeObject && c.Length() > 0 {
		t := new(template.Template)
		return t, json.Unmarshal([]byte(js.Global().Get("JSON").Call("stringify", v).String()), t)
	}
	t := &template.Template{File: jsString(v, "File"), Mode: template.Mode(jsString(v, "Mode")), Name: jsString(v, "Name"), Effect: jsString(v, "Effect"),
		Read: jsEntries(v, "Read"), Write: jsEntries(v, "Write"), List: jsEntries(v, "List"), Tagging: jsEntries(v, "Tagging"),
		PermissionsManagement:   jsEntries(v, "PermissionsManagement"),
		SkipResourceConstraints: jsEntries(v, "SkipResourceConstraints"), ExcludeActions: jsEntries(v, "ExcludeActions"),
		Actions: jsEntries(v, "Actions")}
	if c := v.Get("Conditions"); c.Type() == js.TypeObject {
		t.Conditions = []template.ConditionBlock{} // an empty list, not null
	}
	if w := v.Get("WildcardOnly"); w.Type() == js.TypeObject {
		t.WildcardOnly = template.WildcardOnly{SingleActions: jsEntries(w, "SingleActions"), ServiceRead: jsEntries(w, "ServiceRead"),
			ServiceWrite: jsEntries(w, "ServiceWrite"), ServiceList: jsEntries(w, "ServiceList"), ServiceTagging: jsEntries(w, "ServiceTagging"),
			ServicePermissionsManagement: jsEntries(w, "ServicePermissionsManagement")}
	}
	if s := v.Get("STS"); s.Type() == js.TypeObject {
		t.STS = template.STS{AssumeRole: jsEntries(s, "AssumeRole"), AssumeRoleWithSAML: jsEntries(s, "AssumeRoleWithSAML"),
			AssumeRoleWithWebIdentity: jsEntries(s, "AssumeRoleWithWebIdentity")}
	}
	return t, nil
}

// jsString is o[k] when it is a string, else "".
func jsString(o js.Value, k string) string {
	if f := o.Get(k); f.Type() == js.TypeString {
		return f.String()
	}
	return ""
}

// jsInt is o[k] when it is a number, else 0.
func jsInt(o js.Value, k string) int {
	if f := o.Get(k); f.Type() == js.TypeNumber {
		return f.Int()
	}
	return 0
}

// jsEntries reads a list of template entries: nil for null, an empty
// list for [] (as encoding/json decodes them).
func jsEntries(o js.Value, k string) []template.Entry {
	a := o.Get(k)
	if a.Type() != js.TypeObject {
		return nil
	}
	out := make([]template.Entry, a.Length())
	for i := range out {
		e := a.Index(i)
		out[i].Value = jsString(e, "Value")
		if p := e.Get("Pos"); p.Type() == js.TypeObject {
			out[i].Pos = diag.Position{File: jsString(p, "file"), Offset: jsInt(p, "offset"), Line: jsInt(p, "line"), Column: jsInt(p, "column")}
		}
	}
	return out
}
