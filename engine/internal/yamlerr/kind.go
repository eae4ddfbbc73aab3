package yamlerr

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// KindName says what a node is, for error messages: "a mapping", "a
// list", "nothing" (null), the value of a scalar, "an alias".
func KindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("the value %q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "something else"
}
