// Command writepath is a floor for startcost: a program that links what
// write-policy needs (the embedded dataset, the workbench, cobra) and does
// nothing, so its start is the runtime's and those packages'
// initialisation over a binary of that size (see the CLI's README,
// "Start-up cost").
package main

import (
	_ "github.com/leastpriv/policysentry/dataset"
	_ "github.com/leastpriv/policysentry/engine/workbench"
	_ "github.com/spf13/cobra"
)

func main() {}
