// Package migrate applies a directory of versioned SQL migrations to a
// PostgreSQL database: the runner applications import to migrate at
// start-up or from a deploy step. It depends only on pgx and the cpcgen
// runtime.
//
//	//go:embed migrations
//	var migrations embed.FS
//
//	dir, _ := fs.Sub(migrations, "migrations")
//	m, err := migrate.New(pool, dir, migrate.Options{}) // reads and verifies the files
//	if err != nil { … }
//	applied, err := m.Up(ctx)                           // or UpTo, Down, Status
//
// Embed the whole directory, not only *.sql: the checksum file atlas.sum
// lists every migration, and New refuses files that do not match it.
//
// # Formats
//
// Load reads the layouts cpcgen migrate diff writes (and the tools
// themselves write), one row each of the table Formats, which both the
// runner and cpcgen's migration writer read: golang-migrate
// (000001_name.up.sql and .down.sql), goose (000001_name.sql with
// -- +goose Up / Down sections and StatementBegin/End blocks), Flyway
// (V1__name.sql and the undo file U1__name.sql), dbmate (-- migrate:up /
// -- migrate:down sections) and Atlas (000001_name.sql, up only). Statements are split at top-level
// semicolons, with strings, quoted identifiers, dollar-quoted bodies,
// comments and BEGIN ATOMIC bodies understood.
//
// # Revisions
//
// Applied migrations are recorded in a table (DefaultTable unless
// Options.Table says otherwise) with the version, name, SHA-256 checksum
// of the file, applied_at and duration_ms. Before anything runs, every
// applied migration must still be in the directory with the same
// checksum; a file edited after it was applied stops the run with a
// *ChangedError.
//
// # Transactions and the lock
//
// Each file runs in a transaction of its own, which first takes the
// transaction-scoped advisory lock pg_advisory_xact_lock(key) (the key is
// derived from the table name) and then checks the revisions table again:
// a migration another caller applied meanwhile is skipped. The lock lives
// exactly as long as the transaction, so it is safe behind PgBouncer in
// transaction-pooling mode, where a session-level pg_advisory_lock could
// be held by a server connection later handed to another client. Queries
// use the simple protocol, so no prepared statement outlives its
// transaction either. Any number of deployers can run Up at once: each
// migration is applied exactly once and all of them succeed.
//
// A failing statement rolls back its whole file — nothing of it persists,
// no revision is recorded — and comes back as a *StatementError naming
// the file, the statement, its line and the server's message and
// position.
//
// # Files outside a transaction
//
// A file holding the line
//
//	-- cpcgen:no-transaction
//
// (or its format's own directive: -- +goose NO TRANSACTION, -- migrate:up
// transaction:false, -- atlas:txmode none) runs its statements one by one
// without a transaction, as CREATE INDEX CONCURRENTLY needs. Such a file
// is claimed instead of locked: under the advisory lock, in a short
// transaction, the runner checks that the version is neither applied nor
// claimed and inserts a row into Table+"_claims"; it then runs the
// statements, and in a second locked transaction records the revision
// and deletes the claim. Other deployers that find the claim wait
// (polling, never holding a lock) until the revision appears, so the file
// still runs exactly once, and no step depends on a session surviving
// between transactions. If a statement fails, the claim stays with the
// error: the statements before it did happen, so the runner refuses to
// go on until someone repairs the database and deletes the claim row.
// Keep such files to one statement.
package migrate
