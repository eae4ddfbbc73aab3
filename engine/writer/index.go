package writer

import (
	"strings"
	"sync"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/arn"
)

// formats caches compiled ARN formats per resource type (datasets are
// immutable, so a *Resource is a stable key).
var formats sync.Map // *iamdb.Resource -> *arn.Format

func compiled(r *iamdb.Resource) *arn.Format {
	if f, ok := formats.Load(r); ok {
		return f.(*arn.Format)
	}
	f, _ := formats.LoadOrStore(r, arn.Compile(r.ARN))
	return f.(*arn.Format)
}

// row is one (action, resource type) pair, as Policy Sentry's action
// table lists them: the ARN format is "*" for the action-wide entry and for
// resource types the service does not define.
type row struct {
	action *iamdb.Action
	format string
	res    *iamdb.Resource
}

func rowsOf(a *iamdb.Action) []row {
	out := make([]row, 0, len(a.Resources))
	for _, ar := range a.Resources {
		r := row{action: a, format: "*"}
		if ar.Name != "" {
			if res := a.Service.Resource(ar.Name); res != nil {
				r.format, r.res = res.ARN, res
			}
		}
		out = append(out, r)
	}
	return out
}

// resourceTypeByFormat returns the name of the first resource type, in the
// format's own service, whose ARN format equals raw (case-insensitive).
func resourceTypeByFormat(db *iamdb.DB, raw string) (string, bool) {
	s := lookupService(db, arn.ServiceOf(raw))
	if s == nil {
		return "", false
	}
	for _, r := range s.Resources {
		if strings.EqualFold(r.ARN, raw) {
			return r.Name, true
		}
	}
	return "", false
}

// lookupService finds a service by the prefix used in an ARN. Service
// Catalog's portfolio and product ARNs say "catalog" while its IAM prefix
// is "servicecatalog"; Policy Sentry resolves that alias, and so do we.
func lookupService(db *iamdb.DB, prefix string) *iamdb.Service {
	if s := db.Service(prefix); s != nil {
		return s
	}
	if strings.EqualFold(prefix, "catalog") {
		return db.Service("servicecatalog")
	}
	return nil
}
