package diff

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
)

// Guardrail is access a policy must not grant, with Access Analyzer's
// CheckAccessNotGranted meaning: with actions only, any of them on any
// resource; with resources only, any action on any of them; with both,
// any listed action on any listed resource. Patterns take * and ?.
type Guardrail struct {
	// Name identifies the guardrail in reports.
	Name      string   `yaml:"name" json:"name"`
	Actions   []string `yaml:"actions" json:"actions,omitempty"`
	Resources []string `yaml:"resources" json:"resources,omitempty"`
	// Why is shown with each hit.
	Why string `yaml:"why" json:"why,omitempty"`
}

// builtinGuardrails are the lists people ask for. Lists defined by access
// level are filled from the dataset when used (see Builtin).
var builtinGuardrails = map[string]Guardrail{
	"iam-write":     {Name: "iam-write", Why: "IAM Write and Permissions management actions change who can do what in the account"},
	"organizations": {Name: "organizations", Why: "AWS Organizations Write and Permissions management actions change the organization, its accounts and its policies (SCPs, RCPs)"},
	"kms-key-policy": {Name: "kms-key-policy", Why: "these actions change who may use a KMS key, or destroy it", Actions: []string{
		"kms:PutKeyPolicy", "kms:CreateGrant", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DeleteImportedKeyMaterial",
		"kms:ReplicateKey", "kms:UpdatePrimaryRegion"}},
	"disable-logging": {Name: "disable-logging", Why: "these actions stop, delete or blind audit logging and threat detection", Actions: []string{
		"cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors",
		"cloudtrail:DeleteEventDataStore", "cloudtrail:StopEventDataStoreIngestion",
		"config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel",
		"guardduty:DeleteDetector", "guardduty:UpdateDetector", "guardduty:DisassociateFromAdministratorAccount",
		"guardduty:DeleteMembers", "guardduty:StopMonitoringMembers",
		"securityhub:DisableSecurityHub", "securityhub:BatchDisableStandards",
		"logs:DeleteLogGroup", "logs:DeleteLogStream", "logs:PutRetentionPolicy", "logs:DeleteSubscriptionFilter",
		"ec2:DeleteFlowLogs", "s3:PutBucketLogging", "cloudwatch:DeleteAlarms", "cloudwatch:DisableAlarmActions",
		"access-analyzer:DeleteAnalyzer", "macie2:DisableMacie", "detective:DeleteGraph", "inspector2:Disable"}},
}

