//go:build !(js && wasm)

package main

import "errors"

// startAccountWorker: natively there is no worker (platform_worker_wasm.go).
func startAccountWorker() (accountBackend, error) { return nil, errors.New("not in a browser") }
