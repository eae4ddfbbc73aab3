// Command alldeps is a floor for startcost: a program that links the
// whole CLI (every command, the HTTP server and the AWS client among
// them) and does nothing, so its start is what every policy-sentry
// command pays before it runs (see the CLI's README, "Start-up cost").
package main

import _ "github.com/leastpriv/policysentry/engine/frontend/cli"

func main() {}
