package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/multitracer"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is a connection pool opened by Open. It satisfies DBTX, so
// repositories take it directly, and adds transactions (Begin, InTx),
// Ping, Stats and Close. It is safe for concurrent use.
type DB struct {
	pool           *pgxpool.Pool
	acquireTimeout time.Duration
	// direct is set when the DB can leave acquiring to pgxpool's own
	// methods: no AcquireTimeout to enforce and nothing observing (whose
	// observers must hear of statements that found no connection).
	direct bool
	// observed is the tracer's fan-out, nil when nothing observes.
	observed      *tracer
	healthTimeout time.Duration
	// metrics is nil unless Config.Metrics is on.
	metrics *queryMetrics
	// secrets are the passwords to mask in messages built from errors.
	secrets *secretSet
	// settings are Config.CursorKeys and Config.MaxPageSize; nil when
	// neither is set.
	settings *pageSettings
	// mode is the statement mode the pool runs with.
	mode StatementMode
	// replicas are the read replicas, nil without Config.ReplicaURLs.
	replicas *replicaSet
	// caches are the row caches, nil unless Config.Cache.Enabled.
	caches *rowCaches
}

// Open validates cfg, creates a pgxpool.Pool from it with the runtime's
// types registered on every connection (AfterConnect) and, when anything
// observes statements (Config.Metrics, the statement log,
// Config.Observers), one pgx tracer that reports each statement to the
// observers (see Observer), and connects once,
// so that a wrong address or password fails here. Every error is a
// *DbError: KindValidation for a bad Config (Fields names each setting),
// KindConnection when the server cannot be reached or rejects the login,
// and KindCanceled or KindTimeout when ctx ends first. No error contains
// the password.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	const op = "runtime.Open"
	if problems := cfg.problems(); len(problems) > 0 {
		return nil, &DbError{
			Kind:    KindValidation,
			Op:      op,
			Message: "invalid config: " + fieldsMessage(messagesOnly(problems)),
			Fields:  problems,
			Err:     cfg.Validate(),
		}
	}
	db, pc, err := newDB(cfg, cfg.URL, primaryPool, nil)
	if err != nil {
		return nil, err
	}

	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, openError(ctx, err, cfg, pc)
	}
	db.pool = pool
	db.secrets = secretsOf(cfg.URL, pc)
	if err := db.pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, openError(ctx, err, cfg, pc)
	}
	if len(cfg.ReplicaURLs) > 0 {
		db.replicas = openReplicas(ctx, cfg, db)
	}
	if cfg.Cache.Enabled {
		var observers []Observer
		if db.observed != nil {
			observers = db.observed.observers
		}
		if db.caches, err = openCaches(ctx, cfg, db, observers); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// newDB returns a DB for the server at dsn, not yet connected, and the
// pool configuration to connect it with: cfg applied, and a tracer
// labelled pool (see QueryEvent.Pool) when anything observes. A replica
// of primary shares its metrics and observers.
func newDB(cfg Config, dsn, pool string, primary *DB) (*DB, *pgxpool.Config, error) {
	replica := primary != nil
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// Validate parsed the same string; only pool_* parameters remain.
		field := "URL"
		if replica {
			field = "ReplicaURLs"
		}
		return nil, nil, &DbError{
			Kind:    KindValidation,
			Op:      "runtime.Open",
			Message: "invalid connection string: " + parseErrorReason(err, dsn),
			Fields:  []FieldError{{Field: field, Message: parseErrorReason(err, dsn)}},
		}
	}
	cfg.apply(pc)
	db := &DB{acquireTimeout: cfg.AcquireTimeout, healthTimeout: cfg.HealthTimeout}
	if cfg.CursorKeys != nil || cfg.MaxPageSize != 0 {
		db.settings = &pageSettings{keys: cfg.CursorKeys, maxPageSize: cfg.MaxPageSize}
	}
	db.mode = cfg.applyStatementMode(pc, dsn)
	if db.healthTimeout <= 0 {
		db.healthTimeout = DefaultHealthTimeout
	}
	var observers []Observer
	var waiting *atomic.Int64
	switch {
	case replica:
		db.metrics = primary.metrics
		if primary.observed != nil {
			observers = primary.observed.observers
		}
	default:
		if cfg.Metrics {
			db.metrics = newQueryMetrics()
			observers = append(observers, db.metrics)
		}
		if cfg.logging() {
			observers = append(observers, NewSlogObserver(cfg.Logger, SlogOptions{LogArgs: cfg.LogArgs, SlowQuery: cfg.SlowQuery}))
		}
		observers = append(observers, cfg.Observers...)
	}
	if db.metrics != nil {
		waiting = &db.metrics.waiting
	}
	switch {
	case len(observers) > 0:
		db.observed = &tracer{observers: observers, pool: pool, replica: replica,
			host: pc.ConnConfig.Host, port: pc.ConnConfig.Port, database: pc.ConnConfig.Database}
		pc.ConnConfig.Tracer = db.observed.withUser(cfg.Tracer, waiting)
	case cfg.Tracer != nil:
		pc.ConnConfig.Tracer = cfg.Tracer
	}
	if pc.AfterRelease != nil {
		// A pool bound to a tenant key: see AfterRelease.
		if pc.ConnConfig.Tracer == nil {
			pc.ConnConfig.Tracer = SimpleQueryTracer{}
		} else {
			pc.ConnConfig.Tracer = multitracer.New(pc.ConnConfig.Tracer, SimpleQueryTracer{})
		}
	}
	db.direct = db.acquireTimeout <= 0 && db.observed == nil
	return db, pc, nil
}

