package dataset

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// coldEnv makes the test binary load Default once, print how long that
// took in nanoseconds and exit (see TestMain).
const coldEnv = "POLICYSENTRY_DATASET_COLD_LOAD"

func TestMain(m *testing.M) {
	if os.Getenv(coldEnv) == "1" {
		start := time.Now()
		if _, err := Default(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(time.Since(start).Nanoseconds())
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// BenchmarkDefaultFreshProcess is the first Default load of a process, as
// the CLI does it at start: each iteration starts this test binary anew
// (not timed apart: ns/op includes process start) and the load-ns metric
// is the load alone, measured in that process. A warm benchmark misses
// most of what this costs (fresh heap and memory pages).
func BenchmarkDefaultFreshProcess(b *testing.B) {
	var total time.Duration
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), coldEnv+"=1")
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		ns, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
		if err != nil {
			b.Fatalf("child printed %q", out)
		}
		total += time.Duration(ns)
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "load-ns")
}
