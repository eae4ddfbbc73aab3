package grant

import (
	"fmt"
	"github.com/leastpriv/policysentry/engine/internal/lazyre"
	"slices"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
	"github.com/leastpriv/policysentry/engine/internal/yamlerr"
	"github.com/leastpriv/policysentry/engine/template"
	"go.yaml.in/yaml/v3"
)

// The codes of grant template diagnostics (the shape codes are the
// template package's, so the same mistake has the same code in every
// template).
const (
	// CodeInvalidTemplate: the template's shape is wrong.
	CodeInvalidTemplate = template.CodeInvalidTemplate
	// CodeUnknownKey: a key grant templates do not have.
	CodeUnknownKey = template.CodeUnknownKey
	// CodeUnknownMode: a mode other than resource or trust.
	CodeUnknownMode = template.CodeUnknownMode
	// CodeInvalidARN: a resource or provider ARN of the wrong form.
	CodeInvalidARN = template.CodeInvalidARN
	// CodeInvalidAction: an action that does not exist or does not act
	// on the resource type.
	CodeInvalidAction = template.CodeInvalidAction
	// CodeUnknownResourceType: a resource type grant templates do not take.
	CodeUnknownResourceType = "UNKNOWN_RESOURCE_TYPE"
	// CodeInvalidPrincipal: an account, ARN, service or organization of
	// the wrong form.
	CodeInvalidPrincipal = "INVALID_PRINCIPAL"
	// CodeMissingCondition: a principal that needs a restricting
	// condition (a service principal in a resource policy, a GitHub
	// repository without refs) has none.
	CodeMissingCondition = "MISSING_CONDITION"
	// CodeInvalidPolicy: the written policy has an ERROR finding of
	// engine/validate (it should not happen; the finding follows).
	CodeInvalidPolicy = "INVALID_WRITTEN_POLICY"
)

// The keys of each mapping of a grant template; one table per schema.
var (
	resourceRootKeys  = []string{"mode", "name", "resource-type", "resources", "deny-insecure-transport", "grants"}
	trustRootKeys     = []string{"mode", "name", "grants"}
	commonGrantKeys   = []string{"sid", "accounts", "arns", "services", "organization", "source-account", "source-arn", "source-organization"}
	resourceGrantKeys = append(slices.Clone(commonGrantKeys), "access", "actions")
	trustGrantKeys    = append(slices.Clone(commonGrantKeys), "external-id", "require-mfa", "tag-session", "set-source-identity", "oidc", "github", "saml")
	oidcKeys          = []string{"provider", "audiences", "subjects"}
	githubKeys        = []string{"account", "repositories", "branches", "environments", "tags", "pull-requests", "subjects", "audiences"}
	samlKeys          = []string{"provider", "audiences"}
)

// ModeOf returns the grant mode a template names (mode: resource or
// mode: trust), or "" when it names another mode or is not a template:
// front ends dispatch on it.
func ModeOf(src []byte) Mode {
	var doc struct {
		Mode any `yaml:"mode"`
	}
	if yaml.Unmarshal(src, &doc) != nil {
		return ""
	}
	s, _ := doc.Mode.(string)
	if m := Mode(strings.TrimSpace(s)); slices.Contains(Modes, m) {
		return m
	}
	return ""
}

// Parse reads a grant template (YAML; JSON is YAML too). file names it
// in diagnostics. Errors are a diag.List of every problem found, each at
// its line and column.
//
//	template: mode name? (resource-type resources? deny-insecure-transport?)? grants
//	grants:   '-' grant+
//	grant:    sid? principals conditions? (access? actions?) | (trust options)
func Parse(src []byte, file string) (*Template, error) {
	lines := diag.NewLines(file, src)
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, yamlerr.Error(lines, err)
	}
	p := &parser{lines: lines}
	if len(doc.Content) == 0 {
		p.failAt(diag.Position{File: file}, CodeInvalidTemplate, "the template is empty: expected a mapping with mode: resource or mode: trust (run create-template --template-type resource for a skeleton)")
		return nil, p.errs
	}
	t := p.template(doc.Content[0])
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	t.File = file
	t.lines = lines
	return t, nil
}