// apply copies the settings of c that are set onto pc.
func (c Config) apply(pc *pgxpool.Config) {
	if c.MaxConns > 0 {
		pc.MaxConns = c.MaxConns
	}
	if c.MinConns > 0 {
		pc.MinConns = c.MinConns
		if pc.MaxConns < c.MinConns {
			pc.MaxConns = c.MinConns
		}
	}
	if c.ConnectTimeout > 0 {
		pc.ConnConfig.ConnectTimeout = c.ConnectTimeout
	}
	if c.HealthCheckPeriod > 0 {
		pc.HealthCheckPeriod = c.HealthCheckPeriod
	}
	if c.MaxConnLifetime > 0 {
		pc.MaxConnLifetime = c.MaxConnLifetime
	}
	if c.MaxConnIdleTime > 0 {
		pc.MaxConnIdleTime = c.MaxConnIdleTime
	}
	params := pc.ConnConfig.RuntimeParams
	if c.StatementTimeout > 0 {
		params["statement_timeout"] = strconv.FormatInt(c.StatementTimeout.Milliseconds(), 10)
	}
	if c.IdleInTxTimeout > 0 {
		params["idle_in_transaction_session_timeout"] = strconv.FormatInt(c.IdleInTxTimeout.Milliseconds(), 10)
	}
	if c.ApplicationName != "" {
		params["application_name"] = c.ApplicationName
	}
	pc.AfterConnect = AfterConnect
	key := c.TenantKey
	if key == nil {
		// Validate and ConfigFromEnv report a key that does not parse.
		key, _ = TenantKeyOf()
	}
	if key != nil {
		pooler := c.Pooler != ""
		pc.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
			registerConnTypes(conn)
			return bindTenant(ctx, conn, key, pooler)
		}
		pc.AfterRelease = AfterRelease
	}
}

// openError turns a failure to connect into a *DbError of KindConnection
// (or KindCanceled/KindTimeout when ctx ended) whose message holds no
// secret.
func openError(ctx context.Context, err error, cfg Config, pc *pgxpool.Config) error {
	masked := newMaskedError(err, secretsOf(cfg.URL, pc).list)
	e := &DbError{
		Kind:    KindConnection,
		Op:      "runtime.Open",
		Message: "cannot connect: " + masked.msg,
		Err:     masked,
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		e.Code = pgErr.Code
	}
	switch ctx.Err() {
	case context.Canceled:
		e.Kind = KindCanceled
	case context.DeadlineExceeded:
		e.Kind = KindTimeout
	}
	return e
}

// secretsOf returns the secrets of the connection string dsn: what may
// be a password in it (see dsnSecrets), and the password pgx found for
// it, from the string, PGPASSWORD, the password file or the service
// file.
func secretsOf(dsn string, pc *pgxpool.Config) *secretSet {
	s := &secretSet{list: dsnSecrets(dsn)}
	if pc != nil && pc.ConnConfig.Password != "" {
		s.list = append(s.list, pc.ConnConfig.Password)
	}
	return s
}

