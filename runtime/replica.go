package runtime

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// primaryPool is QueryEvent.Pool for the primary's statements.
const primaryPool = "primary"

// replicaSet is the read replicas of a DB and the routing of reads to
// them.
type replicaSet struct {
	members []*replica
	policy  ReplicaPolicy
	next    atomic.Uint64
	// ryw is Config.ReadYourWrites; 0 turns sessions off.
	ryw time.Duration
	// maxLag is Config.MaxReplicaLag; 0 for no bound.
	maxLag time.Duration
	// retry is the first wait before a replica taken out is checked
	// again, and the period of lag checks.
	retry time.Duration
	// probeTimeout bounds one health check.
	probeTimeout time.Duration

	// fallbacks counts the reads that failed on a replica and ran on the
	// primary.
	fallbacks atomic.Int64

	// ctx ends when the DB closes, stopping health checks in flight;
	// closed, under mu, keeps new ones from starting then.
	ctx    context.Context
	cancel context.CancelFunc
	probes sync.WaitGroup
	mu     sync.Mutex
	closed bool
}

// replica is one read replica.
type replica struct {
	db   *DB
	name string

	up atomic.Bool
	// probing is set while a health check runs.
	probing atomic.Bool
	// checked is when the last health check ended, in Unix nanoseconds.
	checked atomic.Int64
	// lag is the replication lag the last check measured.
	lag atomic.Int64

	mu sync.Mutex
	// retryAt is when a replica that is down is checked next; wait is
	// the wait after the next failed check.
	retryAt time.Time
	wait    time.Duration
	// lastErr says why the replica was taken out, for ReplicaStats.
	lastErr string

	reads, failures, downs atomic.Int64
}

// ReplicaStats is a snapshot of one read replica's state and counters.
type ReplicaStats struct {
	// Name is the replica's address, "host:port", as QueryEvent.Pool
	// names it after "replica ".
	Name string
	// Healthy is set while reads may go to the replica.
	Healthy bool
	// Lag is the replication lag its last health check measured; zero
	// when it has replayed all it received, or before any check.
	Lag time.Duration
	// Reads counts the statements and batches sent to it.
	Reads int64
	// Failures counts the reads that failed on it and ran again on the
	// primary.
	Failures int64
	// Downs counts how often it was taken out.
	Downs int64
	// LastError says why it was last taken out (a connection error, or
	// too much lag), with no password; empty when it never was.
	LastError string
	// Pool is a snapshot of its pool's counters.
	Pool PoolStats
}

// openReplicas opens a pool per replica URL with the primary's settings
// and checks each replica once, all at the same time, within the health
// timeout. A replica that cannot be reached is taken out, not an error:
// reads go to the others or to the primary until it comes back.
func openReplicas(ctx context.Context, cfg Config, primary *DB) *replicaSet {
	rs := &replicaSet{
		policy:       cfg.ReplicaPolicy,
		ryw:          cfg.ReadYourWrites,
		maxLag:       cfg.MaxReplicaLag,
		retry:        cfg.ReplicaRetry,
		probeTimeout: primary.healthTimeout,
	}
	if rs.policy == "" {
		rs.policy = ReplicaRoundRobin
	}
	if rs.retry <= 0 {
		rs.retry = DefaultReplicaRetry
	}
	rs.ctx, rs.cancel = context.WithCancel(context.WithoutCancel(ctx))
	for _, u := range cfg.ReplicaURLs {
		r := &replica{wait: rs.retry}
		r.name = replicaName(u)
		db, pc, err := newDB(cfg, u, "replica "+r.name, primary)
		if err == nil {
			db.secrets = secretsOf(u, pc)
			// NewWithConfig connects lazily (unless MinConns asks for
			// connections, which it makes in the background).
			db.pool, err = pgxpool.NewWithConfig(rs.ctx, pc)
		}
		if err != nil {
			// Validate parsed the URL; nothing else fails here.
			continue
		}
		r.db = db
		rs.members = append(rs.members, r)
	}
	var wg sync.WaitGroup
	for _, r := range rs.members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs.check(ctx, r)
		}()
	}
	wg.Wait()
	return rs
}

