package writer

import (
	"runtime"
	"sync"
	"weak"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

// typeActions are the actions a CRUD template's ARN of one resource type
// grants at one access level: the service's actions at that level on the
// type, then their dependent actions that also act on the type; the other
// dependent actions (in order) are granted on "*".
type typeActions struct {
	actions, unconstrained []string
}

// typeActionsKey names one typeActions entry of a dataset.
type typeActionsKey struct {
	svc    *iamdb.Service
	rtName string
	level  iamdb.AccessLevel
}

// typeActionsCache keeps typeActions per dataset, then per service,
// resource type and level: each walks every action of the service, and a
// server or Worker instance answers the same ones again and again
// (datasets are immutable, so a *DB and *Service are stable keys).
// Entries are shared: callers copy the slices before changing them.
//
// The dataset is held weakly: when a process drops a *DB (a test, a
// server that replaced its dataset), a cleanup removes the dataset's
// entries, so the cache does not keep every dataset ever loaded.
var typeActionsCache sync.Map // weak.Pointer[iamdb.DB] -> *sync.Map of typeActionsKey -> *typeActions

// typeActionsOfDB returns db's entry map, made (with its cleanup) on
// first use.
func typeActionsOfDB(db *iamdb.DB) *sync.Map {
	w := weak.Make(db)
	if m, ok := typeActionsCache.Load(w); ok {
		return m.(*sync.Map)
	}
	m, loaded := typeActionsCache.LoadOrStore(w, &sync.Map{})
	if !loaded {
		runtime.AddCleanup(db, func(w weak.Pointer[iamdb.DB]) { typeActionsCache.Delete(w) }, w)
	}
	return m.(*sync.Map)
}

// typeActionsOf returns the (cached) typeActions of the resource type
// rtName of svc at level.
func typeActionsOf(db *iamdb.DB, svc *iamdb.Service, rtName string, level iamdb.AccessLevel) *typeActions {
	cache := typeActionsOfDB(db)
	key := typeActionsKey{svc, rtName, level}
	if ta, ok := cache.Load(key); ok {
		return ta.(*typeActions)
	}
	ta := &typeActions{actions: actionsWithType(svc, rtName, level)}
	onType := actionsWithType(svc, rtName, 0)
	for _, dep := range dependentsOf(db, ta.actions) {
		if contains(ta.actions, dep) {
			continue
		}
		if contains(onType, dep) {
			ta.actions = append(ta.actions, dep)
		} else {
			ta.unconstrained = append(ta.unconstrained, dep)
		}
	}
	v, _ := cache.LoadOrStore(key, ta)
	return v.(*typeActions)
}
