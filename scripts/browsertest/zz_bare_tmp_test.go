package browsertest

import "testing"

func TestZZBareCompare(t *testing.T) {
	srv := newServer(t)
	a, b := []float64{}, []float64{}
	for i := 0; i < 5; i++ {
		a = append(a, measureBare(t, srv, "app.a2c956de385c.wasm"))
		b = append(b, measureBare(t, srv, "app.o2exp.wasm"))
	}
	t.Logf("go build: %v median %.0f; wasm-opt -O2: %v median %.0f", a, median(a), b, median(b))
}