func messagesOnly(fields []FieldError) []FieldError {
	out := make([]FieldError, len(fields))
	for i, f := range fields {
		out[i] = FieldError{Message: f.Message}
	}
	return out
}

// pageSettings are the settings of a DB that generated paginated
// methods read through the DBTX they run on: Config.CursorKeys and
// Config.MaxPageSize.
type pageSettings struct {
	keys        *CursorKeys
	maxPageSize int
}

// CursorKeys returns Config.CursorKeys, or nil when it was not set (then
// CursorKeysOf falls back to CPCGEN_CURSOR_KEYS or a random key).
func (db *DB) CursorKeys() *CursorKeys {
	if db.settings == nil {
		return nil
	}
	return db.settings.keys
}

// MaxPageSize returns Config.MaxPageSize, or 0 when it was not set (then
// MaxPageSizeOf falls back to CPCGEN_MAX_PAGE_SIZE or
// DefaultMaxPageSize).
func (db *DB) MaxPageSize() int {
	if db.settings == nil {
		return 0
	}
	return db.settings.maxPageSize
}

// settingsTx is a transaction of a DB with page settings: it carries
// them, and so do its savepoints, so that generated code running in it
// finds them (CursorKeysOf, MaxPageSizeOf).
type settingsTx struct {
	pgx.Tx
	settings *pageSettings
}

// Begin starts a savepoint that carries the settings too.
func (t *settingsTx) Begin(ctx context.Context) (pgx.Tx, error) {
	sp, err := t.Tx.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return &settingsTx{Tx: sp, settings: t.settings}, nil
}

// CursorKeys returns the cursor keys of the DB that began t.
func (t *settingsTx) CursorKeys() *CursorKeys { return t.settings.keys }

// MaxPageSize returns the maximum page size of the DB that began t.
func (t *settingsTx) MaxPageSize() int { return t.settings.maxPageSize }

// withSettings returns tx carrying db's page settings, when it has any.
func (db *DB) withSettings(tx pgx.Tx) pgx.Tx {
	if db.settings == nil {
		return tx
	}
	return &settingsTx{Tx: tx, settings: db.settings}
}

// String describes db for logs: its statement mode and pool size, and
// nothing of its connection string.
func (db *DB) String() string {
	if db == nil {
		return "runtime.DB(nil)"
	}
	s := "runtime.DB{StatementMode: " + string(db.mode)
	if db.pool != nil {
		s += ", MaxConns: " + strconv.Itoa(int(db.pool.Config().MaxConns))
	}
	if db.replicas != nil {
		s += ", Replicas: " + strconv.Itoa(len(db.replicas.members))
	}
	return s + "}"
}

// Format writes String for every verb of fmt, so that printing a DB
// never reaches its fields.
func (db *DB) Format(f fmt.State, verb rune) { writeFormatted(f, verb, db.String()) }

// LogValue returns String for log/slog.
func (db *DB) LogValue() slog.Value { return slog.StringValue(db.String()) }

// Pool returns the underlying pgxpool.Pool.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Close closes every connection, the replicas' and the cache
// listener's too; it waits for acquired connections to be released.
func (db *DB) Close() {
	if db.caches != nil {
		db.caches.close()
	}
	if db.replicas != nil {
		db.replicas.close()
	}
	db.pool.Close()
}

// StatementMode returns the statement mode the DB's pool runs with:
// Config.StatementMode, or what StatementModeAuto picked.
func (db *DB) StatementMode() StatementMode { return db.mode }

// Ping checks that a connection can be acquired and the server answers.
// Its error is a *DbError.
func (db *DB) Ping(ctx context.Context) error {
	if db.direct {
		return Wrap(db.pool.Ping(ctx), "runtime.Ping", "")
	}
	c, err := db.acquire(ctx)
	if err != nil {
		return Wrap(err, "runtime.Ping", "")
	}
	defer c.Release()
	return Wrap(c.Ping(ctx), "runtime.Ping", "")
}

// Exec runs sql on a pooled connection of the primary; see
// pgx.Conn.Exec. Its error is pgx's, for the caller to Wrap with its
// operation.
func (db *DB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if db.replicas != nil {
		if s := db.replicas.writer(ctx, sql); s != nil {
			s.touch()
			defer s.touch()
		}
	}
	if db.direct {
		return db.pool.Exec(ctx, sql, args...)
	}
	c, err := db.acquireFor(ctx, sql, args)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	defer c.Release()
	return c.Exec(ctx, sql, args...)
}