type parser struct {
	lines *diag.Lines
	errs  diag.List
}

func (p *parser) pos(n *yaml.Node) diag.Position {
	if n == nil || n.Line < 1 {
		return diag.Position{File: p.lines.File()}
	}
	return p.lines.At(n.Line, n.Column)
}

func (p *parser) fail(n *yaml.Node, code, format string, args ...any) {
	p.failAt(p.pos(n), code, format, args...)
}

func (p *parser) failAt(pos diag.Position, code, format string, args ...any) {
	d := diag.Errorf(pos, format, args...)
	d.Code = code
	p.errs.Add(d)
}

// template: the root mapping.
func (p *parser) template(root *yaml.Node) *Template {
	t := &Template{}
	if root.Kind != yaml.MappingNode {
		p.fail(root, CodeInvalidTemplate, "expected a mapping with mode: resource or mode: trust, found %s", kindName(root))
		return t
	}
	modeNode := lookup(root, "mode")
	if modeNode == nil {
		p.fail(root, CodeInvalidTemplate, "missing key mode: use mode: resource or mode: trust")
		return t
	}
	t.Mode = Mode(modeNode.Value)
	if modeNode.Kind != yaml.ScalarNode || !slices.Contains(Modes, t.Mode) {
		p.fail(modeNode, CodeUnknownMode, "mode %s: a grant template has mode: resource or mode: trust", describe(modeNode))
		return t
	}
	keys := resourceRootKeys
	if t.Mode == ModeTrust {
		keys = trustRootKeys
	}
	var rtNode *yaml.Node
	p.each(root, keys, fmt.Sprintf("a %s template", t.Mode), func(k, v *yaml.Node) {
		switch k.Value {
		case "name":
			t.Name = p.scalar(v, k.Value).Value
		case "resource-type":
			rtNode = v
			e := p.scalar(v, k.Value)
			if e.Value == "" {
				p.fail(v, CodeInvalidTemplate, "resource-type is empty: name the resource the policy attaches to (%s)", strings.Join(ResourceTypeNames(), ", "))
				return
			}
			t.ResourceType = LookupResourceType(e.Value)
			if t.ResourceType == nil {
				msg := fmt.Sprintf("unknown resource type %q: use one of %s", e.Value, strings.Join(ResourceTypeNames(), ", "))
				if near := suggest.Nearest(e.Value, allNames(), 1); len(near) > 0 {
					msg = fmt.Sprintf("unknown resource type %q; did you mean %q? (resource types: %s)", e.Value, near[0], strings.Join(ResourceTypeNames(), ", "))
				}
				p.fail(v, CodeUnknownResourceType, "%s", msg)
			}
		case "resources":
			t.Resources = p.list(v, k.Value)
		case "deny-insecure-transport":
			t.DenyInsecureTransport = p.boolean(v, k.Value)
		case "grants":
			if v.Kind != yaml.SequenceNode {
				p.fail(v, CodeInvalidTemplate, "grants: expected a list of grants (- accounts: ..., access: ...), found %s", kindName(v))
				return
			}
			for _, g := range v.Content {
				t.Grants = append(t.Grants, p.grant(g, t.Mode))
			}
		}
	})
	if t.Mode == ModeResource && rtNode == nil {
		p.fail(root, CodeInvalidTemplate, "missing key resource-type: name the resource the policy attaches to (%s)", strings.Join(ResourceTypeNames(), ", "))
	}
	if g := lookup(root, "grants"); g == nil || (g.Kind == yaml.SequenceNode && len(g.Content) == 0) {
		at := root
		if g != nil {
			at = g
		}
		p.fail(at, CodeInvalidTemplate, "no grants: list under grants who may %s", map[Mode]string{ModeResource: "use the resource, and how", ModeTrust: "assume the role"}[t.Mode])
	}
	return t
}

