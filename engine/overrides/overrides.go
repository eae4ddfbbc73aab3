// Package overrides reads access-level corrections (Policy Sentry's
// access-level-overrides.yml format) and applies them to a dataset:
//
//	iam:                      # service prefix
//	  Permissions management: # the corrected access level
//	    - createrole          # action names, any case
//	    - passrole
package overrides

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
	"github.com/leastpriv/policysentry/engine/internal/yamlerr"
	"go.yaml.in/yaml/v3"
)

// Override sets one action's access level.
type Override struct {
	Service, Action string
	Level           iamdb.AccessLevel
	// Pos is where the action is in the file.
	Pos diag.Position
}

// The codes of the diagnostics (YAML syntax errors are
// yamlerr.Code's).
const (
	// CodeInvalidOverrides: the file's shape is wrong.
	CodeInvalidOverrides = "INVALID_OVERRIDES"
	// CodeInvalidService: a service the dataset does not have.
	CodeInvalidService = "INVALID_SERVICE"
	// CodeInvalidAction: an action the service does not have.
	CodeInvalidAction = "INVALID_ACTION"
)

// Parse reads an overrides file; file names it in errors, which are a
// diag.List of one diagnostic at the offending value.
func Parse(src []byte, file string) ([]Override, error) {
	lines := diag.NewLines(file, src)
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, yamlerr.Error(lines, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	fail := func(n *yaml.Node, format string, args ...any) error {
		d := diag.Errorf(lines.At(n.Line, n.Column), format, args...)
		d.Code = CodeInvalidOverrides
		return diag.List{d}
	}
	if root.Kind != yaml.MappingNode {
		return nil, fail(root, "expected a mapping of service prefix → access level → actions")
	}
	var out []Override
	for i := 0; i+1 < len(root.Content); i += 2 {
		svc, levels := root.Content[i], root.Content[i+1]
		if levels.Kind != yaml.MappingNode {
			return nil, fail(levels, "service %s: expected a mapping of access level → list of actions", svc.Value)
		}
		for j := 0; j+1 < len(levels.Content); j += 2 {
			lk, list := levels.Content[j], levels.Content[j+1]
			level, err := iamdb.ParseAccessLevel(lk.Value)
			if err != nil {
				return nil, fail(lk, "service %s: %v", svc.Value, err)
			}
			if list.Kind != yaml.SequenceNode {
				return nil, fail(list, "service %s, %s: expected a list of action names", svc.Value, lk.Value)
			}
			for _, a := range list.Content {
				if a.Kind != yaml.ScalarNode || strings.TrimSpace(a.Value) == "" {
					return nil, fail(a, "service %s, %s: expected an action name", svc.Value, lk.Value)
				}
				name := a.Value
				if p, n, ok := strings.Cut(name, ":"); ok && strings.EqualFold(p, svc.Value) {
					name = n
				}
				out = append(out, Override{Service: svc.Value, Action: name, Level: level, Pos: lines.At(a.Line, a.Column)})
			}
		}
	}
	return out, nil
}

// Apply sets the access levels in db. It returns how many actions changed
// level; an unknown service or action is an error (a diag.List) naming
// the file position, with suggestions.
func Apply(db *iamdb.DB, file string, ovs []Override) (int, error) {
	changed := 0
	for _, o := range ovs {
		svc := db.Service(o.Service)
		if svc == nil {
			return changed, unknown(file, o, CodeInvalidService, "unknown service "+o.Service, o.Service, db.Prefixes())
		}
		a := svc.Action(o.Action)
		if a == nil {
			var names []string
			for _, x := range svc.Actions() {
				names = append(names, x.Name)
			}
			return changed, unknown(file, o, CodeInvalidAction, fmt.Sprintf("unknown action %s:%s", o.Service, o.Action), o.Action, names)
		}
		if a.AccessLevel != o.Level {
			a.AccessLevel = o.Level
			changed++
		}
	}
	return changed, nil
}

// unknown is the error for a name the dataset does not have, with the
// nearest names as suggestions.
func unknown(file string, o Override, code, msg, word string, cands []string) error {
	d := diag.Errorf(o.Pos, "%s", msg)
	d.Code = code
	if d.Start.File == "" {
		d.Start.File = file
	}
	if near := suggest.Nearest(word, cands, 3); len(near) > 0 {
		d.Message += "; did you mean " + strings.Join(near, ", ") + "?"
		d.Suggestions = near
	}
	return diag.List{d}
}
