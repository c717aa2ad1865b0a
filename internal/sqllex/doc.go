// Package sqllex splits PostgreSQL text into tokens: words, quoted
// identifiers, string constants (single-quoted, E'…' and dollar-quoted),
// numbers and punctuation, without comments and white space. The spec
// package reads SQL objects and queries with it, and import classifies
// the statements of a schema file with it.
package sqllex
