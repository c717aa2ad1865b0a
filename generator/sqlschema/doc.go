// Package sqlschema is the schema emitter: it models the IR's schema for
// the Atlas engine (ariga.io/atlas) — what migrations diff against — and
// renders schema.sql, the DDL that creates the whole schema in an empty
// database, row-level security policies and Citus distribution included.
//
//	desired := sqlschema.AtlasSchema(pkg)
//	ddl, err := sqlschema.SchemaSQL(pkg)
//
// It reads package ir only.
package sqlschema
