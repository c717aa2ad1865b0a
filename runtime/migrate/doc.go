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
// # Lock timeouts
//
// Every statement the runner applies waits at most Options.LockTimeout
// (DefaultLockTimeout, 5s) for each lock it needs, so that a migration
// queued behind a long transaction does not queue the application's
// queries behind itself for longer than that. A transactional file gets
// SET LOCAL lock_timeout once it holds the advisory lock. A statement
// outside a transaction cannot get a session setting safely (behind a
// transaction pooler it would reach another client), so it starts with
// a comment naming the runner, and a watch on a second connection of the
// pool cancels it once pg_stat_activity has shown it waiting for a lock
// for the timeout; given a single *pgx.Conn, the runner sets and restores
// lock_timeout on that session instead. A file's line
//
//	-- cpcgen:lock-timeout 30s
//
// (or "off") overrides the timeout for that file.
//
// A statement that gives up waiting (SQLSTATE 55P03) or loses a deadlock
// (40P01) is retried up to Options.LockAttempts times, after
// Options.LockBackoff doubled each time: a transactional file is rolled
// back and run again whole, its revision re-checked first; a statement
// outside a transaction is run again alone. After the last attempt the
// run stops with a *LockTimeoutError naming the sessions that blocked it
// — pid, application_name, state, how long, and their query with the
// constants masked — as pg_blocking_pids showed them while it waited.
//
// # Files outside a transaction
//
// A file holding the line
//
//	-- cpcgen:no-transaction
//
// (or its format's own directive: -- +goose NO TRANSACTION, -- migrate:up
// transaction:false, -- atlas:txmode none) runs its statements one by one
// without a transaction, as CREATE INDEX CONCURRENTLY needs. So does,
// without a directive, a file whose statements all refuse a transaction
// block (CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX …
// CONCURRENTLY, VACUUM, CREATE/DROP DATABASE or TABLESPACE, ALTER
// SYSTEM), and a file with a backfill directive. A file mixing such a
// statement with others that need the file's transaction is refused
// before any of it runs.
//
// Such a file is claimed instead of locked: under the advisory lock, in a
// short transaction, the runner checks that the version is neither
// applied nor claimed and inserts a row into Table+"_claims" with the
// file's checksum; it then runs the statements, recording in the claim
// after each how many are done, and in a second locked transaction
// records the revision and deletes the claim. Other deployers that find
// the claim wait (polling, never holding a lock) until the revision
// appears, so the file still runs exactly once, and no step depends on a
// session surviving between transactions. While it runs, the owner
// refreshes the claim; a claim not refreshed for Options.ClaimTimeout
// whose owner runs no statement (its process was killed) is taken over.
//
// If a statement fails, the claim keeps the error. The statements before
// it did happen, and the failed one left nothing (each runs in an
// implicit transaction of its own), so the next run resumes at the
// failed statement — unless the file changed since, which is refused
// until someone repairs the database and deletes the claim row. A run
// killed between a statement and its record runs that statement again:
// write the statements of such files so that a second run is harmless
// (IF EXISTS, IF NOT EXISTS), and keep them few — one per file is best.
//
// # Invalid indexes
//
// A CREATE INDEX CONCURRENTLY that fails, is canceled or loses its
// connection leaves an invalid index behind (pg_index.indisvalid false),
// which IF NOT EXISTS would then silently keep and a plain retry would
// trip on. Before running one, the runner looks for an index of that
// name on that table: an invalid one is dropped with DROP INDEX
// CONCURRENTLY and built again (unless pg_stat_progress_create_index
// shows some session building it right now, which is reported); a valid
// one is left to the statement, or, when the runner resumes that very
// statement, taken as built by the interrupted run.
//
// # Backfills
//
// Backfill applies a data change to a whole table in batches of keys, in
// key order, each in a short transaction of its own with the lock
// timeout, pausing between batches. Each batch records its last key in a
// progress table in the same transaction, so a backfill that stops
// continues where it stopped, and every row is changed exactly once. An
// application calls it at deploy time:
//
//	p, err := migrate.Backfill(ctx, pool, migrate.BackfillSpec{
//		Name:  "orders-status-v2",
//		Table: "orders",
//		Set:   "status_v2 = status::text",
//		Where: "status_v2 IS NULL",
//		BatchSize: 5000, Pause: 20 * time.Millisecond,
//	})
//
// and a migration file asks the runner for one with a comment before an
// UPDATE, which other tools run as a plain UPDATE:
//
//	-- cpcgen:no-transaction
//	-- cpcgen:backfill batch=5000 pause=20ms
//	UPDATE orders SET status_v2 = status::text WHERE status_v2 IS NULL;
package migrate
