package writer

import (
	"runtime"
	"testing"
	"weak"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// cachedDatasets counts the datasets typeActionsCache holds entries for.
func cachedDatasets() int {
	n := 0
	typeActionsCache.Range(func(any, any) bool { n++; return true })
	return n
}

// TestTypeActionsCacheReleasesDatasets: the cache answers a second call
// from its entry, and a dataset the program drops takes its entries with
// it (the cache must not keep every dataset a long-lived process loads).
func TestTypeActionsCacheReleasesDatasets(t *testing.T) {
	before := cachedDatasets()
	w := func() weak.Pointer[iamdb.DB] {
		db, err := dataset.Fresh()
		if err != nil {
			t.Fatal(err)
		}
		s3 := db.Service("s3")
		a := typeActionsOf(db, s3, "bucket", iamdb.Read)
		if len(a.actions) == 0 {
			t.Fatal("no read actions on s3 buckets")
		}
		if b := typeActionsOf(db, s3, "bucket", iamdb.Read); b != a {
			t.Error("a second call did not return the cached entry")
		}
		if got := cachedDatasets(); got != before+1 {
			t.Errorf("the cache holds %d datasets, want %d", got, before+1)
		}
		return weak.Make(db)
	}()
	for i := 0; i < 100 && (w.Value() != nil || cachedDatasets() > before); i++ {
		runtime.GC()
		runtime.Gosched()
	}
	if w.Value() != nil {
		t.Fatal("the dropped dataset is still reachable: the cache keeps it alive")
	}
	if got := cachedDatasets(); got != before {
		t.Errorf("after the dataset was collected the cache holds %d datasets, want %d", got, before)
	}
}
