package diag

import (
	"fmt"
	"strings"
)

// Severity ranks a diagnostic. The four finding types are IAM Access
// Analyzer's, with its meanings; Error also serves for input that cannot be
// read at all (a template or policy that does not parse).
type Severity int

// Severities, most severe first: Error < SecurityWarning < Warning <
// Suggestion in sort order.
const (
	// Error: the input is invalid (AWS would reject the policy, or the
	// template cannot be written).
	Error Severity = iota
	// SecurityWarning: the policy is valid but grants access that is
	// overly permissive or risky.
	SecurityWarning
	// Warning: the policy is valid but does not follow best practice, or
	// part of it has no effect.
	Warning
	// Suggestion: the policy could be simpler or clearer.
	Suggestion
)

var severityNames = [...]string{"ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION"}

// String is the Access Analyzer finding type: ERROR, SECURITY_WARNING,
// WARNING or SUGGESTION.
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s]
}

// Label is the severity as a lower-case word for CLI messages and flags
// ("error", "security-warning", "warning", "suggestion").
func (s Severity) Label() string {
	return strings.ReplaceAll(strings.ToLower(s.String()), "_", "-")
}

// MarshalText encodes the severity as its finding type.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText accepts what ParseSeverity accepts.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity reads a finding type in either spelling ("SECURITY_WARNING"
// or "security-warning"), case-insensitively.
func ParseSeverity(s string) (Severity, error) {
	norm := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", "_"))
	for i, n := range severityNames {
		if n == norm {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q: use error, security-warning, warning or suggestion", s)
}

// Diagnostic is one problem or finding in user input.
type Diagnostic struct {
	// Severity is the finding type.
	Severity Severity `json:"findingType"`
	// Code is a stable issue code (Access Analyzer's where it has one for
	// the same check); empty for plain input errors.
	Code string `json:"issueCode,omitempty"`
	// Message says what is wrong and what to do, on one line.
	Message string `json:"message"`
	// Path is the JSON path ("$.Statement[0].Action[2]") or template key
	// path where the problem is; empty when there is none.
	Path string `json:"path,omitempty"`
	// Start is where the problem begins; End, when valid, where it ends
	// (exclusive).
	Start Position `json:"start"`
	End   Position `json:"end"`
	// Suggestions are did-you-mean replacements, best first.
	Suggestions []string `json:"suggestions,omitempty"`
	// Link points at documentation of the check.
	Link string `json:"learnMoreLink,omitempty"`
}

// Error formats the diagnostic as "file:line:column: path: message".
func (d Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.Start.String())
	b.WriteString(": ")
	if d.Path != "" {
		b.WriteString(d.Path)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// List is a set of diagnostics; as an error it prints one a line.
type List []Diagnostic

// Add appends a diagnostic.
func (l *List) Add(d Diagnostic) { *l = append(*l, d) }

// Error lists the diagnostics one a line.
func (l List) Error() string {
	parts := make([]string, len(l))
	for i, d := range l {
		parts[i] = d.Error()
	}
	return strings.Join(parts, "\n")
}

// Err returns the list as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Sort orders the list by file, then offset, then line and column, then
// severity, then code: stable output for the same input.
func (l List) Sort() {
	slicesSortStable(l)
}

// Max returns the most severe severity in the list and false when the list
// is empty.
func (l List) Max() (Severity, bool) {
	if len(l) == 0 {
		return 0, false
	}
	m := l[0].Severity
	for _, d := range l[1:] {
		if d.Severity < m {
			m = d.Severity
		}
	}
	return m, true
}

// AtLeast returns the diagnostics at severity s or more severe.
func (l List) AtLeast(s Severity) List {
	var out List
	for _, d := range l {
		if d.Severity <= s {
			out = append(out, d)
		}
	}
	return out
}

// Line is the start line, for callers that only need it.
func (d Diagnostic) Line() int { return d.Start.Line }

// Short formats the diagnostic without the file name, as an editor shows
// it beside the input: "line:column: path: message", or "path: message"
// when the line is unknown.
func (d Diagnostic) Short() string {
	var b strings.Builder
	if d.Start.IsValid() {
		fmt.Fprintf(&b, "%d:%d: ", d.Start.Line, d.Start.Column)
	}
	if d.Path != "" {
		b.WriteString(d.Path)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Errorf is an Error diagnostic at p.
func Errorf(p Position, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: Error, Message: fmt.Sprintf(format, args...), Start: p}
}

// Warningf is a Warning diagnostic at p.
func Warningf(p Position, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: Warning, Message: fmt.Sprintf(format, args...), Start: p}
}
