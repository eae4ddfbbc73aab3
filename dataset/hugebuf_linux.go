package dataset

import (
	"syscall"
	"unsafe"
)

// permanentMemory returns n bytes outside the Go heap for
// iamdb.LoadPermanent, which the kernel may back with transparent huge
// pages (the usual "madvise" setting allows it): a few page faults instead
// of one per 4 KiB when the loader first writes it, which was most of the
// time of the first load in a fresh process on a VM where faults are slow.
// The memory is never freed: only Default, whose DB lives as long as the
// process, uses it. It returns nil when the mapping fails (the loader then
// allocates on the heap).
func permanentMemory(n int) []byte {
	const huge = 2 << 20
	if n <= 0 {
		return nil
	}
	size := (n + huge - 1) / huge * huge
	m, err := syscall.Mmap(-1, 0, size+huge, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil
	}
	off := (huge - int(uintptr(unsafe.Pointer(&m[0]))%huge)) % huge
	b := m[off : off+size : off+size]
	const madvHugepage = 14 // MADV_HUGEPAGE
	_ = syscall.Madvise(b, madvHugepage)
	return b[:0]
}
