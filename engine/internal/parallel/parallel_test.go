package parallel

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// TestDo checks that every item runs once, that a worker's calls never
// overlap, and that the worker index stays below the number asked for.
func TestDo(t *testing.T) {
	for _, tc := range []struct{ n, workers int }{{0, 4}, {1, 4}, {5, 1}, {100, 2}, {100, 8}, {3, 8}} {
		runs := make([]atomic.Int32, tc.n)
		busy := make([]atomic.Int32, max(tc.workers, 1))
		var bad atomic.Int32
		Do(tc.n, tc.workers, func(w, i int) {
			if w < 0 || w >= max(tc.workers, 1) {
				bad.Add(1)
				return
			}
			if busy[w].Add(1) != 1 {
				bad.Add(1)
			}
			runs[i].Add(1)
			runtime.Gosched()
			busy[w].Add(-1)
		})
		if bad.Load() != 0 {
			t.Errorf("n=%d workers=%d: %d calls with a bad or busy worker index", tc.n, tc.workers, bad.Load())
		}
		for i := range runs {
			if got := runs[i].Load(); got != 1 {
				t.Errorf("n=%d workers=%d: item %d ran %d times", tc.n, tc.workers, i, got)
			}
		}
	}
}

// TestWorkers checks the bounds: at least 1, at most GOMAXPROCS, and
// never fewer than perWorker items each.
func TestWorkers(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	for _, tc := range []struct{ n, per, want int }{
		{0, 8, 1}, {7, 8, 1}, {16, 8, min(procs, 2)}, {1 << 20, 8, procs}, {5, 0, procs},
	} {
		if got := Workers(tc.n, tc.per); got != tc.want {
			t.Errorf("Workers(%d, %d) = %d, want %d (GOMAXPROCS %d)", tc.n, tc.per, got, tc.want, procs)
		}
	}
}
