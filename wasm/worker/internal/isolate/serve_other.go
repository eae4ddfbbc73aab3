//go:build !(js && wasm)

package isolate

import (
	"cmp"
	"fmt"
	"net/http"
	"os"
)

// Serve serves h as a plain HTTP server on $PORT (default 9900), the way
// syumai/workers does outside a Worker: for debugging a native build. A
// nil h serves http.DefaultServeMux.
func Serve(h http.Handler) {
	addr := ":" + cmp.Or(os.Getenv("PORT"), "9900")
	fmt.Printf("listening on http://localhost%s (native build: no Worker bindings)\n", addr)
	if err := http.ListenAndServe(addr, h); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}
