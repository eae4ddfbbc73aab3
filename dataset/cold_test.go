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
// took in nanoseconds, wall and CPU (all threads: the collector's
// workers included), and exit (see TestMain).
const coldEnv = "POLICYSENTRY_DATASET_COLD_LOAD"

func TestMain(m *testing.M) {
	if os.Getenv(coldEnv) == "1" {
		start, cpu0 := time.Now(), processCPU()
		if _, err := Default(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(time.Since(start).Nanoseconds(), (processCPU() - cpu0).Nanoseconds())
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// BenchmarkDefaultFreshProcess is the first Default load of a process, as
// the CLI does it at start: each iteration starts this test binary anew
// (not timed apart: ns/op includes process start) and the load-ns metric
// is the load alone, measured in that process; load-cpu-ns is the CPU
// time the process spent in it (0 where the platform does not say), the
// figure to read on a machine shared with other work. A warm benchmark
// misses most of what this costs (fresh heap and memory pages).
func BenchmarkDefaultFreshProcess(b *testing.B) {
	var total, cpu time.Duration
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), coldEnv+"=1")
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		f := strings.Fields(string(out))
		if len(f) != 2 {
			b.Fatalf("child printed %q", out)
		}
		ns, err1 := strconv.ParseInt(f[0], 10, 64)
		cns, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 != nil || err2 != nil {
			b.Fatalf("child printed %q", out)
		}
		total += time.Duration(ns)
		cpu += time.Duration(cns)
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "load-ns")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "load-cpu-ns")
}