// BuiltinNames lists the built-in guardrails, sorted.
func BuiltinNames() []string {
	out := make([]string, 0, len(builtinGuardrails))
	for k := range builtinGuardrails {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// BuiltinWhy is why the built-in guardrail named name forbids its
// access (what a front end shows beside the name), "" for an unknown name.
func BuiltinWhy(name string) string { return builtinGuardrails[name].Why }

// Builtin returns the built-in guardrail named name, its action list
// filled from db for those defined by access level.
func Builtin(db *iamdb.DB, name string) (Guardrail, error) {
	g, ok := builtinGuardrails[name]
	if !ok {
		return Guardrail{}, fmt.Errorf("unknown built-in guardrail %q: use one of %s", name, strings.Join(BuiltinNames(), ", "))
	}
	var prefix string
	switch name {
	case "iam-write":
		prefix = "iam"
	case "organizations":
		prefix = "organizations"
	}
	if prefix != "" {
		g.Actions = nil
		if svc := db.Service(prefix); svc != nil {
			for _, a := range svc.Actions() {
				if a.AccessLevel == iamdb.Write || a.AccessLevel == iamdb.PermissionsManagement {
					g.Actions = append(g.Actions, prefix+":"+a.Name)
				}
			}
		}
	}
	return g, nil
}

// guardFile is the must-not-grant file: a list of guardrails and built-in
// names. See ParseGuardrails.
type guardFile struct {
	MustNotGrant []Guardrail `yaml:"must-not-grant"`
	Builtin      []string    `yaml:"builtin"`
}

// ParseGuardrails reads a must-not-grant file (YAML or JSON):
//
//	builtin: [iam-write, disable-logging]
//	must-not-grant:
//	  - name: prod-data
//	    actions: ["s3:Delete*", "s3:PutObject"]
//	    resources: ["arn:aws:s3:::prod-*"]
//
// Access Analyzer's own shape, {"actions": [...], "resources": [...]} (one
// object, or a list of them), is accepted too. Unknown keys and unknown
// built-in names are errors with line and column.
func ParseGuardrails(db *iamdb.DB, src []byte, file string) ([]Guardrail, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", diag.DisplayName(file), err)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: the file is empty: list guardrails under must-not-grant: or builtin:", diag.DisplayName(file))
	}
	doc := root.Content[0]
	at := func(n *yaml.Node, format string, args ...any) error {
		return fmt.Errorf("%s:%d:%d: %s", diag.DisplayName(file), n.Line, n.Column, fmt.Sprintf(format, args...))
	}
	var gf guardFile
	switch doc.Kind {
	case yaml.SequenceNode:
		for _, item := range doc.Content {
			g, err := decodeGuardrail(item, at)
			if err != nil {
				return nil, err
			}
			gf.MustNotGrant = append(gf.MustNotGrant, g)
		}
	case yaml.MappingNode:
		if hasKey(doc, "actions") || hasKey(doc, "resources") {
			g, err := decodeGuardrail(doc, at)
			if err != nil {
				return nil, err
			}
			gf.MustNotGrant = append(gf.MustNotGrant, g)
			break
		}
		for i := 0; i+1 < len(doc.Content); i += 2 {
			k, v := doc.Content[i], doc.Content[i+1]
			switch k.Value {
			case "must-not-grant":
				if v.Kind != yaml.SequenceNode {
					return nil, at(v, "must-not-grant: expected a list of guardrails")
				}
				for _, item := range v.Content {
					g, err := decodeGuardrail(item, at)
					if err != nil {
						return nil, err
					}
					gf.MustNotGrant = append(gf.MustNotGrant, g)
				}
			case "builtin":
				var names []string
				if err := v.Decode(&names); err != nil {
					return nil, at(v, "builtin: expected a list of names (%s)", strings.Join(BuiltinNames(), ", "))
				}
				for j, n := range names {
					if _, ok := builtinGuardrails[n]; !ok {
						return nil, at(v.Content[j], "unknown built-in guardrail %q: use one of %s", n, strings.Join(BuiltinNames(), ", "))
					}
				}
				gf.Builtin = append(gf.Builtin, names...)
			default:
				return nil, at(k, "unknown key %q: use must-not-grant or builtin", k.Value)
			}
		}
	default:
		return nil, at(doc, "expected a mapping with must-not-grant: and builtin:, or a list of guardrails")
	}
	out := gf.MustNotGrant
	for _, n := range gf.Builtin {
		g, err := Builtin(db, n)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// ResolveGuardrails gathers the guardrails of a must-not-grant file's
// text (src, named file in errors; empty for none) and the built-in lists
// named in builtins, in that order.
func ResolveGuardrails(db *iamdb.DB, src []byte, file string, builtins []string) ([]Guardrail, error) {
	var out []Guardrail
	if len(bytes.TrimSpace(src)) > 0 {
		gs, err := ParseGuardrails(db, src, file)
		if err != nil {
			return nil, err
		}
		out = gs
	}
	for _, n := range builtins {
		g, err := Builtin(db, strings.TrimSpace(n))
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}

func decodeGuardrail(n *yaml.Node, at func(*yaml.Node, string, ...any) error) (Guardrail, error) {
	var g Guardrail
	if n.Kind != yaml.MappingNode {
		return g, at(n, "expected a guardrail: a mapping with actions and/or resources")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var err error
		switch k.Value {
		case "name":
			err = v.Decode(&g.Name)
		case "why":
			err = v.Decode(&g.Why)
		case "actions":
			g.Actions, err = stringList(v)
		case "resources":
			g.Resources, err = stringList(v)
		default:
			return g, at(k, "unknown key %q in a guardrail: use name, actions, resources or why", k.Value)
		}
		if err != nil {
			return g, at(v, "%s: expected a string or a list of strings", k.Value)
		}
	}
	if len(g.Actions) == 0 && len(g.Resources) == 0 {
		return g, at(n, "a guardrail needs actions, resources or both")
	}
	for _, a := range g.Actions {
		if a != "*" && !strings.Contains(a, ":") {
			return g, at(n, "action %q: write service:Action (wildcards allowed)", a)
		}
	}
	if g.Name == "" {
		g.Name = fmt.Sprintf("line %d", n.Line)
	}
	return g, nil
}

func stringList(v *yaml.Node) ([]string, error) {
	var one string
	if v.Kind == yaml.ScalarNode {
		if err := v.Decode(&one); err != nil {
			return nil, err
		}
		return []string{one}, nil
	}
	var list []string
	err := v.Decode(&list)
	return list, err
}

// Hit is a statement that grants access a guardrail forbids.
type Hit struct {
	Guardrail string   `json:"guardrail"`
	Why       string   `json:"why,omitempty"`
	Actions   []string `json:"actions"`
	Resource  string   `json:"resource"`
	// Conditional: the statement has a Condition, so the access is granted
	// only in some requests.
	Conditional bool         `json:"conditional"`
	Statement   StatementRef `json:"statement"`
}

// CheckNotGranted returns every statement of docs that grants access one
// of the guardrails forbids, after unconditional Deny statements of the
// same documents are subtracted (conditional ones are not: they may not
// apply). Output is sorted by statement, then guardrail.
func CheckNotGranted(db *iamdb.DB, docs []*policy.Document, rails []Guardrail) ([]Hit, error) {
	sp := newSpace(db)
	var ids int
	gs, err := build(sp, docs, &ids)
	if err != nil {
		return nil, err
	}
	gs.finish(sp)
	eff := newEffective(sp)
	type key struct{ rail, res, st string }
	idx := map[key]*Hit{}
	var order []key
	cls := classes(sp, gs)
	for _, r := range rails {
		lowerActs := make([]string, len(r.Actions))
		for i, a := range r.Actions {
			lowerActs[i] = strings.ToLower(a)
		}
		for _, cl := range cls {
			rep := cl.members[0]
			if len(r.Resources) > 0 && !slices.ContainsFunc(r.Resources, func(p string) bool { return eff.applies(rep, p) }) {
				// The actions cannot act on any of the guarded resources.
				continue
			}
			var members []int
			for _, m := range cl.members {
				if len(lowerActs) == 0 || slices.ContainsFunc(lowerActs, func(p string) bool { return iamdb.GlobLower(p, sp.lower(m)) }) {
					members = append(members, m)
				}
			}
			if len(members) == 0 {
				continue
			}
			for _, g := range cl.allow[0] {
				for _, u := range units(g) {
					if !u.not && !eff.appliesUnit(rep, u) {
						continue
					}
					if len(r.Resources) > 0 && !eff.unitTouches(u, r.Resources) {
						continue
					}
					if eff.deniedAlways(cl.deny[0], u) {
						continue
					}
					k := key{r.Name, u.resourceText(), g.stmt.String()}
					h := idx[k]
					if h == nil {
						h = &Hit{Guardrail: r.Name, Why: r.Why, Resource: u.resourceText(), Conditional: len(g.conds) > 0, Statement: *g.stmt}
						idx[k] = h
						order = append(order, k)
					}
					for _, m := range members {
						h.Actions = append(h.Actions, sp.full(m))
					}
				}
			}
		}
	}
	for _, h := range idx {
		slices.Sort(h.Actions)
		h.Actions = slices.Compact(h.Actions)
	}
	out := make([]Hit, 0, len(order))
	for _, k := range order {
		out = append(out, *idx[k])
	}
	// sort.SliceStable: the same algorithm and order as slices.SortStableFunc, with code that every element type shares (the web app links one copy instead of one per struct type).
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if c := compareRef(a.Statement, b.Statement); c != 0 {
			return c < 0
		}
		return a.Guardrail < b.Guardrail
	})
	return out, nil
}

// unitTouches reports whether a grant unit may include one of the
// resources.
func (m *matcher) unitTouches(u unit, resources []string) bool {
	for _, r := range resources {
		if u.not {
			if !slices.ContainsFunc(u.notList, func(n string) bool { return m.covers(n, r) }) {
				return true
			}
			continue
		}
		if m.overlaps(u.pattern, r) {
			return true
		}
	}
	return false
}

// deniedAlways reports whether an unconditional Deny covers the unit.
func (m *matcher) deniedAlways(denies []*grant, u unit) bool {
	for _, d := range denies {
		if len(d.conds) > 0 || d.not {
			continue
		}
		if u.principal != "" && d.principals != nil && !slices.ContainsFunc(d.principals, func(p string) bool { return principalCovers(p, u.principal) }) {
			continue
		}
		if u.not {
			if slices.Contains(d.patterns, "*") {
				return true
			}
			continue
		}
		if slices.ContainsFunc(d.patterns, func(p string) bool { return m.covers(p, u.pattern) }) {
			return true
		}
	}
	return false
}

// FormatHits prints hits for people, one a line with its reason.
func FormatHits(hits []Hit) string {
	var b bytes.Buffer
	for _, h := range hits {
		cond := ""
		if h.Conditional {
			cond = " (under the statement's condition)"
		}
		fmt.Fprintf(&b, "%s:%d:%d %s: grants %s on %s%s: must not grant (%s)", h.Statement.Policy, h.Statement.Line, h.Statement.Column,
			h.Statement.Label, listActions(h.Actions), h.Resource, cond, h.Guardrail)
		if h.Why != "" {
			fmt.Fprintf(&b, ": %s", h.Why)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
