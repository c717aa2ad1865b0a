// Package importer turns an existing PostgreSQL schema into cpcgen spec
// files: `cpcgen import`.
//
// Inspect reads one schema from PostgreSQL's catalogs (tables, columns,
// constraints, indexes, enums, sequences, domains, types, views,
// functions, triggers, extensions); Convert turns that catalog into spec
// YAML and a report of every object it could not declare as a spec
// entry. What the spec cannot declare is kept as an sql_objects entry
// holding the SQL that recreates it, so that the schema the migrations
// build is the one imported; what not even that can carry is reported by
// kind and name, never dropped silently. ApplyDDL applies a DDL file
// statement by statement (for `import --sql`), and WriteFiles writes the
// result without overwriting an edited file unless forced.
//
// The catalogs are read directly rather than through Atlas's inspection:
// specs keep SQL text (defaults, checks, index expressions, view and
// function bodies) exactly as PostgreSQL prints it (pg_get_expr,
// pg_get_constraintdef, pg_get_indexdef), which is what a migration
// replays into the same catalog entries, and Atlas's open-source engine
// does not inspect views, functions, triggers, domains or sequences.
package importer
