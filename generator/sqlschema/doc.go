// Package sqlschema is the schema emitter: it models the IR's schema for
// the Atlas engine (ariga.io/atlas) — what migrations diff against — and
// renders schema.sql, the DDL that creates the whole schema in an empty
// database: the extensions first, then the enums and tables, row-level
// security policies and Citus distribution, and last the SQL objects
// (functions, triggers, views …) in dependency order. Atlas models
// neither extensions nor those objects; they are the IR's SQL text.
//
//	desired := sqlschema.AtlasSchema(pkg)
//	ddl, err := sqlschema.SchemaSQL(pkg)
//
// It reads package ir only.
package sqlschema
