package iamdb

// ARNService exposes arnService to the external tests.
var ARNService = arnService

// Kept returns how many heap slices a LoadPermanent DB keeps alive for its
// arena.
func Kept(db *DB) int { return len(db.keep) }

// Decoded returns how many services of db have decoded their actions.
func Decoded(db *DB) int {
	n := 0
	for _, s := range db.Services {
		if s.lazy == nil || s.actions != nil {
			n++
		}
	}
	return n
}
