// Package runtime is what cpcgen-generated code stands on, and a small
// library an application can use on its own: the pool manager (Open,
// ConfigFromEnv), the DBTX interface every generated repository takes,
// the unified DbError, and transaction helpers (InTx) with savepoints and
// retries.
//
// # Connecting
//
// Open creates a pool from a Config, usually read from the environment:
//
//	cfg, err := runtime.ConfigFromEnv() // DATABASE_URL or PG*, CPCGEN_* pool settings
//	if err != nil { … }
//	db, err := runtime.Open(ctx, cfg)   // connects once: a bad address fails here
//	if err != nil { … }
//	defer db.Close()
//
// *DB, *pgxpool.Pool, *pgx.Conn and pgx.Tx all satisfy DBTX, so the same
// repository works on a pool or inside a transaction.
//
// # Transactions
//
// InTx (and DB.InTx) runs a function in a transaction, commits it, rolls
// it back on an error or panic, and retries it on serialization failures
// and deadlocks; called with a pgx.Tx it nests as a savepoint:
//
//	err := db.InTx(ctx, runtime.TxOptions{Isolation: pgx.Serializable}, func(tx pgx.Tx) error {
//		…use tx only; the function may run more than once…
//	})
//
// # Errors
//
// Every failure becomes a *DbError with a Kind, the operation (always the
// generated method, never a runtime helper it used), the server's table
// and the operation's, constraint and column, and a message free of
// argument values and passwords. Wrap converts pgx and server errors;
// callers match them with errors.Is against the sentinels (ErrNotFound,
// ErrConflict, ErrReferenced, …) or a ConstraintSentinel, and read the
// fields with errors.As. Input the caller has to fix — refused by a
// generated Validate, by pgx or by the server as a data exception — is
// KindValidation; the Check helpers (CheckText, CheckNumeric, …) let
// Validate refuse before any SQL what the column's type cannot hold.
//
// # Types
//
// RegisterTypes (installed by Open through AfterConnect) makes
// github.com/google/uuid and github.com/shopspring/decimal values travel
// in PostgreSQL's binary format, at full precision, for parameters,
// results and COPY.
//
// # Observing
//
// Every statement cpcgen generates starts with a name line,
// "-- name: accounts.Create", which ParseOperation reads without
// allocating. Open installs one pgx tracer, only when something
// observes, that reports each statement — operation, table, duration,
// rows, error Kind and, on request, the arguments with sensitive ones
// redacted — to every Observer:
//
//	db, err := runtime.Open(ctx, runtime.Config{
//		URL:       url,
//		Metrics:   true,                   // Stats().Queries; runtime/promexport exports them
//		Logger:    logger,                 // NewSlogObserver: Debug per statement, Warn/Error for failures
//		SlowQuery: 200 * time.Millisecond, // Warn for slow statements
//		Observers: []runtime.Observer{oteltrace.NewObserver()}, // one span per statement
//	})
//
// With none of these, no tracer is installed and observing costs
// nothing. DB.Health and HealthHandler serve readiness probes.
//
// # Beyond one server
//
// With Config.ReplicaURLs, a DB keeps a pool per read replica and sends
// the statements whose name line says replica=ok (every read the
// generator emits) to a healthy one, outside transactions; Primary forces
// the primary, and WithSession keeps a session's reads on it for
// Config.ReadYourWrites after it wrote. A replica that fails is taken out
// and the read runs on the primary in the same call. Behind a connection
// pooler in transaction pooling mode (Config.Pooler), the DB sends
// statements without keeping prepared statements (StatementMode). See
// docs/scale-out.md.
//
// # Row caches
//
// With Config.Cache.Enabled, the by-key reads of tables generated with
// cache: are read through caches (CacheTable, CacheIndex) that every
// generated write invalidates exactly: Invalidating and Invalidate send
// the keys with pg_notify in the write's transaction, the writing DB
// drops them after COMMIT, and every DB LISTENs on one session of its
// own and drops the others'. A lost listener connection stops cached
// reads and flushes; a fill that raced a write is not stored. The cache
// is in process (typed, no decoding on a hit), or shared in Redis
// (Config.Cache.Shared, see runtime/rediscache). See docs/caching.md.
//
// The tests of this package, and of applications, get a throwaway
// PostgreSQL from the sub-package pgtest.
package runtime
