//go:build !(js && wasm)

package main

import (
	"context"
	"os"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// datasetLoader uses the embedded dataset (native debug builds only).
func datasetLoader() func(context.Context) (*iamdb.DB, error) {
	return func(context.Context) (*iamdb.DB, error) { return dataset.Default() }
}

func getenv(name string) string { return os.Getenv(name) }
