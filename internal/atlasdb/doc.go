// Package atlasdb opens a PostgreSQL database for the Atlas engine's
// inspector and normalizer, which check --url, migrate diff --dev-url and
// migrate rebase --dev-url read schemas with.
//
// The Atlas engine reads the string null, in any case, as SQL NULL
// wherever its inspector tests that a name is there: it refuses a table
// (or schema) named null, NULL or Null ("invalid schema or table name")
// and takes an index's column of that name for an expression that is
// not there. The database handle of Open hands it those names with
// nullMark in front, which no PostgreSQL name holds (names cannot
// contain a NUL byte), takes the mark off the arguments of its queries,
// and DB's methods take it off the schemas they return.
//
// The inspector also reads an index's boolean storage parameter
// autosummarize with strconv.ParseBool, which fails on the spellings
// PostgreSQL keeps as written (on, off, yes…): the handle's rows give
// it as true or false.
//
// A foreign key referencing a partitioned table has a clone for each
// partition (conparentid set), which the inspector read as foreign keys
// of the referencing table: the handle's query of foreign keys leaves
// the clones out.
package atlasdb
