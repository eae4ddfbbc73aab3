package policyfmt

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/writer"
)

// CDK renders the policy as TypeScript for aws-cdk-lib v2.
func CDK(p *writer.Policy) []byte { return CDKSet(single(p)) }

// cdkProps maps statement elements to iam.PolicyStatementProps.
var cdkProps = map[string]string{
	"Sid": "sid", "Action": "actions", "NotAction": "notActions",
	"Resource": "resources", "NotResource": "notResources", "Condition": "conditions",
}

// CDKSet renders several policies as one TypeScript module for
// aws-cdk-lib v2: for each policy a function returning its
// iam.PolicyStatement list (named after the policy: policyStatements,
// policy1Statements, ...), and addManagedPolicies(scope), which creates
// one iam.ManagedPolicy each (construct IDs Policy, Policy1, ...).
// Statements are written with PolicyStatementProps (sid, effect, actions,
// notActions, resources, notResources, conditions); a statement with
// another element (a Principal) is written with
// iam.PolicyStatement.fromJson, and its policy, not being an identity
// policy, is left out of addManagedPolicies. Strings are single-quoted
// TypeScript literals ("${aws:username}" needs no escape there).
func CDKSet(set []Named) []byte { return cdkRender(docsOf(set)) }

// cdkRender is CDKSet on policy trees.
func cdkRender(set []namedDoc) []byte {
	var b strings.Builder
	b.WriteString("// IAM managed policies written by policy-sentry (write-policy --fmt cdk), for aws-cdk-lib v2.\n")
	b.WriteString("import * as iam from 'aws-cdk-lib/aws-iam';\n")
	b.WriteString("import { Construct } from 'constructs';\n")
	var managed []namedDoc
	for _, n := range set {
		fn := identifier(n.name, false) + "Statements"
		identity := true
		fmt.Fprintf(&b, "\n/** The statements of the policy %s. */\n", tsString(n.name))
		fmt.Fprintf(&b, "export function %s(): iam.PolicyStatement[] {\n  return [\n", fn)
		for _, s := range statements(n.doc) {
			if !cdkStatement(&b, s) {
				identity = false
				b.WriteString("    iam.PolicyStatement.fromJson(")
				tsLiteral.write(&b, s, 2)
				b.WriteString("),\n")
			}
		}
		b.WriteString("  ];\n}\n")
		if identity {
			managed = append(managed, n)
		}
	}
	if len(managed) == 0 {
		return []byte(b.String())
	}
	names := make([]string, len(managed))
	for i, n := range managed {
		names[i] = n.name
	}
	fmt.Fprintf(&b, "\n/** Adds the managed policies to scope: %s. */\n", strings.Join(names, ", "))
	b.WriteString("export function addManagedPolicies(scope: Construct): iam.ManagedPolicy[] {\n  return [\n")
	for _, n := range managed {
		fmt.Fprintf(&b, "    new iam.ManagedPolicy(scope, %s, { statements: %sStatements() }),\n",
			tsString(identifier(n.name, true)), identifier(n.name, false))
	}
	b.WriteString("  ];\n}\n")
	return []byte(b.String())
}

// cdkStatement writes new iam.PolicyStatement({...}) for s, or nothing
// and false when s has an element the props cannot say.
func cdkStatement(out *strings.Builder, s Object) bool {
	var b strings.Builder
	b.WriteString("    new iam.PolicyStatement({\n")
	for _, f := range s {
		switch f.Key {
		case "Effect":
			switch f.Value {
			case "Allow":
				b.WriteString("      effect: iam.Effect.ALLOW,\n")
			case "Deny":
				b.WriteString("      effect: iam.Effect.DENY,\n")
			default:
				return false
			}
		case "Sid":
			v, ok := f.Value.(string)
			if !ok {
				return false
			}
			fmt.Fprintf(&b, "      sid: %s,\n", tsString(v))
		case "Action", "NotAction", "Resource", "NotResource":
			l, ok := stringList(f.Value)
			if !ok {
				return false
			}
			vals := make([]Value, len(l))
			for i, x := range l {
				vals[i] = x
			}
			fmt.Fprintf(&b, "      %s: ", cdkProps[f.Key])
			tsLiteral.write(&b, vals, 3)
			b.WriteString(",\n")
		case "Condition":
			if _, ok := f.Value.(Object); !ok {
				return false
			}
			b.WriteString("      conditions: ")
			tsLiteral.write(&b, f.Value, 3)
			b.WriteString(",\n")
		default:
			return false
		}
	}
	b.WriteString("    }),\n")
	out.WriteString(b.String())
	return true
}

// tsIdent reports whether s can be an object literal's key unquoted.
func tsIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r == '$'
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// tsString quotes s as a single-quoted TypeScript string: `\`, `'`,
// control characters and the line separators escaped, other characters
// as they are.
func tsString(s string) string {
	if plainASCII(s, "\\'") {
		return "'" + s + "'"
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\'':
			b.WriteString(`\'`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
