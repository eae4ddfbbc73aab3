package iamdb

import (
	"runtime/debug"
	"sync"
)

// Loading builds about 7 MB of small, pointer-rich objects, nearly all of
// them live until the end. In a fresh process the heap starts with a 4 MB
// goal, so the collector would run during the load, marking objects that
// are all still live, with write barriers on, and touching more fresh
// pages; measured, pausing it makes the first load of a process about a
// fifth faster. The collector is paused for the load only and then
// restored; concurrent loads share one pause (the last to finish restores
// the setting).
var gcPause struct {
	sync.Mutex
	depth int
	saved int
}

// pausedPercent is the GOGC setting during a load: high enough that the
// collector does not start, where -1 (off) would first wait for a cycle
// in progress to end (a stall for programs that load repeatedly).
const pausedPercent = 1 << 20

// pauseGC holds the garbage collector back until the returned function
// is called.
func pauseGC() (resume func()) {
	gcPause.Lock()
	if gcPause.depth == 0 {
		gcPause.saved = debug.SetGCPercent(pausedPercent)
		if gcPause.saved < 0 {
			debug.SetGCPercent(gcPause.saved) // it was off: keep it so
		}
	}
	gcPause.depth++
	gcPause.Unlock()
	return func() {
		gcPause.Lock()
		gcPause.depth--
		if gcPause.depth == 0 {
			debug.SetGCPercent(gcPause.saved)
		}
		gcPause.Unlock()
	}
}