// grant: one entry of grants.
func (p *parser) grant(n *yaml.Node, mode Mode) Grant {
	g := Grant{Pos: p.pos(n), keys: map[string]diag.Position{}}
	if n.Kind != yaml.MappingNode {
		p.fail(n, CodeInvalidTemplate, "a grant is a mapping (accounts: ..., services: ..., access: ...), found %s", kindName(n))
		return g
	}
	keys := resourceGrantKeys
	if mode == ModeTrust {
		keys = trustGrantKeys
	}
	p.each(n, keys, fmt.Sprintf("a grant of a %s template", mode), func(k, v *yaml.Node) {
		g.keys[k.Value] = p.pos(k)
		switch k.Value {
		case "sid":
			g.Sid = p.scalar(v, k.Value)
			if g.Sid.Value != "" && !sidPattern.MatchString(g.Sid.Value) {
				p.fail(v, CodeInvalidTemplate, "sid %q: use letters and digits only (IAM's rule for Sids)", g.Sid.Value)
			}
		case "accounts":
			g.Accounts = p.list(v, k.Value)
			p.check(g.Accounts, accountPattern, "the account %q is not a 12-digit AWS account ID")
		case "arns":
			g.ARNs = p.list(v, k.Value)
			p.check(g.ARNs, principalARNPattern, "%q is not an IAM principal ARN (arn:aws:iam::111122223333:role/NAME, ...:user/NAME, ...:root, arn:aws:sts::111122223333:assumed-role/ROLE/SESSION)")
		case "services":
			g.Services = p.list(v, k.Value)
			p.check(g.Services, servicePattern, "%q is not a service principal such as lambda.amazonaws.com")
		case "organization":
			g.Organization = p.scalar(v, k.Value)
			p.check([]Entry{g.Organization}, orgPattern, "%q is not an AWS Organizations ID (o- and 10 to 32 lower-case letters or digits)")
		case "source-account":
			g.SourceAccounts = p.list(v, k.Value)
			p.check(g.SourceAccounts, accountPattern, "the source account %q is not a 12-digit AWS account ID")
		case "source-arn":
			g.SourceARNs = p.list(v, k.Value)
			p.check(g.SourceARNs, anyARNPattern, "the source ARN %q is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)")
		case "source-organization":
			g.SourceOrganization = p.scalar(v, k.Value)
			p.check([]Entry{g.SourceOrganization}, orgPattern, "%q is not an AWS Organizations ID (o- and 10 to 32 lower-case letters or digits)")
		case "access":
			g.Access = p.list(v, k.Value)
		case "actions":
			g.Actions = p.list(v, k.Value)
		case "external-id":
			g.ExternalIDs = p.list(v, k.Value)
		case "require-mfa":
			g.RequireMFA = p.boolean(v, k.Value)
		case "tag-session":
			g.TagSession = p.boolean(v, k.Value)
		case "set-source-identity":
			g.SetSourceIdentity = p.boolean(v, k.Value)
		case "oidc":
			g.OIDC = p.oidc(v)
		case "github":
			g.GitHub = p.github(v)
		case "saml":
			g.SAML = p.saml(v)
		}
	})
	return g
}

// oidc: provider audiences? subjects?
func (p *parser) oidc(v *yaml.Node) *OIDC {
	o := &OIDC{}
	p.each(v, oidcKeys, "oidc", func(k, v *yaml.Node) {
		switch k.Value {
		case "provider":
			o.Provider = p.scalar(v, "provider")
			if o.Provider.Value != "" && !oidcProviderPattern.MatchString(o.Provider.Value) && !slices.Contains(webIdentityProviders, o.Provider.Value) {
				p.fail(v, CodeInvalidARN, "oidc provider %q: use the IAM OIDC provider's ARN (arn:aws:iam::111122223333:oidc-provider/HOST/PATH) or one of %s", o.Provider.Value, strings.Join(webIdentityProviders, ", "))
			}
		case "audiences":
			o.Audiences = p.list(v, k.Value)
		case "subjects":
			o.Subjects = p.list(v, k.Value)
		}
	})
	if v.Kind == yaml.MappingNode && o.Provider.Value == "" {
		p.fail(v, CodeInvalidTemplate, "oidc: missing provider (the IAM OIDC provider's ARN)")
	}
	return o
}

