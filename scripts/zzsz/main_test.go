package sz

import (
	"bytes"
	"compress/gzip"
	"os"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestSizes(t *testing.T) {
	for _, f := range []string{"/tmp/dist-main/app.5ea63febd3de.wasm", "/tmp/dist-fp3/app.27c78bf76226.wasm"} {
		b, _ := os.ReadFile(f)
		var g, r bytes.Buffer
		gw, _ := gzip.NewWriterLevel(&g, 9)
		gw.Write(b)
		gw.Close()
		bw := brotli.NewWriterLevel(&r, 11)
		bw.Write(b)
		bw.Close()
		t.Logf("%s raw %d gzip9 %d brotli11 %d", f, len(b), g.Len(), r.Len())
	}
}
