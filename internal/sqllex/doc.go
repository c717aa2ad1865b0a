// Package sqllex splits PostgreSQL text into tokens: words, quoted
// identifiers, string constants (single-quoted, E'…' and dollar-quoted),
// numbers and punctuation, without comments and white space, and finds
// the structure every reader of SQL in the module needs: the token
// closing a parenthesis (Closing), the parts between top-level commas
// or other separators (Split), the first top-level token of a kind
// (Top), statements split as psql splits them (Statements) and whether
// a routine has an SQL-standard body (AtomicBody).
//
//	toks, err := sqllex.Lex(`SELECT f(')', x); SELECT 2`)
//	stmts := sqllex.Statements(toks)          // two statements
//	args := sqllex.Split(stmts[0][3:sqllex.Closing(stmts[0], 2)], sqllex.Comma)
//
// spec reads SQL objects and queries with it, import its schema files
// and the catalog's text, the migration differ the SQL it compares, and
// the runtime its migration files and the statements it observes. It
// imports only the standard library, so that the runtime, which apps
// import, may use it; sqllextest holds the hostile quoting forms each
// of those readers is tested against.
package sqllex