// github: account repositories (branches | environments | tags |
// pull-requests | subjects)+ audiences?
func (p *parser) github(v *yaml.Node) *GitHub {
	g := &GitHub{}
	p.each(v, githubKeys, "github", func(k, v *yaml.Node) {
		switch k.Value {
		case "account":
			g.Account = p.scalar(v, k.Value)
			p.check([]Entry{g.Account}, accountPattern, "the account %q is not a 12-digit AWS account ID (the account holding the token.actions.githubusercontent.com OIDC provider)")
		case "repositories":
			g.Repositories = p.list(v, k.Value)
			p.check(g.Repositories, repoPattern, "the repository %q is not OWNER/REPO")
		case "branches":
			g.Branches = p.list(v, k.Value)
		case "environments":
			g.Environments = p.list(v, k.Value)
		case "tags":
			g.Tags = p.list(v, k.Value)
		case "pull-requests":
			g.PullRequests = p.boolean(v, k.Value)
		case "subjects":
			g.Subjects = p.list(v, k.Value)
		case "audiences":
			g.Audiences = p.list(v, k.Value)
		}
	})
	if v.Kind != yaml.MappingNode {
		return g
	}
	if g.Account.Value == "" {
		p.fail(v, CodeInvalidTemplate, "github: missing account (the AWS account holding the token.actions.githubusercontent.com OIDC provider)")
	}
	if len(g.Repositories) == 0 && len(g.Subjects) == 0 {
		p.fail(v, CodeMissingCondition, "github: name the repositories (OWNER/REPO) whose workflows may assume the role: without them any GitHub repository could")
	} else if len(g.Repositories) > 0 && len(g.Branches)+len(g.Environments)+len(g.Tags) == 0 && !g.PullRequests {
		p.fail(v, CodeMissingCondition, "github: name the branches, environments or tags whose workflows may assume the role (or pull-requests: true); write branches: ['*'] to trust every branch")
	}
	return g
}

// saml: provider audiences?
func (p *parser) saml(v *yaml.Node) *SAML {
	s := &SAML{}
	p.each(v, samlKeys, "saml", func(k, v *yaml.Node) {
		switch k.Value {
		case "provider":
			s.Provider = p.scalar(v, k.Value)
			if s.Provider.Value != "" && !samlProviderPattern.MatchString(s.Provider.Value) {
				p.fail(v, CodeInvalidARN, "saml provider %q: use the IAM SAML provider's ARN (arn:aws:iam::111122223333:saml-provider/NAME)", s.Provider.Value)
			}
		case "audiences":
			s.Audiences = p.list(v, k.Value)
		}
	})
	if v.Kind == yaml.MappingNode && s.Provider.Value == "" {
		p.fail(v, CodeInvalidTemplate, "saml: missing provider (the IAM SAML provider's ARN)")
	}
	return s
}

