package policyfmt

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	"go.yaml.in/yaml/v3"

	"github.com/leastpriv/policysentry/engine/internal/golden"
	"github.com/leastpriv/policysentry/engine/internal/testtool"
	"github.com/leastpriv/policysentry/engine/writer"
)

// An infrastructure-as-code case is testdata/iac/NAME.json: a policy
// (rendered as the policy "policy") or an object of named policies (the
// parts of a split). Each format's rendering is the golden file
// NAME + the format's extension; every rendering is read back with a
// real parser of its language and must give the same policies.

// iacCase is one case's policies.
type iacCase struct {
	name string
	docs []namedDoc
}

func loadIaCCases(t *testing.T) []iacCase {
	t.Helper()
	files, err := filepath.Glob("testdata/iac/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	var out []iacCase
	for _, f := range files {
		if strings.HasSuffix(f, ".cfn.json") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v, err := parseTree(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		o := v.(Object)
		c := iacCase{name: strings.TrimSuffix(filepath.Base(f), ".json")}
		if _, ok := o.get("Statement"); ok {
			c.docs = []namedDoc{{"policy", o}}
		} else {
			for _, fl := range o {
				c.docs = append(c.docs, namedDoc{fl.Key, fl.Value.(Object)})
			}
		}
		out = append(out, c)
	}
	return out
}

// iacRenderers are the infrastructure-as-code formats on policy trees.
var iacRenderers = map[string]func([]namedDoc) []byte{
	"terraform-hcl": hclRender, "cloudformation": cfnYAML, "cloudformation-json": cfnJSON, "cdk": cdkRender,
}

// render renders a case in a format and checks its golden file.
func render(t *testing.T, c iacCase, format string) []byte {
	t.Helper()
	f, err := Lookup(format)
	if err != nil {
		t.Fatal(err)
	}
	out := iacRenderers[format](c.docs)
	golden.Check(t, filepath.Join("testdata/iac", c.name+f.Ext), out, "")
	return out
}

// canon is a policy in a canonical form for comparing: element lists
// always lists, scalars as the strings IAM compares.
func canon(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("policy is %T", v)
	}
	out := map[string]any{}
	for k, x := range m {
		if k != "Statement" {
			out[k] = scalarOf(t, x)
			continue
		}
		list, ok := x.([]any)
		if !ok {
			list = []any{x}
		}
		var stmts []any
		for _, s := range list {
			stmts = append(stmts, canonStatement(t, s.(map[string]any)))
		}
		out[k] = stmts
	}
	return out
}

func canonStatement(t *testing.T, s map[string]any) map[string]any {
	out := map[string]any{}
	for k, x := range s {
		switch k {
		case "Sid", "Effect":
			out[k] = scalarOf(t, x)
		case "Action", "NotAction", "Resource", "NotResource":
			out[k] = listOf(t, x)
		case "Principal", "NotPrincipal":
			if s, ok := x.(string); ok {
				out[k] = s
				continue
			}
			p := map[string]any{}
			for typ, ids := range x.(map[string]any) {
				p[typ] = listOf(t, ids)
			}
			out[k] = p
		case "Condition":
			c := map[string]any{}
			for op, keys := range x.(map[string]any) {
				ck := map[string]any{}
				for key, vals := range keys.(map[string]any) {
					ck[key] = listOf(t, vals)
				}
				c[op] = ck
			}
			out[k] = c
		default:
			t.Errorf("unknown statement element %q", k)
		}
	}
	return out
}

func scalarOf(t *testing.T, v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	t.Errorf("not a scalar: %#v", v)
	return ""
}

func listOf(t *testing.T, v any) []string {
	l, ok := v.([]any)
	if !ok {
		return []string{scalarOf(t, v)}
	}
	out := []string{}
	for _, x := range l {
		out = append(out, scalarOf(t, x))
	}
	return out
}

// plain turns an ordered tree into plain Go values.
func plain(v Value) any {
	switch x := v.(type) {
	case Object:
		m := map[string]any{}
		for _, f := range x {
			m[f.Key] = plain(f.Value)
		}
		return m
	case []Value:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = plain(e)
		}
		return l
	}
	return v
}