// replicaName returns "host:port" of a connection string.
func replicaName(dsn string) string {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return "?"
	}
	return net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
}

// close stops the health checks and closes the replicas' pools.
func (rs *replicaSet) close() {
	rs.mu.Lock()
	rs.closed = true
	rs.mu.Unlock()
	rs.cancel()
	rs.probes.Wait()
	for _, r := range rs.members {
		r.db.pool.Close()
	}
}

// session returns the context's session when sessions are on.
func (rs *replicaSet) session(ctx context.Context) *Session {
	if rs.ryw <= 0 {
		return nil
	}
	return SessionFrom(ctx)
}

// writer returns the session to record a write of sql on, or nil when
// sql is marked replica=ok or there is no session.
func (rs *replicaSet) writer(ctx context.Context, sql string) *Session {
	if rs.ryw <= 0 {
		return nil
	}
	s := SessionFrom(ctx)
	if s == nil || ParseOperation(sql).ReplicaOK {
		return nil
	}
	return s
}

// route returns the replica to run a read on, or nil for the primary:
// when the context says Primary, its session wrote within the
// read-your-writes window, or no replica is healthy.
func (rs *replicaSet) route(ctx context.Context) *replica {
	if isPrimary(ctx) {
		return nil
	}
	if s := rs.session(ctx); s != nil && s.recent(rs.ryw) {
		return nil
	}
	return rs.pick()
}

// pick returns a healthy replica by the policy, or nil. Replicas that
// are due a health check get one in the background.
func (rs *replicaSet) pick() *replica {
	n := uint64(len(rs.members))
	if n == 0 {
		return nil
	}
	now := time.Now()
	start := rs.next.Add(1)
	var best *replica
	var bestBusy int32
	for i := uint64(0); i < n; i++ {
		r := rs.members[(start+i)%n]
		if !rs.usable(r, now) {
			continue
		}
		if rs.policy != ReplicaLeastBusy {
			return r
		}
		busy := r.db.pool.Stat().AcquiredConns()
		if best == nil || busy < bestBusy {
			best, bestBusy = r, busy
		}
	}
	return best
}

// usable reports whether r may take a read now, starting a health check
// when one is due: for a replica that is down, once its wait has passed;
// for a healthy one, every retry period when lag is bounded.
func (rs *replicaSet) usable(r *replica, now time.Time) bool {
	if !r.up.Load() {
		r.mu.Lock()
		due := !now.Before(r.retryAt)
		r.mu.Unlock()
		if due {
			rs.checkLater(r)
		}
		return false
	}
	if rs.maxLag > 0 && now.Sub(time.Unix(0, r.checked.Load())) >= rs.retry {
		rs.checkLater(r)
	}
	return true
}

// checkLater starts a health check of r in the background, unless one
// runs already or the DB is closing.
func (rs *replicaSet) checkLater(r *replica) {
	if !r.probing.CompareAndSwap(false, true) {
		return
	}
	rs.mu.Lock()
	if rs.closed {
		rs.mu.Unlock()
		r.probing.Store(false)
		return
	}
	rs.probes.Add(1)
	rs.mu.Unlock()
	go func() {
		defer rs.probes.Done()
		defer r.probing.Store(false)
		rs.check(rs.ctx, r)
	}()
}

// probeSQL is a replica's health check: whether it is a standby, and how
// far its replay is behind: zero when it has replayed everything it
// received (so that an idle primary does not look like lag), else the
// age of the last transaction it replayed, or, when it has replayed none
// since it started, the time since then. A server that is not in
// recovery (a promoted standby) has no lag.
const probeSQL = `SELECT pg_is_in_recovery(),
  CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
       ELSE extract(epoch FROM now() - coalesce(pg_last_xact_replay_timestamp(), pg_postmaster_start_time())) END::float8`

