// Package filterop is the one table of the operators a structured
// query's where: filters may use. Each row says how the filter is
// written in SQL, what it binds, which columns it applies to and how
// docs pages write it; the spec loader, the builder and the docs emitter
// read it, and nothing else lists operators.
//
//	op := filterop.Lookup("between") // shape Range: col BETWEEN $1 AND $2
//
// Adding an operator is adding a row to All.
package filterop
