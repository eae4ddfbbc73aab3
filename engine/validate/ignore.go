package validate

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
	"go.yaml.in/yaml/v3"
)

// Ignore is a parsed ignore file: rules that drop findings. Each rule
// names one or more of code, path, file and policy; a finding is dropped
// when every field a rule names matches it:
//
//	ignore:
//	  - code: RESOURCE_STAR              # this code everywhere
//	  - code: PASS_ROLE_WITH_STAR_IN_RESOURCE
//	    path: '^\$\.Statement\[2\]'      # ... only under this JSON path (a regular expression)
//	  - file: 'legacy/**'                # every finding in these files (glob; ** crosses folders)
//	  - file: '*.trust.json'             # a glob without / matches the file's base name
//	    code: MISSING_VERSION
//	  - policy: 'role/ci-*'              # policies of an authorization-details dump, by name (glob)
//
// Codes must be codes of the table of checks (an unknown code is an
// error, so that a typo does not silently ignore nothing).
type Ignore struct {
	Rules []IgnoreRule
}

// IgnoreRule is one rule of an ignore file.
type IgnoreRule struct {
	Code   string
	Path   *regexp.Regexp
	File   *regexp.Regexp
	Policy *regexp.Regexp
	// Line is the rule's line in the ignore file.
	Line int
}

type ignoreFile struct {
	Ignore []struct {
		Code   string `yaml:"code"`
		Path   string `yaml:"path"`
		File   string `yaml:"file"`
		Policy string `yaml:"policy"`
		Line   int    `yaml:"-"`
	} `yaml:"ignore"`
}

// ParseIgnore reads an ignore file (YAML, see Ignore). Errors name the
// file and line.
func ParseIgnore(src []byte, name string) (*Ignore, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var f ignoreFile
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && err.Error() != "EOF" {
		return nil, fmt.Errorf("%s: %w (expected \"ignore:\" and a list of rules with code, path, file or policy)", name, err)
	}
	lines := ruleLines(&doc)
	ig := &Ignore{}
	for i, r := range f.Ignore {
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		at := fmt.Sprintf("%s:%d", name, line)
		rule := IgnoreRule{Code: r.Code, Line: line}
		if r.Code == "" && r.Path == "" && r.File == "" && r.Policy == "" {
			return nil, fmt.Errorf("%s: the rule names nothing: give code, path, file or policy", at)
		}
		if r.Code != "" && Lookup(r.Code) == nil {
			msg := fmt.Sprintf("%s: unknown issue code %q", at, r.Code)
			if s := suggest.Nearest(r.Code, codes(), 1); len(s) > 0 {
				msg += "; did you mean " + s[0] + "?"
			}
			return nil, fmt.Errorf("%s (policy-sentry validate --list-checks lists the codes)", msg)
		}
		var err error
		if r.Path != "" {
			if rule.Path, err = regexp.Compile(r.Path); err != nil {
				return nil, fmt.Errorf("%s: path %q is not a regular expression: %v", at, r.Path, err)
			}
		}
		if r.File != "" {
			rule.File = globRegexp(r.File)
		}
		if r.Policy != "" {
			rule.Policy = globRegexp(r.Policy)
		}
		ig.Rules = append(ig.Rules, rule)
	}
	return ig, nil
}

// ruleLines returns the line of each rule of the "ignore" list.
func ruleLines(doc *yaml.Node) []int {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "ignore" {
			var out []int
			for _, r := range m.Content[i+1].Content {
				out = append(out, r.Line)
			}
			return out
		}
	}
	return nil
}

func codes() []string {
	out := make([]string, len(allChecks()))
	for i, c := range allChecks() {
		out[i] = c.Code
	}
	return out
}

// globRegexp compiles a glob: * and ? do not cross '/', ** does. A glob
// without '/' matches a base name.
func globRegexp(g string) *regexp.Regexp {
	var b strings.Builder
	if !strings.Contains(g, "/") {
		b.WriteString(`(^|/)`)
	} else {
		b.WriteString(`^`)
	}
	for i := 0; i < len(g); i++ {
		switch c := g[i]; c {
		case '*':
			if i+1 < len(g) && g[i+1] == '*' {
				b.WriteString(`.*`)
				i++
			} else {
				b.WriteString(`[^/]*`)
			}
		case '?':
			b.WriteString(`[^/]`)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

// Match reports whether a rule drops the finding d of the policy named
// policyName in file.
func (ig *Ignore) Match(file, policyName string, d diag.Diagnostic) bool {
	if ig == nil {
		return false
	}
	file = filepath.ToSlash(file)
	for _, r := range ig.Rules {
		if r.Code != "" && r.Code != d.Code {
			continue
		}
		if r.Path != nil && !r.Path.MatchString(d.Path) {
			continue
		}
		if r.File != nil && !r.File.MatchString(file) {
			continue
		}
		if r.Policy != nil && !r.Policy.MatchString(policyName) {
			continue
		}
		return true
	}
	return false
}

// Filter returns the findings no rule drops.
func (ig *Ignore) Filter(file, policyName string, l diag.List) diag.List {
	if ig == nil {
		return l
	}
	out := l[:0:0]
	for _, d := range l {
		if !ig.Match(file, policyName, d) {
			out = append(out, d)
		}
	}
	return out
}
