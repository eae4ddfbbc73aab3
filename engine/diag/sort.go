package diag

import (
	"cmp"
	"sort"
)

// slicesSortStable sorts l with sort.SliceStable: the same algorithm and order as slices.SortStableFunc, with code that every element type shares (the web app links one copy instead of one per struct type).
func slicesSortStable(l List) {
	sort.SliceStable(l, func(i, j int) bool { return compareDiagnostics(l[i], l[j]) < 0 })
}

func compareDiagnostics(a, b Diagnostic) int {
	return cmp.Or(
		cmp.Compare(a.Start.File, b.Start.File),
		cmp.Compare(a.Start.Line, b.Start.Line),
		cmp.Compare(a.Start.Column, b.Start.Column),
		cmp.Compare(a.Severity, b.Severity),
		cmp.Compare(a.Code, b.Code),
	)
}
