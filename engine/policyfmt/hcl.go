package policyfmt

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/writer"
)

// TerraformHCL renders the policy as Terraform HCL: an
// aws_iam_policy_document data source, which is how Terraform users write
// IAM policies, and an aws_iam_policy resource that creates the managed
// policy from it.
func TerraformHCL(p *writer.Policy) []byte { return TerraformHCLSet(single(p)) }

// TerraformHCLSet renders several policies (the parts of a split) as one
// Terraform file: a data source and a resource for each, named after the
// policy with "-" as "_" (policy_1, policy_2, ...).
//
// Strings are HCL quoted templates: `\`, `"` and control characters are
// escaped, a literal "${" is written "$${" and "%{" "%%{". IAM policy
// variables in the elements the AWS provider reads them in (actions,
// resources, principals' identifiers, condition values) are written
// "&{aws:username}", the provider's documented spelling, which it turns
// back into "${aws:username}". A policy holding a literal "&{" (which the
// provider would turn into "${" too), or an element the data source
// cannot express, is written instead as an aws_iam_policy whose policy is
// jsonencode({...}) of the document itself.
func TerraformHCLSet(set []Named) []byte { return hclRender(docsOf(set)) }

// hclRender is TerraformHCLSet on policy trees.
func hclRender(set []namedDoc) []byte {
	var b strings.Builder
	b.WriteString("# IAM policies written by policy-sentry (write-policy --fmt terraform-hcl).\n")
	for _, n := range set {
		id := strings.ToLower(identifierSnake(n.name))
		doc := n.doc
		b.WriteString("\n")
		if !hclDataSource(&b, id, doc) {
			fmt.Fprintf(&b, "resource \"aws_iam_policy\" %s {\n", hclString(id))
			fmt.Fprintf(&b, "  name_prefix = %s\n", hclString(n.name+"-"))
			b.WriteString("  policy = jsonencode(")
			hclLiteral.write(&b, doc, 1)
			b.WriteString(")\n}\n")
			continue
		}
		fmt.Fprintf(&b, "\nresource \"aws_iam_policy\" %s {\n", hclString(id))
		fmt.Fprintf(&b, "  name_prefix = %s\n", hclString(n.name+"-"))
		fmt.Fprintf(&b, "  policy      = data.aws_iam_policy_document.%s.json\n}\n", id)
	}
	return []byte(b.String())
}

// identifierSnake turns a policy name into a Terraform name: letters,
// digits and "_" ("policy-1" → "policy_1"), starting with a letter.
func identifierSnake(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9' && b.Len() > 0, r == '_':
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			b.WriteString("p")
			b.WriteRune(r)
		default:
			if b.Len() > 0 {
				b.WriteByte('_')
			}
		}
	}
	if b.Len() == 0 {
		return "policy"
	}
	return b.String()
}