// check runs a health check of r and takes it in or out.
func (rs *replicaSet) check(ctx context.Context, r *replica) {
	ctx, cancel := context.WithTimeout(ctx, rs.probeTimeout)
	defer cancel()
	var inRecovery bool
	var lagSeconds float64
	err := r.probe(ctx, &inRecovery, &lagSeconds)
	r.checked.Store(time.Now().UnixNano())
	if err != nil {
		if rs.ctx.Err() == nil {
			rs.takeOut(r, r.db.secrets.mask(Wrap(err, "runtime.ReplicaCheck", "").Error()))
		}
		return
	}
	lag := time.Duration(lagSeconds * float64(time.Second))
	r.lag.Store(int64(lag))
	if rs.maxLag > 0 && lag > rs.maxLag {
		rs.takeOut(r, "replication lag "+lag.Round(time.Millisecond).String()+" exceeds MaxReplicaLag ("+rs.maxLag.String()+")")
		return
	}
	r.mu.Lock()
	r.wait = rs.retry
	r.mu.Unlock()
	r.up.Store(true)
}

// probe runs probeSQL on a pooled connection, below the observers.
// Connections lost while idle are replaced, as in DB.Health.
func (r *replica) probe(ctx context.Context, inRecovery *bool, lag *float64) error {
	var err error
	for range maxHealthAttempts {
		c, aerr := r.db.pool.Acquire(ctx)
		if aerr != nil {
			return aerr
		}
		conn := c.Conn().PgConn()
		res := conn.ExecParams(ctx, probeSQL, nil, nil, nil, nil).Read()
		err = res.Err
		if err == nil {
			if len(res.Rows) != 1 || len(res.Rows[0]) != 2 {
				c.Release()
				return errors.New("unexpected health check result")
			}
			*inRecovery = string(res.Rows[0][0]) == "t"
			*lag, err = strconv.ParseFloat(string(res.Rows[0][1]), 64)
			c.Release()
			return err
		}
		if !conn.IsClosed() || ctx.Err() != nil {
			c.Release()
			return err
		}
		c.Release()
	}
	return err
}

// takeOut marks r down and closes its connections; its next check is
// due after its wait, which doubles, up to MaxReplicaRetry.
func (rs *replicaSet) takeOut(r *replica, reason string) {
	r.mu.Lock()
	r.retryAt = time.Now().Add(r.wait)
	r.wait = min(2*r.wait, max(MaxReplicaRetry, rs.retry))
	r.lastErr = reason
	r.mu.Unlock()
	if r.up.CompareAndSwap(true, false) {
		r.downs.Add(1)
		// Connections to a replica that went away are all dead; new ones
		// are made when it is back.
		r.db.pool.Reset()
	}
}

// fallback reports whether a read that failed on r with err runs again
// on the primary: after a connection failure, which takes r out, and
// after a conflict with recovery (SQLSTATE 40001 on a standby: the
// replay needed what the query read), which leaves it in.
func (rs *replicaSet) fallback(r *replica, err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	switch {
	case KindOf(err) == KindConnection:
		rs.takeOut(r, r.db.secrets.mask(Wrap(err, "", "").Error()))
	case errors.As(err, &pgErr) && pgErr.Code == "40001":
	default:
		return false
	}
	r.failures.Add(1)
	rs.fallbacks.Add(1)
	return true
}

// stats returns a snapshot of every replica.
func (rs *replicaSet) stats() []ReplicaStats {
	out := make([]ReplicaStats, len(rs.members))
	for i, r := range rs.members {
		r.mu.Lock()
		lastErr := r.lastErr
		r.mu.Unlock()
		ps := r.db.pool.Stat()
		out[i] = ReplicaStats{
			Name:      r.name,
			Healthy:   r.up.Load(),
			Lag:       time.Duration(r.lag.Load()),
			Reads:     r.reads.Load(),
			Failures:  r.failures.Load(),
			Downs:     r.downs.Load(),
			LastError: lastErr,
			Pool: PoolStats{
				AcquireCount:            ps.AcquireCount(),
				AcquireDuration:         ps.AcquireDuration(),
				AcquiredConns:           ps.AcquiredConns(),
				CanceledAcquireCount:    ps.CanceledAcquireCount(),
				ConstructingConns:       ps.ConstructingConns(),
				EmptyAcquireCount:       ps.EmptyAcquireCount(),
				EmptyAcquireWaitTime:    ps.EmptyAcquireWaitTime(),
				IdleConns:               ps.IdleConns(),
				MaxConns:                ps.MaxConns(),
				TotalConns:              ps.TotalConns(),
				NewConnsCount:           ps.NewConnsCount(),
				MaxLifetimeDestroyCount: ps.MaxLifetimeDestroyCount(),
				MaxIdleDestroyCount:     ps.MaxIdleDestroyCount(),
			},
		}
	}
	return out
}

