package main

import (
	"os"
	"runtime"
	"runtime/debug"
)

// startPercent is the GOGC setting until the first collection: the
// runtime's first heap goal is 4 MB × GOGC/100, so 800 puts it at 32 MB.
const startPercent = 800

// startHeap lets a short command finish without a garbage collection:
// the built-in dataset, the package initialisation and a policy make
// about 6 MB of heap, over the runtime's first 4 MB goal, and that one
// collection (its concurrent marking and write barriers) was about a
// tenth of write-policy's CPU time. The first collection comes at 32 MB
// instead; when it has run, a cleanup puts GOGC back to the default, 100,
// so that long commands (serve, analyze of a large account) keep the
// usual heap size. It does nothing when the user set GOGC or GOMEMLIMIT.
func startHeap() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(startPercent)
	// The sentinel is unreachable at once, so the first collection frees
	// it and its cleanup runs after that cycle.
	runtime.AddCleanup(new(sentinel), func(struct{}) { debug.SetGCPercent(100) }, struct{}{})
}

// sentinel is an object for startHeap's cleanup; it has a pointer so that
// it is not a tiny allocation (which may share a block with others and be
// freed late).
type sentinel struct{ _ *int }
