// Package vet checks a generated package against a real PostgreSQL: the
// server prepares every statement the package holds, and what it says —
// a rejected statement, the types it infers for a raw query's parameters
// and columns, the table columns' types and nullability — is compared
// with the specs, each problem at its spec position.
//
//	findings, err := vet.Check(ctx, conn, pkg, root) // conn: a database with pkg's schema
//
// It reads the IR (package ir) only; cpcgen vet creates the temporary
// database, gives it the schema and prints the findings.
package vet
