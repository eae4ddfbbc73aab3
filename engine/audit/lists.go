// Package audit analyzes IAM policies against the dataset: it expands
// wildcards, groups allowed actions by access level, and reports risky
// permissions (privilege escalation, resource exposure, credentials
// exposure, data exfiltration, infrastructure modification, and custom
// audit lists), naming the policy, the statement and how the grant is
// constrained.
package audit

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"github.com/leastpriv/policysentry/engine/audit/paths"
	"github.com/leastpriv/policysentry/engine/diag"
	"go.yaml.in/yaml/v3"
)

// The built-in lists, one variable each rather than an embed.FS, whose
// methods (9 KB of wasm) the web app would link for these five reads.
var (
	//go:embed lists/privilege-escalation.yml
	privilegeEscalationYAML []byte
	//go:embed lists/resource-exposure.yml
	resourceExposureYAML []byte
	//go:embed lists/credentials-exposure.yml
	credentialsExposureYAML []byte
	//go:embed lists/data-exfiltration.yml
	dataExfiltrationYAML []byte
	//go:embed lists/infrastructure-modification.yml
	infrastructureModificationYAML []byte
)

// List is a risk list: single actions, or methods that need several
// actions at once (privilege escalation).
type List struct {
	// ID names the list in findings, e.g. privilege-escalation.
	ID string `yaml:"id" json:"id"`
	// Title is a short human name.
	Title string `yaml:"title" json:"title"`
	// Severity is the base severity of the list's findings.
	Severity Severity `yaml:"severity" json:"severity"`
	// Description says what the list catches.
	Description string `yaml:"description" json:"description"`
	// Actions are single risky actions (wildcards allowed).
	Actions []Entry `yaml:"actions" json:"actions,omitempty"`
	// Methods are combinations that are risky only all together.
	Methods []Method `yaml:"methods" json:"methods,omitempty"`
	// Levels, when set, also reports every action at these access levels
	// that is allowed on Resource "*" without a condition, per service.
	Levels *LevelRule `yaml:"levels" json:"levels,omitempty"`
}

// LevelRule is a list entry that covers whole access levels.
type LevelRule struct {
	// Levels are access level keys, e.g. write.
	Levels []string `yaml:"levels" json:"levels"`
	// Severity of the per-service findings.
	Severity Severity `yaml:"severity" json:"severity"`
	// Why explains the risk.
	Why string `yaml:"why" json:"why"`
}

// Entry is one risky action (wildcards allowed) and why it is risky.
type Entry struct {
	// Action is "service:Action", wildcards allowed.
	Action string `yaml:"action" json:"action"`
	// Why explains the risk (empty in custom audit files).
	Why string `yaml:"why" json:"why,omitempty"`
}

// Method is a combination of actions that is risky only all together.
type Method struct {
	// ID is the path's id (pathfinding.cloud's, e.g. iam-001, or rhino-N).
	ID string `yaml:"id" json:"id"`
	// Name is the method's published name.
	Name string `yaml:"name" json:"name"`
	// Resources names, per action, the resource type it must reach.
	Resources map[string]string `yaml:"resources" json:"resources,omitempty"`
	// Sources name who publishes the method.
	Sources []string `yaml:"sources" json:"sources,omitempty"`
	// Actions must all be allowed for the method to apply.
	Actions []string `yaml:"actions" json:"actions"`
	// Why explains how the method escalates.
	Why string `yaml:"why" json:"why"`
}

// BuiltinLists returns the built-in risk lists, in report order:
// privilege escalation, resource exposure, credentials exposure and data
// exfiltration. Infrastructure modification, which reports far more, is
// added by Options.InfrastructureModification.
func BuiltinLists() ([]*List, error) {
	builtinOnce.Do(func() { builtin, builtinErr = loadBuiltinLists() })
	return builtin, builtinErr
}

var (
	builtinOnce sync.Once
	builtin     []*List
	builtinErr  error
)

func loadBuiltinLists() ([]*List, error) {
	var out []*List
	for _, name := range []string{"privilege-escalation", "resource-exposure", "credentials-exposure", "data-exfiltration"} {
		l, err := builtinList(name)
		if err != nil {
			return nil, err
		}
		if name == "privilege-escalation" {
			ps, err := paths.All()
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				l.Methods = append(l.Methods, Method{ID: p.ID, Name: p.Name, Actions: p.Actions, Resources: p.Resources, Sources: p.Sources, Why: p.Why})
			}
		}
		out = append(out, l)
	}
	return out, nil
}

// InfrastructureModificationList returns the built-in infrastructure
// modification list (lists/infrastructure-modification.yml).
func InfrastructureModificationList() (*List, error) {
	return builtinList("infrastructure-modification")
}

func builtinList(name string) (*List, error) {
	var b []byte
	switch name {
	case "privilege-escalation":
		b = privilegeEscalationYAML
	case "resource-exposure":
		b = resourceExposureYAML
	case "credentials-exposure":
		b = credentialsExposureYAML
	case "data-exfiltration":
		b = dataExfiltrationYAML
	case "infrastructure-modification":
		b = infrastructureModificationYAML
	default:
		return nil, fmt.Errorf("no built-in list %s (a name in engine/audit/lists.go's builtinList)", name)
	}
	var l List
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("built-in list %s: %w", name, err)
	}
	return &l, nil
}

// ParseAuditFile reads a custom audit list: one action a line (wildcards
// allowed), '#' starts a comment. Errors are a diag.List naming
// file:line:column.
func ParseAuditFile(src []byte, file string) (*List, error) {
	l := &List{ID: "custom", Title: "Custom audit list (" + file + ")", Severity: SeverityMedium,
		Description: "Actions listed in " + file + "."}
	lines := diag.NewLines(file, src)
	for n := 1; n <= lines.LineCount(); n++ {
		start, end := lines.LineStart(n), lines.LineEnd(n)
		text := string(src[start:end])
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		indent := len(text) - len(strings.TrimLeft(text, " \t"))
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		if text != "*" && (!strings.Contains(text, ":") || strings.ContainsAny(text, " \t,")) {
			return nil, diag.List{lines.Errorf(start+indent, "%q is not an action: write one service:Action per line (wildcards allowed)", text)}
		}
		l.Actions = append(l.Actions, Entry{Action: text})
	}
	if len(l.Actions) == 0 {
		return nil, diag.List{diag.Errorf(diag.Position{File: file}, "the audit file lists no actions")}
	}
	return l, nil
}

// Severity ranks findings.
type Severity string

// Severities, from most to least severe.
const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
)

var severityRank = map[Severity]int{SeverityCritical: 4, SeverityHigh: 3, SeverityMedium: 2, SeverityLow: 1}

// ParseSeverity accepts critical, high, medium, low (any case).
func ParseSeverity(s string) (Severity, error) {
	v := Severity(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := severityRank[v]; !ok {
		return "", fmt.Errorf("unknown severity %q: use critical, high, medium or low", s)
	}
	return v, nil
}

// AtLeast reports whether s is as severe as t or more.
func (s Severity) AtLeast(t Severity) bool { return severityRank[s] >= severityRank[t] }

func (s Severity) lower() Severity {
	switch s {
	case SeverityCritical:
		return SeverityHigh
	case SeverityHigh:
		return SeverityMedium
	}
	return SeverityLow
}

func (s Severity) higher() Severity {
	switch s {
	case SeverityHigh, SeverityCritical:
		return SeverityCritical
	case SeverityMedium:
		return SeverityHigh
	}
	return SeverityMedium
}