// query runs a Query: on a replica when sql is marked replica=ok and
// route allows, else on the primary.
func (rs *replicaSet) query(ctx context.Context, db *DB, sql string, args []any) (pgx.Rows, error) {
	op := ParseOperation(sql)
	if !op.ReplicaOK {
		if s := rs.session(ctx); s != nil {
			s.touch()
			rows, err := db.query(ctx, sql, args)
			if err != nil {
				s.touch()
				return rows, err
			}
			return &sessionRows{Rows: rows, session: s}, nil
		}
		return db.query(ctx, sql, args)
	}
	r := rs.route(ctx)
	if r == nil {
		return db.query(ctx, sql, args)
	}
	r.reads.Add(1)
	rows, err := r.db.query(ctx, sql, args)
	if err != nil {
		if rs.fallback(r, err) {
			return db.query(ctx, sql, args)
		}
		return rows, err
	}
	return &fallbackRows{Rows: rows, rs: rs, r: r, db: db, ctx: ctx, sql: sql, args: args}, nil
}

// queryRow runs a QueryRow, routed like query.
func (rs *replicaSet) queryRow(ctx context.Context, db *DB, sql string, args []any) pgx.Row {
	op := ParseOperation(sql)
	if !op.ReplicaOK {
		if s := rs.session(ctx); s != nil {
			s.touch()
			return sessionRow{row: db.queryRow(ctx, sql, args), session: s}
		}
		return db.queryRow(ctx, sql, args)
	}
	r := rs.route(ctx)
	if r == nil {
		return db.queryRow(ctx, sql, args)
	}
	r.reads.Add(1)
	return &fallbackRow{row: r.db.queryRow(ctx, sql, args), rs: rs, r: r, db: db, ctx: ctx, sql: sql, args: args}
}

// sendBatch sends a batch, to a replica when every statement in it is
// marked replica=ok and route allows, else to the primary.
func (rs *replicaSet) sendBatch(ctx context.Context, db *DB, b *pgx.Batch) pgx.BatchResults {
	readOnly := len(b.QueuedQueries) > 0
	for _, q := range b.QueuedQueries {
		if !ParseOperation(q.SQL).ReplicaOK {
			readOnly = false
			break
		}
	}
	if !readOnly {
		if s := rs.session(ctx); s != nil {
			s.touch()
			return &sessionBatch{BatchResults: db.sendBatch(ctx, b), session: s}
		}
		return db.sendBatch(ctx, b)
	}
	r := rs.route(ctx)
	if r == nil {
		return db.sendBatch(ctx, b)
	}
	r.reads.Add(1)
	return &fallbackBatch{BatchResults: r.db.sendBatch(ctx, b), rs: rs, r: r, db: db, ctx: ctx, b: b}
}

// fallbackRows are the rows of a read sent to a replica. When the read
// fails there before its first row (the replica went away while the
// statement was on its way), it runs again on the primary: the caller
// sees the primary's rows and no error.
type fallbackRows struct {
	pgx.Rows
	rs   *replicaSet
	r    *replica // nil once a row was read or the read moved
	db   *DB
	ctx  context.Context
	sql  string
	args []any
}

