package workbench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"go.yaml.in/yaml/v3"
)

// ReportFormat is one way to render an audit report (analyze --fmt, the
// API's fmt=).
type ReportFormat struct {
	// Name is what users type: "json", "yaml", "text".
	Name string
	// MediaType is the HTTP Content-Type of a rendering.
	MediaType string
	// write writes a report; actions renders a list of actions (analyze
	// --from-access-level).
	write   func(*audit.Report, io.Writer) error
	actions func([]string) ([]byte, error)
}

// reportFormats is the table of report formats.
var reportFormats = []ReportFormat{
	{Name: "json", MediaType: "application/json",
		write:   (*audit.Report).WriteJSON,
		actions: func(a []string) ([]byte, error) { return jsonIndent(a, "    ") }},
	{Name: "yaml", MediaType: "application/yaml",
		write: func(r *audit.Report, w io.Writer) error {
			b, err := yaml.Marshal(r)
			if err == nil {
				_, err = w.Write(b)
			}
			return err
		},
		actions: func(a []string) ([]byte, error) { return yaml.Marshal(a) }},
	{Name: "text", MediaType: "text/plain",
		write: (*audit.Report).WriteText,
		actions: func(a []string) ([]byte, error) {
			var b strings.Builder
			for _, x := range a {
				b.WriteString(x + "\n")
			}
			return []byte(b.String()), nil
		}},
	{Name: "csv", MediaType: "text/csv",
		write:   (*audit.Report).WriteCSV,
		actions: func(a []string) ([]byte, error) { return []byte(strings.Join(a, "\n") + "\n"), nil }},
	{Name: "sarif", MediaType: "application/sarif+json",
		write: func(r *audit.Report, w io.Writer) error {
			return r.WriteSARIF(w, SARIFTool, "")
		},
		actions: func(a []string) ([]byte, error) { return jsonIndent(a, "    ") }},
}

// ReportFormatNames are the report formats' names: json, yaml, text.
func ReportFormatNames() []string {
	out := make([]string, len(reportFormats))
	for i, f := range reportFormats {
		out[i] = f.Name
	}
	return out
}

// LookupReportFormat finds a report format by name.
func LookupReportFormat(name string) (ReportFormat, error) {
	for _, f := range reportFormats {
		if strings.EqualFold(f.Name, name) {
			return f, nil
		}
	}
	return ReportFormat{}, fmt.Errorf("unknown report format %q: use %s", name, strings.Join(ReportFormatNames(), ", "))
}

// Render renders the audit report in a report format.
func (r *AuditResult) Render(format string) ([]byte, ReportFormat, error) {
	var b bytes.Buffer
	f, err := r.RenderTo(&b, format)
	return b.Bytes(), f, err
}

// RenderTo writes the audit report in a report format to w as it renders
// it: an account's report of tens of megabytes is never held whole (the
// CLI writes it straight to its output). An unknown format writes nothing.
func (r *AuditResult) RenderTo(w io.Writer, format string) (ReportFormat, error) {
	f, err := LookupReportFormat(format)
	if err != nil {
		return f, err
	}
	return f, f.write(r.Report, w)
}

// RenderLevel renders the sorted actions the audited policies allow at
// one access level (analyze --from-access-level) in a report format.
func (r *AuditResult) RenderLevel(level iamdb.AccessLevel, format string) ([]byte, ReportFormat, error) {
	f, err := LookupReportFormat(format)
	if err != nil {
		return nil, f, err
	}
	b, err := f.actions(r.Report.ActionsAt(level))
	return b, f, err
}

// jsonIndent is json.MarshalIndent with a final newline.
func jsonIndent(v any, indent string) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", indent)
	return append(b, '\n'), err
}
