// Command devserver serves dist/ on a local address with the same headers
// as production (engine/frontend/site), for `make serve`.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/leastpriv/policysentry/engine/frontend/site"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	dir := flag.String("dir", "dist", "folder to serve")
	flag.Parse()
	if _, err := os.Stat(*dir + "/index.html"); err != nil {
		fmt.Fprintf(os.Stderr, "devserver: %s/index.html is missing: run make dist first\n", *dir)
		os.Exit(1)
	}
	fmt.Printf("serving %s on http://%s\n", *dir, *addr)
	log.Fatal(http.ListenAndServe(*addr, site.New(os.DirFS(*dir))))
}
