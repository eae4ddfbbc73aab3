package policyfmt

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/internal/suggest"
	"github.com/leastpriv/policysentry/engine/writer"
)

// Format is one way to render a written policy: the CLI's --fmt value,
// the API's fmt= parameter and the web app's output tab all name one.
type Format struct {
	// Name is what users type: "json", "yaml", "terraform",
	// "terraform-hcl", "cloudformation", "cloudformation-json", "cdk".
	Name string
	// Ext is the file extension of a saved rendering, with its dot.
	Ext string
	// MediaType is the HTTP Content-Type of a rendering.
	MediaType string
	// Render renders the policy; the bytes end with a newline.
	Render func(*writer.Policy) []byte
	// RenderSet renders several named policies (the parts of a split)
	// as one document; the bytes end with a newline.
	RenderSet func([]Named) []byte
	// fromDocs, for the formats that render the policy's JSON tree,
	// renders named trees; RenderEach builds the trees once for all
	// of them.
	fromDocs func([]namedDoc) []byte
}

// formats is the table of formats, in the order front ends list them;
// the first is the default. A new format is one more line here (its
// renderer in a file of its own).
var formats = []Format{
	{Name: "json", Ext: ".json", MediaType: "application/json", Render: JSON, RenderSet: JSONSet},
	{Name: "yaml", Ext: ".yml", MediaType: "application/yaml", Render: YAML, RenderSet: YAMLSet},
	{Name: "terraform", Ext: ".tf.json", MediaType: "application/json", Render: Terraform, RenderSet: TerraformSet},
	{Name: "terraform-hcl", Ext: ".tf", MediaType: "text/plain", Render: TerraformHCL, RenderSet: TerraformHCLSet, fromDocs: hclRender},
	{Name: "cloudformation", Ext: ".cfn.yml", MediaType: "application/yaml", Render: CloudFormation, RenderSet: CloudFormationSet, fromDocs: cfnYAML},
	{Name: "cloudformation-json", Ext: ".cfn.json", MediaType: "application/json", Render: CloudFormationJSON, RenderSet: CloudFormationJSONSet, fromDocs: cfnJSON},
	{Name: "cdk", Ext: ".ts", MediaType: "text/typescript", Render: CDK, RenderSet: CDKSet, fromDocs: cdkRender},
}

// Formats returns every format, the default (json) first.
func Formats() []Format { return append([]Format(nil), formats...) }

// Names returns the formats' names, in table order.
func Names() []string {
	out := make([]string, len(formats))
	for i, f := range formats {
		out[i] = f.Name
	}
	return out
}

// Default is the format used when none is asked for: json.
func Default() Format { return formats[0] }

// Lookup finds a format by name (case-insensitively). An unknown name is
// an error that lists the formats and suggests the nearest.
func Lookup(name string) (Format, error) {
	for _, f := range formats {
		if strings.EqualFold(f.Name, name) {
			return f, nil
		}
	}
	msg := fmt.Sprintf("unknown output format %q", name)
	if near := suggest.Nearest(strings.ToLower(name), Names(), 1); len(near) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", near[0])
	}
	return Format{}, fmt.Errorf("%s (formats: %s)", msg, strings.Join(Names(), ", "))
}
