// Package demo holds what the example demos share: a database to run
// against, either the one DATABASE_URL names or a throwaway PostgreSQL
// cluster started for the run with runtime/pgtest, and a signal-aware
// context so that Ctrl-C still removes that cluster.
package demo
