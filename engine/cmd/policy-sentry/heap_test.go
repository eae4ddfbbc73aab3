package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// gcPercent returns the current GOGC setting.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// unsetenv unsets key for the test and restores it afterwards.
func unsetenv(t *testing.T, key string) {
	t.Helper()
	t.Setenv(key, "") // restores the old value at the end
	os.Unsetenv(key)
}

func TestStartHeap(t *testing.T) {
	defer debug.SetGCPercent(gcPercent())
	tests := []struct {
		name      string
		gogc      string // "" for unset
		memlimit  string
		wantStart int
	}{
		{name: "default", wantStart: startPercent},
		{name: "GOGC set", gogc: "50", wantStart: 100},
		{name: "GOMEMLIMIT set", memlimit: "1GiB", wantStart: 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unsetenv(t, "GOGC")
			unsetenv(t, "GOMEMLIMIT")
			if tt.gogc != "" {
				t.Setenv("GOGC", tt.gogc)
			}
			if tt.memlimit != "" {
				t.Setenv("GOMEMLIMIT", tt.memlimit)
			}
			debug.SetGCPercent(100)
			startHeap()
			if got := gcPercent(); got != tt.wantStart {
				t.Fatalf("GOGC after startHeap = %d, want %d", got, tt.wantStart)
			}
			// After the first collection the cleanup restores the default.
			for i := 0; i < 200 && gcPercent() != 100; i++ {
				runtime.GC()
				time.Sleep(time.Millisecond) // let the cleanup goroutine run
			}
			if got := gcPercent(); got != 100 {
				t.Errorf("GOGC after collections = %d, want 100", got)
			}
		})
	}
}