// Query runs sql on a pooled connection, released when the rows are
// closed or read to the end; see pgx.Conn.Query. With read replicas, a
// statement marked replica=ok may run on one (see Config.ReplicaURLs).
func (db *DB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if db.replicas != nil {
		return db.replicas.query(ctx, db, sql, args)
	}
	return db.query(ctx, sql, args)
}

// query runs sql on the primary.
func (db *DB) query(ctx context.Context, sql string, args []any) (pgx.Rows, error) {
	if db.direct {
		return db.pool.Query(ctx, sql, args...)
	}
	c, err := db.acquireFor(ctx, sql, args)
	if err != nil {
		return errRows{err: err}, err
	}
	rows, err := c.Query(ctx, sql, args...)
	if err != nil {
		c.Release()
		return errRows{err: err}, err
	}
	return &releasingRows{Rows: rows, heldConn: heldConn{c}}, nil
}

// QueryRow runs sql on a pooled connection, released by Scan; see
// pgx.Conn.QueryRow. With read replicas, a statement marked replica=ok
// may run on one (see Config.ReplicaURLs).
func (db *DB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if db.replicas != nil {
		return db.replicas.queryRow(ctx, db, sql, args)
	}
	return db.queryRow(ctx, sql, args)
}

// queryRow runs sql on the primary.
func (db *DB) queryRow(ctx context.Context, sql string, args []any) pgx.Row {
	if db.direct {
		return db.pool.QueryRow(ctx, sql, args...)
	}
	c, err := db.acquireFor(ctx, sql, args)
	if err != nil {
		return errRow{err: err}
	}
	return &releasingRow{row: c.QueryRow(ctx, sql, args...), heldConn: heldConn{c}}
}

// CopyFrom copies rows into tableName with the COPY protocol, on the
// primary; see pgx.Conn.CopyFrom.
func (db *DB) CopyFrom(ctx context.Context, tableName pgx.Identifier, columnNames []string, rowSrc pgx.CopyFromSource) (int64, error) {
	if db.replicas != nil {
		if s := db.replicas.session(ctx); s != nil {
			s.touch()
			defer s.touch()
		}
	}
	if db.direct {
		return db.pool.CopyFrom(ctx, tableName, columnNames, rowSrc)
	}
	c, err := db.acquireForCopy(ctx, tableName)
	if err != nil {
		return 0, err
	}
	defer c.Release()
	return c.CopyFrom(ctx, tableName, columnNames, rowSrc)
}

// SendBatch sends b on a pooled connection, released when the results are
// closed (or, for a batch that begins a transaction, when it ends); see
// pgx.Conn.SendBatch. With read replicas, a batch whose statements are
// all marked replica=ok may run on one (see Config.ReplicaURLs).
func (db *DB) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if db.replicas != nil {
		return db.replicas.sendBatch(ctx, db, b)
	}
	return db.sendBatch(ctx, b)
}

// sendBatch sends b to the primary.
func (db *DB) sendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if db.direct {
		return db.pool.SendBatch(ctx, b)
	}
	c, err := db.acquireForBatch(ctx, b)
	if err != nil {
		return pgx.FailedBatchResults(b, err)
	}
	br := c.SendBatch(ctx, b)
	if tx := br.Tx(); tx != nil {
		return &releasingBatch{BatchResults: br, tx: &releasingTx{Tx: tx, heldConn: heldConn{c}}}
	}
	return &releasingBatch{BatchResults: br, heldConn: heldConn{c}}
}

// Begin starts a transaction on a pooled connection, released by Commit
// or Rollback. Its error is a *DbError.
func (db *DB) Begin(ctx context.Context) (pgx.Tx, error) {
	return db.BeginTx(ctx, pgx.TxOptions{})
}

// BeginTx starts a transaction with opts on a pooled connection of the
// primary, released by Commit or Rollback. Its error is a *DbError. With
// caching on, the invalidations of the cached writes run in it are
// applied to the DB's row caches when it commits.
func (db *DB) BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error) {
	return db.begin(ctx, opts, "runtime.Begin")
}

