package iamdb

// ARNService exposes arnService to the external tests.
var ARNService = arnService
