//go:build !linux

package dataset

// permanentMemory returns nil: the loader allocates the whole dataset on
// the heap (see the Linux version).
func permanentMemory(n int) []byte { return nil }