// want is what a case's rendering must read back as: canonical
// policies by name.
func (c iacCase) want(t *testing.T) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, d := range c.docs {
		out[d.name] = canon(t, plain(d.doc))
	}
	return out
}

func compare(t *testing.T, format string, got, want map[string]map[string]any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("%s reads back as\n%s\nwant\n%s", format, g, w)
	}
}

// TestTerraformHCL reads the terraform-hcl output with HCL's own parser
// (hclsyntax) and rebuilds each policy as the AWS provider does: the
// data source's blocks become statements, "&{" becomes "${" in the
// elements the provider replaces it in, and a jsonencode({...}) policy
// is evaluated.
func TestTerraformHCL(t *testing.T) {
	for _, c := range loadIaCCases(t) {
		t.Run(c.name, func(t *testing.T) {
			src := render(t, c, "terraform-hcl")
			compare(t, "terraform-hcl", hclReadBack(t, src), c.want(t))
		})
	}
}

// hclReadBack parses terraform-hcl output and rebuilds its policies by
// name as the AWS provider would.
func hclReadBack(t *testing.T, src []byte) map[string]map[string]any {
	t.Helper()
	f, diags := hclsyntax.ParseConfig(src, "policy.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("HCL does not parse: %v\n%s", diags, src)
	}
	data := map[string]map[string]any{}
	got := map[string]map[string]any{}
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		switch {
		case b.Type == "data" && b.Labels[0] == "aws_iam_policy_document":
			data[b.Labels[1]] = canon(t, hclDataSourceDoc(t, b.Body))
		case b.Type == "resource" && b.Labels[0] == "aws_iam_policy":
			name := strings.TrimSuffix(hclEval(t, b.Body.Attributes["name_prefix"].Expr).(string), "-")
			switch e := b.Body.Attributes["policy"].Expr.(type) {
			case *hclsyntax.ScopeTraversalExpr:
				tr := e.Traversal
				if tr.RootName() != "data" || len(tr) != 4 || tr[1].(hcl.TraverseAttr).Name != "aws_iam_policy_document" || tr[3].(hcl.TraverseAttr).Name != "json" {
					t.Fatalf("policy refers to %v", tr)
				}
				doc, ok := data[tr[2].(hcl.TraverseAttr).Name]
				if !ok || tr[2].(hcl.TraverseAttr).Name != b.Labels[1] {
					t.Fatalf("resource %s refers to a missing data source", b.Labels[1])
				}
				got[name] = doc
			case *hclsyntax.FunctionCallExpr:
				if e.Name != "jsonencode" || len(e.Args) != 1 {
					t.Fatalf("policy = %s(...)", e.Name)
				}
				got[name] = canon(t, hclEval(t, e.Args[0]))
			default:
				t.Fatalf("policy is a %T", e)
			}
		default:
			t.Errorf("unexpected block %s %v", b.Type, b.Labels)
		}
	}
	return got
}

