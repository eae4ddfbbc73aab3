package main

import "github.com/vugu/vugu"

// mergeText joins adjacent text nodes and drops empty ones in a build's
// output (vg-if leaves the whitespace around a hidden element as two
// text nodes). The browser's HTML parser does the same to the
// prerendered page, and Vugu's DOM renderer syncs the tree it is given
// node by node: with the same tree on both sides it keeps every
// prerendered element (no jump, the textareas keep what was typed),
// where a text node too many would make it replace every later sibling.
// main_wasm.go applies it to each render, prerender.go to its output.
func mergeText(br *vugu.BuildResults) {
	seen := map[*vugu.BuildOut]bool{}
	var out func(bo *vugu.BuildOut)
	var node func(n *vugu.VGNode)
	out = func(bo *vugu.BuildOut) {
		if bo == nil || seen[bo] {
			return
		}
		seen[bo] = true
		for _, n := range bo.Out {
			node(n)
		}
	}
	node = func(n *vugu.VGNode) {
		if n.Component != nil {
			out(br.ResultFor(n.Component))
			return
		}
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			switch {
			case c.Type == vugu.TextNode && c.Data == "":
				n.RemoveChild(c)
			case c.Type == vugu.TextNode && next != nil && next.Type == vugu.TextNode:
				next.Data = c.Data + next.Data
				n.RemoveChild(c)
			default:
				node(c)
			}
			c = next
		}
	}
	out(br.Out)
}
