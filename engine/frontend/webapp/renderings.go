package webapp

import (
	"strings"
	"sync"

	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/workbench"
	"github.com/leastpriv/policysentry/engine/writer"
)

// shownFormats are the renderings a write screen needs on every
// keystroke: the JSON tab (shown, and validated by the checks). The other
// formats are rendered when first asked for (Text, File, AllRenderings):
// a screen shows one tab at a time, and rendering the six others was half
// of a keystroke's engine time (wasm/README.md, "Keystroke").
var shownFormats = []string{"json"}

// lazyRenderings renders a written policy (or a split's parts) in the
// formats not rendered yet, once each. It is shared by the copies of a
// PolicyOutput, hence the lock.
type lazyRenderings struct {
	policy *writer.Policy
	parts  []policyfmt.Named // the split's parts, or nil

	mu   sync.Mutex
	done map[string][]byte // by format name
}

// text renders the policy in format f, or returns the earlier rendering.
func (l *lazyRenderings) text(f policyfmt.Format) []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t, ok := l.done[f.Name]; ok {
		return t
	}
	var t []byte
	if l.parts != nil {
		t = f.RenderSet(l.parts)
	} else {
		t = f.Render(l.policy)
	}
	if l.done == nil {
		l.done = map[string][]byte{}
	}
	l.done[f.Name] = t
	return t
}

// rendering finds the named format's rendering (case-insensitively),
// rendering it if it was not yet; ok is false for a name that is no
// format or when no policy was written.
func (o PolicyOutput) rendering(name string) (workbench.Rendering, bool) {
	for _, x := range o.Renderings {
		if strings.EqualFold(x.Format.Name, name) {
			return x, true
		}
	}
	if o.lazy == nil {
		return workbench.Rendering{}, false
	}
	f, err := policyfmt.Lookup(name)
	if err != nil {
		return workbench.Rendering{}, false
	}
	return workbench.Rendering{Format: f, Text: o.lazy.text(f)}, true
}

// AllRenderings returns the policy in every format, in policyfmt.Formats
// order (what the page ships for its first screen); nil when no policy
// was written.
func (o PolicyOutput) AllRenderings() []workbench.Rendering {
	if len(o.Renderings) == 0 {
		return nil
	}
	var out []workbench.Rendering
	for _, f := range policyfmt.Formats() {
		if r, ok := o.rendering(f.Name); ok {
			out = append(out, r)
		}
	}
	return out
}

// WithoutRenderings is the output without its renderings (made or to be
// made), for comparing two outputs field by field: formats hold
// functions, which reflect.DeepEqual never finds equal.
func (o PolicyOutput) WithoutRenderings() PolicyOutput {
	o.Renderings, o.lazy = nil, nil
	return o
}
