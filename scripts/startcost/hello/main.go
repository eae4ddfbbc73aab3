// Command hello is the reference for startcost: the least a Go program
// costs to start, print a line and exit.
package main

import "fmt"

func main() { fmt.Println("hello") }
