package policyfmt

import (
	"bytes"
	"testing"
)

// TestRenderEach checks that rendering every format at once, with the
// JSON tree shared, gives each format's own Render and RenderSet bytes,
// in the order asked, also when a format comes twice.
func TestRenderEach(t *testing.T) {
	for _, file := range []string{"readme.json", "writer-conditions.json"} {
		p, _ := writerCase(t, file)
		fs := append(Formats(), formats[len(formats)-1], formats[0])
		set := []Named{{"policy-1", p}, {"policy-2", p}}
		one, many := RenderEach(fs, p), RenderSetEach(fs, set)
		if len(one) != len(fs) || len(many) != len(fs) {
			t.Fatalf("%s: %d and %d renderings for %d formats", file, len(one), len(many), len(fs))
		}
		for i, f := range fs {
			if want := f.Render(p); !bytes.Equal(one[i], want) {
				t.Errorf("%s, %s: RenderEach differs from Render:\n%s\nwant:\n%s", file, f.Name, one[i], want)
			}
			if want := f.RenderSet(set); !bytes.Equal(many[i], want) {
				t.Errorf("%s, %s: RenderSetEach differs from RenderSet", file, f.Name)
			}
		}
	}
}
