// Command policy-sentry is the native CLI: Policy Sentry compatible policy
// writing and querying, policy auditing, and a self-hosted server.
package main

import (
	"os"

	"github.com/leastpriv/policysentry/engine/frontend/cli"
)

func main() {
	startHeap()
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
