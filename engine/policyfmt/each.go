package policyfmt

import "github.com/leastpriv/policysentry/engine/writer"

// RenderEach renders the policy in each format, as each format's Render
// would, in the order given. The infrastructure-as-code formats work on
// the policy's JSON tree (see tree): it is built once here and shared,
// instead of once per format, which a front end that shows every
// rendering on each keystroke would otherwise pay four times.
func RenderEach(formats []Format, p *writer.Policy) [][]byte {
	return renderEach(formats, single(p), func(f Format) []byte { return f.Render(p) })
}

// RenderSetEach is RenderEach for several named policies (the parts of a
// split), as each format's RenderSet would render them.
func RenderSetEach(formats []Format, set []Named) [][]byte {
	return renderEach(formats, set, func(f Format) []byte { return f.RenderSet(set) })
}

// renderEach renders set with each format's tree renderer, or with plain
// for a format that has none. The renderers only read the trees.
func renderEach(formats []Format, set []Named, plain func(Format) []byte) [][]byte {
	out := make([][]byte, len(formats))
	var docs []namedDoc
	for i, f := range formats {
		if f.fromDocs == nil {
			out[i] = plain(f)
			continue
		}
		if docs == nil {
			docs = docsOf(set)
		}
		out[i] = f.fromDocs(docs)
	}
	return out
}
