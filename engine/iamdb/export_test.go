package iamdb

// ARNService exposes arnService to the external tests.
var ARNService = arnService

// Kept returns how many heap slices a LoadPermanent DB keeps alive for its
// arena.
func Kept(db *DB) int { return len(db.keep) }