// hclDataSource writes the aws_iam_policy_document data source for doc
// and reports true, or writes nothing and reports false when the data
// source cannot say exactly what doc says.
func hclDataSource(out *strings.Builder, id string, doc Object) bool {
	if containsString(doc, "&{") {
		return false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "data \"aws_iam_policy_document\" %s {\n", hclString(id))
	for _, f := range doc {
		switch f.Key {
		case "Version":
			s, ok := f.Value.(string)
			if !ok {
				return false
			}
			fmt.Fprintf(&b, "  version = %s\n", hclString(s))
		case "Id":
			s, ok := f.Value.(string)
			if !ok {
				return false
			}
			fmt.Fprintf(&b, "  policy_id = %s\n", hclString(s))
		case "Statement":
		default:
			return false
		}
	}
	for _, s := range statements(doc) {
		b.WriteString("\n  statement {\n")
		if !hclStatement(&b, s) {
			return false
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	out.WriteString(b.String())
	return true
}

// hclStatementLists maps a statement's list elements to the data
// source's arguments.
var hclStatementLists = map[string]string{
	"Action": "actions", "NotAction": "not_actions",
	"Resource": "resources", "NotResource": "not_resources",
	"Principal": "principals", "NotPrincipal": "not_principals",
}

// hclStatement writes one statement block's body: its arguments (their
// "=" aligned, as terraform fmt does), then its principals and condition
// blocks.
func hclStatement(b *strings.Builder, s Object) bool {
	var blocks strings.Builder
	var attrs [][2]string
	for _, f := range s {
		switch f.Key {
		case "Sid", "Effect":
			v, ok := f.Value.(string)
			if !ok {
				return false
			}
			attrs = append(attrs, [2]string{strings.ToLower(f.Key), hclString(v)})
		case "Action", "NotAction", "Resource", "NotResource":
			l, ok := stringList(f.Value)
			if !ok {
				return false
			}
			attrs = append(attrs, [2]string{hclStatementLists[f.Key], hclList(l, 4)})
		case "Principal", "NotPrincipal":
			if !hclPrincipals(&blocks, hclStatementLists[f.Key], f.Value) {
				return false
			}
		case "Condition":
			ops, ok := f.Value.(Object)
			if !ok {
				return false
			}
			for _, op := range ops {
				keys, ok := op.Value.(Object)
				if !ok {
					return false
				}
				for _, k := range keys {
					vals, ok := scalarList(k.Value)
					if !ok {
						return false
					}
					blocks.WriteString("\n    condition {\n")
					fmt.Fprintf(&blocks, "      test     = %s\n", hclString(op.Key))
					fmt.Fprintf(&blocks, "      variable = %s\n", hclString(k.Key))
					fmt.Fprintf(&blocks, "      values   = %s\n", hclList(vals, 6))
					blocks.WriteString("    }\n")
				}
			}
		default:
			return false
		}
	}
	width := 0
	for _, a := range attrs {
		width = max(width, len(a[0]))
	}
	for _, a := range attrs {
		fmt.Fprintf(b, "    %-*s = %s\n", width, a[0], a[1])
	}
	b.WriteString(blocks.String())
	return true
}

// hclPrincipals writes principals or not_principals blocks: "*" is type
// "*" (the provider writes "Principal": "*"), an object one block per
// principal type.
func hclPrincipals(b *strings.Builder, block string, v Value) bool {
	write := func(typ string, ids []string) {
		fmt.Fprintf(b, "\n    %s {\n", block)
		fmt.Fprintf(b, "      type        = %s\n", hclString(typ))
		fmt.Fprintf(b, "      identifiers = %s\n", hclList(ids, 6))
		b.WriteString("    }\n")
	}
	if s, ok := v.(string); ok {
		if s != "*" {
			return false
		}
		write("*", []string{"*"})
		return true
	}
	o, ok := v.(Object)
	if !ok {
		return false
	}
	for _, f := range o {
		ids, ok := stringList(f.Value)
		if !ok {
			return false
		}
		write(f.Key, ids)
	}
	return true
}

// hclList writes a list of strings in which policy variables become
// "&{...}": on one line when short, else one item a line at indent.
func hclList(items []string, indent int) string {
	q := make([]string, len(items))
	n := 0
	for i, s := range items {
		q[i] = hclString(strings.ReplaceAll(s, "${", "&{"))
		n += len(q[i]) + 2
	}
	if len(items) <= 1 || n < 60 {
		return "[" + strings.Join(q, ", ") + "]"
	}
	pad := strings.Repeat(" ", indent+2)
	return "[\n" + pad + strings.Join(q, ",\n"+pad) + ",\n" + strings.Repeat(" ", indent) + "]"
}

// hclIdent reports whether s can be an object key unquoted: an HCL
// identifier that is not a keyword.
func hclIdent(s string) bool {
	if s == "" || s == "true" || s == "false" || s == "null" || s == "for" || s == "in" || s == "if" {
		return false
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_'
		if !letter && (i == 0 || !(r >= '0' && r <= '9' || r == '-')) {
			return false
		}
	}
	return true
}

// hclString quotes s as an HCL string literal: `\` `"` and control
// characters escaped, "${" as "$${" and "%{" as "%%{" (HCL's template
// sequences), other characters as they are (HCL files are UTF-8).
func hclString(s string) string {
	if plainASCII(s, "\\\"$%") {
		return `"` + s + `"`
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04X`, r)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