func (f *fallbackRows) Next() bool {
	if f.Rows.Next() {
		f.r = nil
		return true
	}
	if f.r == nil {
		return false
	}
	r := f.r
	f.r = nil
	if !f.rs.fallback(r, f.Rows.Err()) {
		return false
	}
	f.Rows.Close()
	rows, err := f.db.query(f.ctx, f.sql, f.args)
	if err != nil {
		f.Rows = errRows{err: err}
		return false
	}
	f.Rows = rows
	return f.Rows.Next()
}

// fallbackRow is the row of a read sent to a replica; a Scan that fails
// there with a connection error runs the read again on the primary.
type fallbackRow struct {
	row  pgx.Row
	rs   *replicaSet
	r    *replica
	db   *DB
	ctx  context.Context
	sql  string
	args []any
}

func (f *fallbackRow) Scan(dest ...any) error {
	err := f.row.Scan(dest...)
	if err != nil && f.rs.fallback(f.r, err) {
		return f.db.queryRow(f.ctx, f.sql, f.args).Scan(dest...)
	}
	return err
}

// fallbackBatch is the results of a batch sent to a replica. When its
// first result fails there with a connection error, the batch is sent
// again to the primary, whose results the caller then reads.
type fallbackBatch struct {
	pgx.BatchResults
	rs  *replicaSet
	r   *replica // nil once a result was read or the batch moved
	db  *DB
	ctx context.Context
	b   *pgx.Batch
}

// moved reports whether err, the first result's error, moved the batch
// to the primary.
func (f *fallbackBatch) moved(err error) bool {
	r := f.r
	f.r = nil
	if r == nil || !f.rs.fallback(r, err) {
		return false
	}
	_ = f.BatchResults.Close()
	f.BatchResults = f.db.sendBatch(f.ctx, resend(f.b))
	return true
}

// resend returns a copy of b to send again: pgx keeps what it prepared
// for a statement on the connection it sent it on in the queued query,
// so a batch must only be sent once.
func resend(b *pgx.Batch) *pgx.Batch {
	out := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, len(b.QueuedQueries))}
	for i, q := range b.QueuedQueries {
		out.QueuedQueries[i] = &pgx.QueuedQuery{SQL: q.SQL, Arguments: q.Arguments, Fn: q.Fn}
	}
	return out
}

func (f *fallbackBatch) Exec() (pgconn.CommandTag, error) {
	return readResult(f, pgx.BatchResults.Exec)
}

func (f *fallbackBatch) Query() (pgx.Rows, error) {
	return readResult(f, pgx.BatchResults.Query)
}

// readResult reads the batch's next result with read; when the first
// result's failure moves the batch to the primary, it reads the first
// result there instead.
func readResult[T any](f *fallbackBatch, read func(pgx.BatchResults) (T, error)) (T, error) {
	v, err := read(f.BatchResults)
	if err != nil && f.moved(err) {
		return read(f.BatchResults)
	}
	f.r = nil
	return v, err
}

func (f *fallbackBatch) QueryRow() pgx.Row {
	if f.r == nil {
		return f.BatchResults.QueryRow()
	}
	return &fallbackBatchRow{f: f, row: f.BatchResults.QueryRow()}
}

// fallbackBatchRow is the first row of a fallbackBatch.
type fallbackBatchRow struct {
	f   *fallbackBatch
	row pgx.Row
}

func (r *fallbackBatchRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if err != nil && r.f.moved(err) {
		return r.f.BatchResults.QueryRow().Scan(dest...)
	}
	r.f.r = nil
	return err
}

// sessionRows record a write on their session when closed.
type sessionRows struct {
	pgx.Rows
	session *Session
}

func (r *sessionRows) Close() {
	r.Rows.Close()
	r.session.touch()
}

func (r *sessionRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.session.touch()
	return false
}

// sessionRow records a write on its session after Scan.
type sessionRow struct {
	row     pgx.Row
	session *Session
}

func (r sessionRow) Scan(dest ...any) error {
	defer r.session.touch()
	return r.row.Scan(dest...)
}

// sessionBatch records a write on its session when closed.
type sessionBatch struct {
	pgx.BatchResults
	session *Session
}

func (b *sessionBatch) Close() error {
	err := b.BatchResults.Close()
	b.session.touch()
	return err
}
