package webapp

import (
	"os"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// crudCase returns the built-in dataset and the API's crud.yml template,
// which the write-screen tests and benchmarks write.
func crudCase(tb testing.TB) (*iamdb.DB, []byte) {
	tb.Helper()
	db, err := dataset.Default()
	if err != nil {
		tb.Fatal(err)
	}
	src, err := os.ReadFile("../api/testdata/crud.yml")
	if err != nil {
		tb.Fatal(err)
	}
	return db, src
}