// begin is BeginTx with op as the Op of its errors: the transaction, on
// a DB with caching on, applies its writes' invalidations when it
// commits.
func (db *DB) begin(ctx context.Context, opts pgx.TxOptions, op string) (pgx.Tx, error) {
	if db.caches == nil {
		return db.beginSessionTx(ctx, opts, op)
	}
	tx, err := db.beginSessionTx(ctx, opts, op)
	if err != nil {
		return nil, err
	}
	return db.caches.beginTx(tx), nil
}

// beginSessionTx starts a transaction, recording a write on the
// context's session when it may write.
func (db *DB) beginSessionTx(ctx context.Context, opts pgx.TxOptions, op string) (pgx.Tx, error) {
	if db.replicas != nil && opts.AccessMode != pgx.ReadOnly {
		if s := db.replicas.session(ctx); s != nil {
			s.touch()
			tx, err := db.beginTx(ctx, opts, op)
			if err != nil {
				return nil, err
			}
			return db.withSettings(&sessionTx{Tx: tx, session: s}), nil
		}
	}
	tx, err := db.beginTx(ctx, opts, op)
	if err != nil {
		return nil, err
	}
	return db.withSettings(tx), nil
}

// beginTx starts a transaction on the primary.
func (db *DB) beginTx(ctx context.Context, opts pgx.TxOptions, op string) (pgx.Tx, error) {
	if db.direct {
		tx, err := db.pool.BeginTx(ctx, opts)
		if err != nil {
			return nil, Wrap(err, op, "")
		}
		return tx, nil
	}
	c, err := db.acquireFor(ctx, "begin", nil)
	if err != nil {
		return nil, Wrap(err, op, "")
	}
	tx, err := c.BeginTx(ctx, opts)
	if err != nil {
		c.Release()
		return nil, Wrap(err, op, "")
	}
	return &releasingTx{Tx: tx, heldConn: heldConn{c}}, nil
}

// InTx runs fn in a transaction on db; see the function InTx.
func (db *DB) InTx(ctx context.Context, opts TxOptions, fn func(tx pgx.Tx) error) error {
	return InTx(ctx, db, opts, fn)
}

// acquireFor acquires a connection for the statement sql; when that
// fails, the observers are told that the statement failed.
func (db *DB) acquireFor(ctx context.Context, sql string, args []any) (*pgxpool.Conn, error) {
	if db.observed == nil {
		return db.acquire(ctx)
	}
	start := time.Now()
	c, err := db.acquire(ctx)
	if err != nil {
		db.observed.reportUnsent(ctx, &QueryEvent{SQL: sql, args: args, Start: start}, err)
	}
	return c, err
}

// acquireForBatch acquires a connection for b, like acquireFor.
func (db *DB) acquireForBatch(ctx context.Context, b *pgx.Batch) (*pgxpool.Conn, error) {
	if db.observed == nil {
		return db.acquire(ctx)
	}
	start := time.Now()
	c, err := db.acquire(ctx)
	if err != nil {
		for _, q := range b.QueuedQueries {
			db.observed.reportUnsent(ctx, &QueryEvent{SQL: q.SQL, args: q.Arguments, Start: start, Batch: true}, err)
		}
	}
	return c, err
}

// acquireForCopy acquires a connection for a COPY into tableName, like
// acquireFor.
func (db *DB) acquireForCopy(ctx context.Context, tableName pgx.Identifier) (*pgxpool.Conn, error) {
	if db.observed == nil {
		return db.acquire(ctx)
	}
	start := time.Now()
	c, err := db.acquire(ctx)
	if err != nil {
		db.observed.reportUnsent(ctx, &QueryEvent{Copy: true, op: copyOperation(ctx, tableName), Start: start}, err)
	}
	return c, err
}

// acquire waits at most AcquireTimeout (when set) for a connection.
// Running out of time is a *DbError of KindTimeout; the caller's own
// deadline or cancellation is reported as such.
func (db *DB) acquire(ctx context.Context) (*pgxpool.Conn, error) {
	if db.acquireTimeout <= 0 {
		return db.pool.Acquire(ctx)
	}
	actx, cancel := context.WithTimeoutCause(ctx, db.acquireTimeout, errAcquireTimeout)
	defer cancel()
	c, err := db.pool.Acquire(actx)
	if err != nil {
		if ctx.Err() == nil && context.Cause(actx) == errAcquireTimeout {
			return nil, &DbError{
				Kind: KindTimeout,
				Message: fmt.Sprintf("connection pool exhausted: all %d connections of the pool stayed busy for AcquireTimeout (%s); "+
					"raise MaxConns or AcquireTimeout, or release connections sooner", db.pool.Config().MaxConns, db.acquireTimeout),
				Err: err,
			}
		}
		return nil, err
	}
	return c, nil
}

