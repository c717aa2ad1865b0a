// Package runtime is what cpcgen-generated code stands on, and a small
// library an application can use on its own: the pool manager (Open,
// ConfigFromEnv), the DBTX interface every generated repository takes,
// the unified DbError, and transaction helpers (InTx) with savepoints and
// retries.
package runtime