// hclEval evaluates a literal HCL expression to plain Go values.
func hclEval(t *testing.T, e hclsyntax.Expression) any {
	t.Helper()
	v, diags := e.Value(nil)
	if diags.HasErrors() {
		t.Fatalf("%v", diags)
	}
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out any
	if err := d.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// hclVars turns the provider's "&{" back into "${" in a list.
func hclVars(v any) any {
	l := v.([]any)
	out := make([]any, len(l))
	for i, x := range l {
		out[i] = strings.ReplaceAll(x.(string), "&{", "${")
	}
	return out
}

// hclDataSourceDoc rebuilds the policy an aws_iam_policy_document block
// describes.
func hclDataSourceDoc(t *testing.T, body *hclsyntax.Body) map[string]any {
	doc := map[string]any{}
	for name, a := range body.Attributes {
		switch name {
		case "version":
			doc["Version"] = hclEval(t, a.Expr)
		case "policy_id":
			doc["Id"] = hclEval(t, a.Expr)
		default:
			t.Errorf("unknown argument %s", name)
		}
	}
	var stmts []any
	for _, sb := range body.Blocks {
		if sb.Type != "statement" {
			t.Fatalf("block %s in the data source", sb.Type)
		}
		s := map[string]any{}
		for name, a := range sb.Body.Attributes {
			v := hclEval(t, a.Expr)
			key := map[string]string{"sid": "Sid", "effect": "Effect", "actions": "Action", "not_actions": "NotAction", "resources": "Resource", "not_resources": "NotResource"}[name]
			if key == "" {
				t.Fatalf("unknown statement argument %s", name)
			}
			if _, ok := v.([]any); ok {
				v = hclVars(v)
			}
			s[key] = v
		}
		for _, b := range sb.Body.Blocks {
			attr := func(n string) any { return hclEval(t, b.Body.Attributes[n].Expr) }
			switch b.Type {
			case "principals", "not_principals":
				key := map[string]string{"principals": "Principal", "not_principals": "NotPrincipal"}[b.Type]
				typ, ids := attr("type").(string), hclVars(attr("identifiers"))
				if typ == "*" {
					s[key] = "*"
					continue
				}
				p, _ := s[key].(map[string]any)
				if p == nil {
					p = map[string]any{}
				}
				p[typ] = ids
				s[key] = p
			case "condition":
				c, _ := s["Condition"].(map[string]any)
				if c == nil {
					c = map[string]any{}
				}
				op := attr("test").(string)
				keys, _ := c[op].(map[string]any)
				if keys == nil {
					keys = map[string]any{}
				}
				keys[attr("variable").(string)] = hclVars(attr("values"))
				c[op] = keys
				s["Condition"] = c
			default:
				t.Fatalf("block %s in a statement", b.Type)
			}
		}
		stmts = append(stmts, s)
	}
	doc["Statement"] = stmts
	return doc
}

// cfnPolicies checks a CloudFormation template's shape and returns its
// managed policies' documents by policy name (the logical ID is the
// name in CamelCase).
func cfnPolicies(t *testing.T, c iacCase, tmpl map[string]any) map[string]map[string]any {
	t.Helper()
	if tmpl["AWSTemplateFormatVersion"] != "2010-09-09" {
		t.Errorf("AWSTemplateFormatVersion = %#v", tmpl["AWSTemplateFormatVersion"])
	}
	res := tmpl["Resources"].(map[string]any)
	outs := tmpl["Outputs"].(map[string]any)
	got := map[string]map[string]any{}
	for _, d := range c.docs {
		id := identifier(d.name, true)
		r, ok := res[id].(map[string]any)
		if !ok || r["Type"] != "AWS::IAM::ManagedPolicy" {
			t.Fatalf("resource %s: %#v", id, res[id])
		}
		got[d.name] = canon(t, r["Properties"].(map[string]any)["PolicyDocument"])
		ref := outs[id+"Arn"].(map[string]any)["Value"]
		if !reflect.DeepEqual(ref, map[string]any{"Ref": id}) {
			t.Errorf("output %sArn = %#v", id, ref)
		}
	}
	if len(res) != len(c.docs) {
		t.Errorf("%d resources, want %d", len(res), len(c.docs))
	}
	return got
}

// TestCloudFormationYAML reads the cloudformation output with yaml.v3,
// accepting CloudFormation's short tags (!Ref) and no other, and checks
// that every unquoted string stays a string under YAML 1.1 (which
// CloudFormation reads: yes, on, 0777 are not strings there).
func TestCloudFormationYAML(t *testing.T) {
	for _, c := range loadIaCCases(t) {
		t.Run(c.name, func(t *testing.T) {
			src := render(t, c, "cloudformation")
			var n yaml.Node
			if err := yaml.Unmarshal(src, &n); err != nil {
				t.Fatalf("YAML does not parse: %v", err)
			}
			tmpl := cfnYAMLValue(t, n.Content[0]).(map[string]any)
			strs := map[string]bool{}
			for _, d := range c.docs {
				walkStrings(d.doc, func(s string) { strs[s] = true })
			}
			checkPlainStrings(t, n.Content[0], strs)
			compare(t, "cloudformation", cfnPolicies(t, c, tmpl), c.want(t))
		})
	}
}

func cfnYAMLValue(t *testing.T, n *yaml.Node) any {
	t.Helper()
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i < len(n.Content); i += 2 {
			m[n.Content[i].Value] = cfnYAMLValue(t, n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		l := []any{}
		for _, e := range n.Content {
			l = append(l, cfnYAMLValue(t, e))
		}
		return l
	case yaml.ScalarNode:
		switch n.Tag {
		case "!Ref":
			return map[string]any{"Ref": n.Value}
		case "!!str":
			if n.Style == 0 && implicit().MatchString(n.Value) {
				t.Errorf("line %d: plain %q is not a string in YAML 1.1", n.Line, n.Value)
			}
			return n.Value
		case "!!int", "!!float":
			return json.Number(n.Value)
		case "!!bool":
			return n.Value == "true"
		case "!!null":
			return nil
		}
	}
	t.Fatalf("line %d: unexpected YAML node (kind %v, tag %s)", n.Line, n.Kind, n.Tag)
	return nil
}

// checkPlainStrings fails a plain scalar spelling one of the policy's
// strings that yaml.v3 (YAML 1.2) does not read as a string.
func checkPlainStrings(t *testing.T, n *yaml.Node, strs map[string]bool) {
	t.Helper()
	if n.Kind == yaml.ScalarNode && n.Style == 0 && n.Tag != "!!str" && n.Tag != "!Ref" && strs[n.Value] {
		t.Errorf("line %d: plain %q is a %s in YAML 1.2", n.Line, n.Value, n.Tag)
	}
	for _, c := range n.Content {
		checkPlainStrings(t, c, strs)
	}
}

// TestCloudFormationJSON reads the cloudformation-json output with
// encoding/json.
func TestCloudFormationJSON(t *testing.T) {
	for _, c := range loadIaCCases(t) {
		t.Run(c.name, func(t *testing.T) {
			src := render(t, c, "cloudformation-json")
			d := json.NewDecoder(bytes.NewReader(src))
			d.UseNumber()
			var tmpl map[string]any
			if err := d.Decode(&tmpl); err != nil {
				t.Fatalf("JSON does not parse: %v", err)
			}
			compare(t, "cloudformation-json", cfnPolicies(t, c, tmpl), c.want(t))
		})
	}
}

// TestCDKTypeScript type-checks the cdk output with the TypeScript
// compiler (pinned in scripts/fetchcorpus, run by node) against
// testdata/cdk/aws-cdk-lib.d.ts, and reads the statements back from its
// syntax tree (testdata/cdk/readback.js). Without node or the compiler
// it skips, or fails with POLICY_SENTRY_REQUIRE_TOOLS=1.
func TestCDKTypeScript(t *testing.T) {
	cases := loadIaCCases(t)
	dir := t.TempDir()
	var files []string
	for _, c := range cases {
		p := filepath.Join(dir, c.name+".ts")
		if err := os.WriteFile(p, render(t, c, "cdk"), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	// 40 policies of random strings: the escaping, checked by the
	// compiler (no golden file).
	for i, c := range randomCases(40) {
		c.name = fmt.Sprintf("random%02d", i)
		p := filepath.Join(dir, c.name+".ts")
		if err := os.WriteFile(p, cdkRender(c.docs), 0o644); err != nil {
			t.Fatal(err)
		}
		cases, files = append(cases, c), append(files, p)
	}
	node := testtool.Command(t, "node", "apt-get install nodejs (scripts/setup.sh does)")
	tsjs := extractTypeScript(t, testtool.NPM(t, testtool.TypeScript), dir)
	stub, _ := filepath.Abs("testdata/cdk/aws-cdk-lib.d.ts")
	script, _ := filepath.Abs("testdata/cdk/readback.js")
	cmd := exec.Command(node, append([]string{script, tsjs, stub}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node readback.js: %v\n%s", err, stderr.String())
	}
	var res map[string]struct {
		Diagnostics []string
		Policies    []struct {
			Function   string
			Statements []any
		}
		Managed []struct{ ID, Function string }
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := res[files[i]]
			if len(r.Diagnostics) > 0 {
				t.Errorf("TypeScript diagnostics:\n%s", strings.Join(r.Diagnostics, "\n"))
			}
			got := map[string]map[string]any{}
			want := map[string]map[string]any{}
			var managed []string
			for j, d := range c.docs {
				w := c.want(t)[d.name]
				want[d.name] = map[string]any{"Statement": w["Statement"]}
				if j < len(r.Policies) && r.Policies[j].Function == identifier(d.name, false)+"Statements" {
					got[d.name] = canon(t, map[string]any{"Statement": r.Policies[j].Statements})
				}
				if _, ok := d.doc.get("Statement"); ok && !hasPrincipal(d.doc) {
					managed = append(managed, identifier(d.name, true)+" "+identifier(d.name, false)+"Statements")
				}
			}
			compare(t, "cdk", got, want)
			var gotManaged []string
			for _, m := range r.Managed {
				gotManaged = append(gotManaged, m.ID+" "+m.Function)
			}
			if !reflect.DeepEqual(gotManaged, managed) {
				t.Errorf("addManagedPolicies creates %v, want %v", gotManaged, managed)
			}
		})
	}
}

func hasPrincipal(doc Object) bool {
	for _, s := range statements(doc) {
		if _, ok := s.get("Principal"); ok {
			return true
		}
		if _, ok := s.get("NotPrincipal"); ok {
			return true
		}
	}
	return false
}

// extractTypeScript unpacks the compiler's lib folder (typescript.js
// and the lib.*.d.ts it reads) into dir and returns typescript.js.
func extractTypeScript(t *testing.T, tarball, dir string) string {
	t.Helper()
	f, err := os.Open(tarball)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(h.Name, "package/")
		if h.Typeflag != tar.TypeReg || !strings.HasPrefix(name, "lib/") || strings.Contains(name[4:], "/") ||
			!(name == "lib/typescript.js" || strings.HasSuffix(name, ".d.ts")) {
			continue
		}
		dst := filepath.Join(dir, "typescript", name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err == nil {
			err = os.WriteFile(dst, b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "typescript", "lib", "typescript.js")
}

// TestIaCFormatsFromWriter checks that the table's renderers for a
// written policy (the README's, and one with conditions written by
// write-policy from engine/frontend/api/testdata/conditions.yml) are the
// tree renderers' output, and their split forms.
func TestIaCFormatsFromWriter(t *testing.T) {
	for _, file := range []string{"readme.json", "writer-conditions.json"} {
		p, b := writerCase(t, file)
		doc, _ := parseTree(b)
		if !reflect.DeepEqual(plain(tree(p)), plain(doc)) {
			t.Errorf("%s: the writer's policy does not marshal to the file", file)
		}
		for name, r := range iacRenderers {
			f, _ := Lookup(name)
			if got, want := f.Render(p), r([]namedDoc{{"policy", tree(p)}}); !bytes.Equal(got, want) {
				t.Errorf("%s, %s: Render differs from the tree renderer", file, name)
			}
			set := []Named{{"policy-1", p}, {"policy-2", p}}
			if got, want := f.RenderSet(set), r(docsOf(set)); !bytes.Equal(got, want) {
				t.Errorf("%s, %s: RenderSet differs from the tree renderer", file, name)
			}
		}
	}
}

// TestSetFormats checks the split forms of json, yaml and terraform
// against golden files, and that they read back as the parts.
func TestSetFormats(t *testing.T) {
	b, err := os.ReadFile("testdata/iac/split.json")
	if err != nil {
		t.Fatal(err)
	}
	var parts map[string]*writer.Policy
	if err := json.Unmarshal(b, &parts); err != nil {
		t.Fatal(err)
	}
	set := []Named{{"policy-1", parts["policy-1"]}, {"policy-2", parts["policy-2"]}}
	for _, name := range []string{"json", "yaml", "terraform"} {
		f, _ := Lookup(name)
		out := f.RenderSet(set)
		golden.Check(t, filepath.Join("testdata/set", "split"+f.Ext), out, "")
		var back map[string]any
		switch name {
		case "yaml":
			err = yaml.Unmarshal(out, &back)
		default:
			err = json.Unmarshal(out, &back)
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, n := range set {
			v := back[n.Name]
			if s, ok := v.(string); ok { // terraform: the policy as a string
				if err := json.Unmarshal([]byte(s), &v); err != nil {
					t.Fatal(err)
				}
			}
			want := canon(t, plain(tree(n.Policy)))
			if got := canon(t, v); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %s reads back as %v", name, n.Name, got)
			}
		}
	}
}

// writerCase reads testdata/iac/FILE, a policy as write-policy writes
// it, as a writer.Policy, with its bytes.
func writerCase(t *testing.T, file string) (*writer.Policy, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata/iac", file))
	if err != nil {
		t.Fatal(err)
	}
	var p writer.Policy
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return &p, b
}
