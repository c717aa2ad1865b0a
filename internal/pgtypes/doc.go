// Package pgtypes is the one table of the PostgreSQL base types a spec
// may name. Every fact the pipeline needs about a type is a field of its
// row: the names and aliases specs write, the modifiers it takes, how
// its literals (defaults, fixed filter values) are checked and written
// as SQL, its Go type and how NULL travels, the cast parameters take,
// the Atlas type and the names the catalog reports, which validation
// rules and filters apply, and whether it can be a tenant column, key a
// loader's map, order a keyset page, or travel through COPY and unnest.
//
// The spec loader (package spec), the builder (package generator) and
// the emitters (the IR carries a pointer to each column's row, so
// emitters never switch on type names) all read it; nothing else in the
// module lists types. Lookup resolves a name or alias:
//
//	t := pgtypes.Lookup("int4")     // the integer row
//	t.Go                             // int32
//	t.AtlasType(nil)                 // &schema.IntegerType{T: "integer"}
//
// An unknown name is nil, which every caller turns into an error; there
// is no fall-back type.
//
// Adding a type is adding a row to All (types.go): the completeness
// tests (TestRowsComplete here, TestEveryTypeThroughThePipeline in
// package generator) then demand every fact of it, and a golden case
// that round-trips its values through PostgreSQL (TestEveryTypeHasAGolden);
// go test ./generator -update rewrites docs/types.md, the reference
// written from this table.
//
// The package sits below spec and the IR, so it imports neither; it
// imports Atlas's schema packages for the Atlas type constructors.
package pgtypes
