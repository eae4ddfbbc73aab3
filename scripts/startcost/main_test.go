package main

import (
	"os"
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 3},
	}
	for _, tt := range tests {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestMeasure runs the test binary itself (asking it for its flags'
// help, which exits 0) and checks the shape of the result.
func TestMeasure(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	cmd := self + " -test.run=^$"
	rows, err := measure([]string{cmd, cmd}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	for _, r := range rows {
		if len(r.wall) != 3 || len(r.cpu) != 3 || len(r.cpuRatio) != 3 || len(r.wallRatio) != 3 {
			t.Errorf("%s: %d, %d, %d, %d samples, want 3 each", r.cmd, len(r.wall), len(r.cpu), len(r.wallRatio), len(r.cpuRatio))
		}
	}
	for _, x := range rows[0].wallRatio {
		if x != 1 {
			t.Errorf("the reference's wall ratio to itself is %v, want 1", x)
		}
	}
	var b strings.Builder
	write(&b, rows)
	if got := strings.Count(b.String(), "\n"); got != 3 {
		t.Errorf("write printed %d lines, want 3:\n%s", got, b.String())
	}
	if _, err := measure([]string{"/nonexistent/startcost-test"}, 1); err == nil {
		t.Error("measure of a missing program: no error")
	}
}
