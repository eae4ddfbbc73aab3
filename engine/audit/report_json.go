package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// ReportFormat names the JSON report's shape (see README.md).
const ReportFormat = "policy-sentry-audit/2"

// Catalog holds, once per report, what findings would otherwise repeat:
// each list's title, severity and description, each escalation path's
// name and sources, and each explanation, keyed "list/key" where key is
// the action (as the list names it), the path id, "levels" or the trust
// finding kind. Only the entries the report's findings use are present.
type Catalog struct {
	Lists map[string]CatalogList `json:"lists"`
	Paths map[string]CatalogPath `json:"paths,omitempty"`
	Why   map[string]string      `json:"why"`
}

// CatalogList describes a risk list.
type CatalogList struct {
	Title       string   `json:"title"`
	Severity    Severity `json:"severity"`
	Description string   `json:"description,omitempty"`
}

// CatalogPath describes an escalation path.
type CatalogPath struct {
	Name      string            `json:"name"`
	Actions   []string          `json:"actions"`
	Resources map[string]string `json:"resources,omitempty"`
	Sources   []string          `json:"sources,omitempty"`
}

// Catalog collects the catalog of the findings in the report.
func (r *Report) Catalog() Catalog {
	c := Catalog{Lists: map[string]CatalogList{}, Paths: map[string]CatalogPath{}, Why: map[string]string{}}
	lists := map[string]*List{}
	for _, l := range r.lists {
		lists[l.ID] = l
	}
	methods := map[string]Method{}
	for _, l := range r.lists {
		for _, m := range l.Methods {
			methods[m.ID] = m
		}
	}
	add := func(f *Finding) {
		if _, ok := c.Lists[f.List]; !ok {
			if l := lists[f.List]; l != nil {
				c.Lists[f.List] = CatalogList{Title: l.Title, Severity: l.Severity, Description: l.Description}
			} else {
				c.Lists[f.List] = CatalogList{Title: f.Title}
			}
		}
		why := f.Why
		if f.key == "levels" {
			if l := lists[f.List]; l != nil && l.Levels != nil {
				why = l.Levels.Why
			}
		}
		c.Why[f.List+"/"+f.whyKey()] = why
		if f.Path != "" {
			if m, ok := methods[f.Path]; ok {
				c.Paths[f.Path] = CatalogPath{Name: m.Name, Actions: m.Actions, Resources: m.Resources, Sources: m.Sources}
			}
		}
	}
	for _, p := range r.Policies {
		for i := range p.Findings {
			add(&p.Findings[i])
		}
	}
	for _, p := range r.Principals {
		for i := range p.Findings {
			add(&p.Findings[i])
		}
	}
	return c
}

// whyKey is the finding's key in Catalog.Why.
func (f *Finding) whyKey() string {
	switch {
	case f.key != "":
		return f.key
	case f.Path != "":
		return f.Path
	case len(f.Actions) == 1:
		return f.Actions[0]
	}
	return ""
}

// jsonFinding is a finding as the JSON report writes it: "key" only when
// it is not the finding's path or single action.
type jsonFinding struct {
	Finding
	Key string `json:"key,omitempty"`
}

// jsonFindings converts findings for the JSON report, merging the
// single-action findings of one list that agree on everything but the
// action (severity, statements, scope) into one finding with several
// actions; each action's explanation is then Catalog.Why[list/action].
func jsonFindings(fs []Finding) []jsonFinding {
	out := make([]jsonFinding, 0, len(fs))
	merged := map[string]int{}
	for _, f := range fs {
		single := f.Path == "" && f.key != "levels" && len(f.Actions) == 1 && f.key == f.Actions[0]
		if single {
			k := fmt.Sprint(f.List, "|", f.Severity, "|", f.Statements, "|", f.Unconstrained, f.Conditioned, f.WildcardOnly, "|", f.Detail)
			if i, ok := merged[k]; ok {
				out[i].Actions = append(out[i].Actions, f.Actions[0])
				continue
			}
			merged[k] = len(out)
			f.Actions = append([]string(nil), f.Actions...)
			out = append(out, jsonFinding{Finding: f})
			continue
		}
		jf := jsonFinding{Finding: f}
		if k := f.whyKey(); k != f.Path {
			jf.Key = k
		}
		out = append(out, jf)
	}
	return out
}

type jsonPolicy struct {
	*PolicyReport
	Findings []jsonFinding `json:"findings"`
}

type jsonPrincipal struct {
	*PrincipalReport
	Findings []jsonFinding `json:"findings,omitempty"`
}

// MarshalJSON writes the lean report (see WriteJSON), without line breaks.
func (r *Report) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := r.writeJSON(&b, ""); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteJSON writes the lean report: format, catalog, then policies and
// principals, one per line (valid JSON, diff- and grep-friendly, written
// as it goes so memory does not grow with the output). A finding's
// explanation is Catalog.Why[list + "/" + key], where key is the
// finding's "key", else its path, else each of its actions (findings of
// single actions that agree on all else are merged).
func (r *Report) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := r.writeJSON(bw, "\n"); err != nil {
		return err
	}
	bw.WriteString("\n")
	return bw.Flush()
}

type byteWriter interface {
	io.Writer
	WriteString(string) (int, error)
}

func (r *Report) writeJSON(w byteWriter, nl string) error {
	enc := func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	w.WriteString(`{"format":"` + ReportFormat + `",` + nl + `"catalog":`)
	if err := enc(r.Catalog()); err != nil {
		return err
	}
	w.WriteString("," + nl + `"policies":[`)
	for i, p := range r.Policies {
		if i > 0 {
			w.WriteString(",")
		}
		w.WriteString(nl)
		if err := enc(jsonPolicy{PolicyReport: p, Findings: jsonFindings(p.Findings)}); err != nil {
			return err
		}
	}
	w.WriteString(nl + "]")
	if len(r.Principals) > 0 {
		w.WriteString("," + nl + `"principals":[`)
		for i, p := range r.Principals {
			if i > 0 {
				w.WriteString(",")
			}
			w.WriteString(nl)
			if err := enc(jsonPrincipal{PrincipalReport: p, Findings: jsonFindings(p.Findings)}); err != nil {
				return err
			}
		}
		w.WriteString(nl + "]")
	}
	_, err := w.WriteString(nl + "}")
	return err
}

// MarshalYAML gives the YAML report the JSON report's shape.
func (r *Report) MarshalYAML() (any, error) {
	b, err := r.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return v, nil
}