// each calls f for every key of the mapping n that is in keys; other
// keys are UNKNOWN_KEY errors with a did-you-mean, repeated keys errors.
func (p *parser) each(n *yaml.Node, keys []string, where string, f func(k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.fail(n, CodeInvalidTemplate, "%s: expected a mapping (%s: ...), found %s", where, keys[0], kindName(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(keys, k.Value) {
			msg := fmt.Sprintf("unknown key %q in %s", k.Value, where)
			if near := suggest.Nearest(k.Value, keys, 1); len(near) > 0 {
				msg += fmt.Sprintf("; did you mean %q?", near[0])
			}
			p.fail(k, CodeUnknownKey, "%s (keys: %s)", msg, strings.Join(keys, ", "))
			continue
		}
		if seen[k.Value] {
			p.fail(k, CodeInvalidTemplate, "the key %s is given twice: merge the two", k.Value)
			continue
		}
		seen[k.Value] = true
		f(k, v)
	}
}

// scalar reads a string value ("" for null).
func (p *parser) scalar(v *yaml.Node, key string) Entry {
	if v.Kind != yaml.ScalarNode {
		p.fail(v, CodeInvalidTemplate, "%s: expected a string, found %s", key, kindName(v))
		return Entry{Pos: p.pos(v)}
	}
	if v.Tag == "!!null" {
		return Entry{Pos: p.pos(v)}
	}
	return Entry{Value: strings.TrimSpace(v.Value), Pos: p.pos(v)}
}

// list reads a list of strings, or one string; empty entries are
// dropped (the skeleton has them).
func (p *parser) list(v *yaml.Node, key string) []Entry {
	var items []*yaml.Node
	switch v.Kind {
	case yaml.ScalarNode:
		items = []*yaml.Node{v}
	case yaml.SequenceNode:
		items = v.Content
	default:
		p.fail(v, CodeInvalidTemplate, "%s: expected a list of strings, found %s", key, kindName(v))
		return nil
	}
	var out []Entry
	for _, it := range items {
		if it.Kind != yaml.ScalarNode {
			p.fail(it, CodeInvalidTemplate, "%s: expected a string, found %s", key, kindName(it))
			continue
		}
		if e := p.scalar(it, key); e.Value != "" {
			out = append(out, e)
		}
	}
	return out
}

// boolean reads true or false.
func (p *parser) boolean(v *yaml.Node, key string) bool {
	var b bool
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&b) != nil {
		p.fail(v, CodeInvalidTemplate, "%s: expected true or false, found %s", key, kindName(v))
	}
	return b
}

// check reports the entries that do not match re.
func (p *parser) check(entries []Entry, re *lazyre.Regexp, format string) {
	for _, e := range entries {
		if e.Value != "" && !re.MatchString(e.Value) {
			p.failAt(e.Pos, CodeInvalidPrincipal, format, e.Value)
		}
	}
}

var (
	sidPattern          = lazyre.New(`^[A-Za-z0-9]+$`)
	accountPattern      = lazyre.New(`^[0-9]{12}$`)
	orgPattern          = lazyre.New(`^o-[a-z0-9]{10,32}$`)
	principalARNPattern = lazyre.New(`^arn:aws[a-z-]*:(iam::[0-9]{12}:(root|(role|user)/[\x21-\x7e]+)|sts::[0-9]{12}:assumed-role/[\x21-\x7e]+/[\x21-\x7e]+)$`)
	servicePattern      = lazyre.New(`^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$`)
	anyARNPattern       = lazyre.New(`^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:.+$`)
	oidcProviderPattern = lazyre.New(`^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/([a-zA-Z0-9][a-zA-Z0-9-]*(?:\.[a-zA-Z0-9][a-zA-Z0-9-]*)+(/[A-Za-z0-9._~-]+)*)$`)
	samlProviderPattern = lazyre.New(`^arn:aws[a-z-]*:iam::[0-9]{12}:saml-provider/[\w+=,.@-]+$`)
	repoPattern         = lazyre.New(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.*?-]+$`)
)

// webIdentityProviders are the built-in web identity providers a trust
// policy may name as Federated principals (IAM User Guide, "AWS JSON
// policy elements: Principal", web identity session principals).
var webIdentityProviders = []string{"cognito-identity.amazonaws.com", "accounts.google.com", "graph.facebook.com", "www.amazon.com"}

func lookup(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func kindName(n *yaml.Node) string { return yamlerr.KindName(n) }

func describe(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return fmt.Sprintf("%q", n.Value)
	}
	return kindName(n)
}
