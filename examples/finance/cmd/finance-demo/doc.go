// Command finance-demo runs the finance example against PostgreSQL and
// tells what it did: users and accounts opened, deposits, transfers (one
// refused for insufficient funds, one replayed with its idempotency key),
// a burst of concurrent transfers at SERIALIZABLE, a page of history,
// monthly totals per category, a balance as of an earlier moment, and a
// check of the books.
//
//	go run ./examples/finance/cmd/finance-demo          # a throwaway PostgreSQL, removed at exit
//	DATABASE_URL=postgres://… go run ./examples/finance/cmd/finance-demo
//
// Without DATABASE_URL it starts a PostgreSQL cluster of its own from the
// local server programs (initdb and postgres, found on PATH or under
// /usr/lib/postgresql/*/bin). It applies the example's migrations first.
// -short makes the concurrent burst small, for CI.
package main