var errAcquireTimeout = errors.New("acquire timeout")

// Stats is a snapshot of a DB's counters: the pool's, and the query
// metrics when Config.Metrics is on.
type Stats struct {
	PoolStats
	// Queries holds the counters of every operation run since Open,
	// sorted by Op; nil unless Config.Metrics is on. Statements run on
	// replicas count here too.
	Queries []QueryStats
	// Replicas are the read replicas' counters, in Config.ReplicaURLs
	// order; nil without replicas.
	Replicas []ReplicaStats
	// Cache holds the row caches' state and counters; nil unless
	// Config.Cache.Enabled.
	Cache *CacheStats
}

// Query returns the counters of operation op, such as "accounts.Create".
func (s Stats) Query(op string) (QueryStats, bool) {
	for _, q := range s.Queries {
		if q.Op == op {
			return q, true
		}
	}
	return QueryStats{}, false
}

// PoolStats is a snapshot of the pool's counters, copied from
// pgxpool.Stat.
type PoolStats struct {
	// AcquireCount is the number of successful acquires.
	AcquireCount int64
	// AcquireDuration is the total time spent in successful acquires.
	AcquireDuration time.Duration
	// AcquiredConns is the number of connections in use.
	AcquiredConns int32
	// CanceledAcquireCount is the number of acquires canceled by a context.
	CanceledAcquireCount int64
	// ConstructingConns is the number of connections being established.
	ConstructingConns int32
	// EmptyAcquireCount is the number of acquires that had to wait for a
	// connection because none was idle.
	EmptyAcquireCount int64
	// EmptyAcquireWaitTime is the total time acquires waited because no
	// connection was idle.
	EmptyAcquireWaitTime time.Duration
	// IdleConns is the number of idle connections.
	IdleConns int32
	// MaxConns is the maximum size of the pool.
	MaxConns int32
	// TotalConns is the number of connections: idle, in use and being
	// established.
	TotalConns int32
	// NewConnsCount is the number of connections opened so far.
	NewConnsCount int64
	// MaxLifetimeDestroyCount is the number of connections closed for
	// reaching MaxConnLifetime.
	MaxLifetimeDestroyCount int64
	// MaxIdleDestroyCount is the number of connections closed for reaching
	// MaxConnIdleTime.
	MaxIdleDestroyCount int64
	// WaitingAcquires is the number of acquires in progress: callers
	// waiting for a connection to be free or to be made. It is counted
	// only when Config.Metrics is on, and 0 otherwise.
	WaitingAcquires int64
}

// Stats returns a snapshot of the pool's counters, of each replica's
// and, when Config.Metrics is on, of the query metrics.
func (db *DB) Stats() Stats {
	s := Stats{PoolStats: db.poolStats()}
	if db.metrics != nil {
		s.Queries = db.metrics.snapshot()
	}
	if db.replicas != nil {
		s.Replicas = db.replicas.stats()
	}
	if db.caches != nil {
		s.Cache = db.caches.stats()
	}
	return s
}

// poolStats returns a snapshot of the pool's counters.
func (db *DB) poolStats() PoolStats {
	s := db.pool.Stat()
	var waiting int64
	if db.metrics != nil {
		waiting = db.metrics.waiting.Load()
	}
	return PoolStats{
		AcquireCount:            s.AcquireCount(),
		AcquireDuration:         s.AcquireDuration(),
		AcquiredConns:           s.AcquiredConns(),
		CanceledAcquireCount:    s.CanceledAcquireCount(),
		ConstructingConns:       s.ConstructingConns(),
		EmptyAcquireCount:       s.EmptyAcquireCount(),
		EmptyAcquireWaitTime:    s.EmptyAcquireWaitTime(),
		IdleConns:               s.IdleConns(),
		MaxConns:                s.MaxConns(),
		TotalConns:              s.TotalConns(),
		NewConnsCount:           s.NewConnsCount(),
		MaxLifetimeDestroyCount: s.MaxLifetimeDestroyCount(),
		MaxIdleDestroyCount:     s.MaxIdleDestroyCount(),
		WaitingAcquires:         waiting,
	}
}
