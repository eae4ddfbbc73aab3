package diag

import (
	"encoding/json"
	"io"
	"slices"
	"strings"
)

// Rule describes one check code for SARIF's rule list: GitHub code scanning
// shows its name, description and help link beside each result.
type Rule struct {
	// ID is the issue code, e.g. "PASS_ROLE_WITH_STAR_IN_RESOURCE".
	ID string
	// Title is a short human name.
	Title string
	// Description is one sentence on what the check finds.
	Description string
	// HelpURI links to documentation of the check.
	HelpURI string
	// Severity is the finding type the code reports at.
	Severity Severity
}

// SARIFTool names the tool in a SARIF log.
type SARIFTool struct {
	Name           string
	Version        string
	InformationURI string
}

// SARIF 2.1.0 shapes (https://docs.oasis-open.org/sarif/sarif/v2.1.0/):
// only the properties this tool writes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool     `json:"tool"`
		ColumnKind string        `json:"columnKind"`
		Results    []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string          `json:"id"`
		Name                 string          `json:"name,omitempty"`
		ShortDescription     sarifText       `json:"shortDescription"`
		FullDescription      sarifText       `json:"fullDescription"`
		HelpURI              string          `json:"helpUri,omitempty"`
		Help                 sarifText       `json:"help"`
		DefaultConfiguration sarifConfig     `json:"defaultConfiguration"`
		Properties           *sarifRuleProps `json:"properties,omitempty"`
	}
	sarifRuleProps struct {
		Tags             []string `json:"tags,omitempty"`
		SecuritySeverity string   `json:"security-severity,omitempty"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical  `json:"physicalLocation"`
		LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
		EndLine     int `json:"endLine,omitempty"`
		EndColumn   int `json:"endColumn,omitempty"`
	}
	sarifLogical struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
	}
)

// SARIFLevel maps a finding type to SARIF's level: ERROR and
// SECURITY_WARNING are "error", WARNING "warning", SUGGESTION "note".
func SARIFLevel(s Severity) string {
	switch s {
	case Error, SecurityWarning:
		return "error"
	case Warning:
		return "warning"
	}
	return "note"
}

// WriteSARIF writes the diagnostics as a SARIF 2.1.0 log with one run.
// Every code used by a diagnostic must be among rules (a code without a
// rule gets a rule made from the diagnostic itself); rules are written in
// the order given, then those made up, so output is deterministic. Columns
// are Unicode characters (columnKind "unicodeCodePoints"); a diagnostic
// without a line is placed at line 1.
func WriteSARIF(w io.Writer, tool SARIFTool, rules []Rule, l List) error {
	index := map[string]int{}
	var out []sarifRule
	addRule := func(r Rule) {
		index[r.ID] = len(out)
		sr := sarifRule{
			ID: r.ID, Name: r.Title,
			ShortDescription:     sarifText{r.Title},
			FullDescription:      sarifText{r.Description},
			HelpURI:              r.HelpURI,
			Help:                 sarifText{r.Description + helpSuffix(r.HelpURI)},
			DefaultConfiguration: sarifConfig{SARIFLevel(r.Severity)},
		}
		if sr.ShortDescription.Text == "" {
			sr.ShortDescription.Text = r.ID
		}
		if sr.FullDescription.Text == "" {
			sr.FullDescription.Text = sr.ShortDescription.Text
			sr.Help.Text = sr.ShortDescription.Text + helpSuffix(r.HelpURI)
		}
		if r.Severity == SecurityWarning {
			sr.Properties = &sarifRuleProps{Tags: []string{"security"}, SecuritySeverity: "7.5"}
		}
		out = append(out, sr)
	}
	for _, r := range rules {
		if _, dup := index[r.ID]; !dup {
			addRule(r)
		}
	}
	results := make([]sarifResult, 0, len(l))
	for _, d := range l {
		code := d.Code
		if code == "" {
			code = "INPUT_ERROR"
		}
		if _, ok := index[code]; !ok {
			addRule(Rule{ID: code, Title: code, Description: code, HelpURI: d.Link, Severity: d.Severity})
		}
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: artifactURI(d.Start.File)}}}
		line := max(d.Start.Line, 1)
		reg := &sarifRegion{StartLine: line, StartColumn: max(d.Start.Column, 1)}
		if d.End.IsValid() {
			reg.EndLine, reg.EndColumn = d.End.Line, max(d.End.Column, 1)
		}
		loc.PhysicalLocation.Region = reg
		if d.Path != "" {
			loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: d.Path}}
		}
		msg := d.Message
		if len(d.Suggestions) > 0 && !strings.Contains(msg, "did you mean") {
			msg += " (did you mean " + joinOr(d.Suggestions) + "?)"
		}
		results = append(results, sarifResult{RuleID: code, RuleIndex: index[code], Level: SARIFLevel(d.Severity),
			Message: sarifText{msg}, Locations: []sarifLocation{loc}})
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool:       sarifTool{Driver: sarifDriver{Name: tool.Name, Version: tool.Version, InformationURI: tool.InformationURI, Rules: out}},
			ColumnKind: "unicodeCodePoints",
			Results:    results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

func helpSuffix(uri string) string {
	if uri == "" {
		return ""
	}
	return " See " + uri
}

func artifactURI(file string) string {
	if file == "" || file == "-" {
		return "stdin"
	}
	return file
}

func joinOr(s []string) string {
	s = slices.Clone(s)
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	out := s[0]
	for _, x := range s[1 : len(s)-1] {
		out += ", " + x
	}
	return out + " or " + s[len(s)-1]
}
