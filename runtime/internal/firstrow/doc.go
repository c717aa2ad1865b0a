// Package firstrow reads the first row of a query's result as a pgx.Row:
// the QueryRow of a database handle that only has Query, or whose Query
// runs the statement in a batch (runtime's scoped and invalidating
// handles, runtime/migrate's connection).
package firstrow
