// Command startcost measures the whole-process cost of commands: it runs
// them in turn, round after round (so that a busy machine slows each
// alike), and prints for each the median wall time, the median CPU time
// (user + system of the finished process, all its threads, as
// /usr/bin/time counts it) and the median, pair by pair, of its ratio to
// the first command of the same round, with the load average before and
// after. The CLI's README records its figures (issue 17):
//
//	go build -o /tmp/hello ./scripts/startcost/hello
//	make cli
//	go run ./scripts/startcost -n 30 /tmp/hello \
//		"bin/policy-sentry write-policy --input-file engine/frontend/cli/testdata/crud.yml"
//
// A command is split at spaces (no quoting); its output is discarded and
// it must exit 0.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	n := flag.Int("n", 20, "rounds: each command runs once per round")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: startcost [-n rounds] reference-command command...")
		os.Exit(2)
	}
	fmt.Println("load average before:", loadavg())
	rows, err := measure(flag.Args(), *n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "startcost:", err)
		os.Exit(1)
	}
	write(os.Stdout, rows)
	fmt.Println("load average after:", loadavg())
}

// row is one command's samples: wall and CPU time in milliseconds, and
// its ratios to the reference (the first command) in the same round.
type row struct {
	cmd                 string
	wall, cpu           []float64
	wallRatio, cpuRatio []float64
}

// measure runs cmds n rounds, each command once per round, in order.
func measure(cmds []string, n int) ([]row, error) {
	rows := make([]row, len(cmds))
	for i, c := range cmds {
		rows[i].cmd = c
	}
	for range n {
		for i, c := range cmds {
			wall, cpu, err := run(c)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c, err)
			}
			r := &rows[i]
			r.wall, r.cpu = append(r.wall, wall), append(r.cpu, cpu)
			ref := &rows[0]
			r.wallRatio = append(r.wallRatio, wall/ref.wall[len(ref.wall)-1])
			r.cpuRatio = append(r.cpuRatio, cpu/max(ref.cpu[len(ref.cpu)-1], 0.1))
		}
	}
	return rows, nil
}

// run runs one command and returns its wall and CPU time in milliseconds.
func run(c string) (wall, cpu float64, err error) {
	f := strings.Fields(c)
	cmd := exec.Command(f[0], f[1:]...)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, err
	}
	wall = float64(time.Since(start).Nanoseconds()) / 1e6
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu = float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
	}
	return wall, cpu, nil
}

// write prints the medians, one command a line.
func write(w io.Writer, rows []row) {
	fmt.Fprintf(w, "%9s %9s %8s %8s  %s\n", "wall ms", "cpu ms", "wall ×", "cpu ×", "command (× = pair by pair against the first)")
	for _, r := range rows {
		fmt.Fprintf(w, "%9.1f %9.1f %8.2f %8.2f  %s\n", median(r.wall), median(r.cpu), median(r.wallRatio), median(r.cpuRatio), r.cmd)
	}
}

// median returns the middle value (the upper one of an even count), or 0
// for none.
func median(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	y := slices.Clone(x)
	slices.Sort(y)
	return y[len(y)/2]
}

// loadavg returns the first three fields of /proc/loadavg, or "unknown".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}
