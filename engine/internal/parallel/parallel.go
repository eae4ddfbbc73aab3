// Package parallel runs the items of a list on the machine's cores with
// results placed by index, so that output order, and so output bytes, do
// not depend on which goroutine finished first.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Workers is how many goroutines to use for n items when each should get
// at least perWorker of them: GOMAXPROCS at most, 1 (no goroutine) for
// small inputs and in WebAssembly, where GOMAXPROCS is 1.
func Workers(n, perWorker int) int {
	w := runtime.GOMAXPROCS(0)
	if perWorker > 0 {
		w = min(w, n/perWorker)
	}
	return max(w, 1)
}

// Do calls f(worker, i) for every i in [0, n), on workers goroutines
// (the caller's when workers is 1); worker is in [0, workers), and no two
// calls with the same worker run at once, so f may use per-worker state
// without locks. Items are handed out one at a time in index order, so
// that a slow item does not hold back the rest. Do returns when every
// call has.
func Do(n, workers int, f func(worker, i int)) {
	if workers <= 1 || n <= 1 {
		for i := range n {
			f(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(w, i)
			}
		})
	}
	wg.Wait()
}
