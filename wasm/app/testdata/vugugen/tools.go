//go:build tools

// Package tools pins the Vugu code generator for the staleness test of
// wasm/app/0_components_gen.go (wasm/app/gen_test.go). It is its own
// module so the app's go.mod does not carry the generator's dependencies.
package tools

import _ "github.com/vugu/vugu/cmd/vugugen"
