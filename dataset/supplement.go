package dataset

import _ "embed"

//go:embed overrides.yml
var overridesYAML []byte

// OverridesYAML returns dataset/overrides.yml, the access-level overrides
// the build applies on top of the source; `initialize --fetch` applies
// them to the data it downloads.
func OverridesYAML() []byte { return overridesYAML }
