package migrate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/runtime"
)

// Defaults of Options and BackfillSpec.
const (
	// DefaultLockTimeout is the lock_timeout of every statement the runner
	// applies, unless Options.LockTimeout or a file's directive says
	// otherwise.
	DefaultLockTimeout = 5 * time.Second
	// DefaultLockAttempts is how many times a statement that could not
	// get its lock in time is tried.
	DefaultLockAttempts = 5
	// DefaultLockBackoff is the wait before the second attempt; it
	// doubles for each further one, up to maxLockBackoff.
	DefaultLockBackoff = time.Second
	// DefaultClaimTimeout is how long the owner of a claim may show no
	// sign of life before another deployer takes the claim over.
	DefaultClaimTimeout = time.Minute
)

const maxLockBackoff = 30 * time.Second

// lockPolicy is how long statements wait for locks and how often they
// are retried.
type lockPolicy struct {
	timeout  time.Duration // <= 0: no lock_timeout
	attempts int
	backoff  time.Duration
}

func newLockPolicy(timeout time.Duration, attempts int, backoff time.Duration) lockPolicy {
	if timeout == 0 {
		timeout = DefaultLockTimeout
	}
	if attempts <= 0 {
		attempts = DefaultLockAttempts
	}
	if backoff <= 0 {
		backoff = DefaultLockBackoff
	}
	return lockPolicy{timeout: timeout, attempts: attempts, backoff: backoff}
}

// with returns the policy with a file's or directive's lock timeout (0:
// unchanged, negative: off).
func (p lockPolicy) with(timeout time.Duration) lockPolicy {
	if timeout != 0 {
		p.timeout = timeout
	}
	return p
}

// setLocal is the statement that gives a transaction the policy's
// lock_timeout.
func (p lockPolicy) setLocal() string {
	return "SET LOCAL lock_timeout = '" + strconv.FormatInt(max(p.timeout.Milliseconds(), 1), 10) + "ms'"
}

// wait sleeps before attempt+1: the backoff doubled attempt-1 times, at
// most maxLockBackoff, between half and all of it (so that deployers that
// failed together do not retry together).
func (p lockPolicy) wait(ctx context.Context, attempt int) error {
	d := p.backoff
	for i := 1; i < attempt && d < maxLockBackoff; i++ {
		d *= 2
	}
	d = min(d, maxLockBackoff)
	d = d/2 + rand.N(d/2+1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// lockFailure reports whether err is a statement that gave up waiting for
// a lock (55P03: lock_timeout, NOWAIT) or was chosen as a deadlock victim
// (40P01). Either way its transaction was rolled back and may be run
// again.
func lockFailure(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "55P03" || pgErr.Code == "40P01")
}

// BlockingSession is a database session that held a lock a migration
// statement waited for, as pg_stat_activity showed it while the statement
// waited. Without the pg_read_all_stats role, sessions of other roles
// show their pid, user and application name, not their state, times or
// query.
type BlockingSession struct {
	PID             int
	ApplicationName string
	User            string
	// State is pg_stat_activity.state: "idle in transaction", "active", …
	State string
	// Transaction is how long the session's transaction had been open (0
	// when it had none); InState how long it had been in State.
	Transaction time.Duration
	InState     time.Duration
	// WaitEvent is what the session itself waited for, as
	// "type:event" ("Lock:relation" for a chain of waits), or "" when it
	// waited for its client.
	WaitEvent string
	// Query is its current or last statement, with the contents of
	// string constants replaced by "…" and cut to 300 bytes.
	Query string
}

// String describes the session in one line.
func (b BlockingSession) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "pid %d", b.PID)
	var attrs []string
	if b.ApplicationName != "" {
		attrs = append(attrs, fmt.Sprintf("application_name %q", b.ApplicationName))
	}
	if b.User != "" {
		attrs = append(attrs, "user "+b.User)
	}
	if b.State != "" {
		attrs = append(attrs, fmt.Sprintf("%s for %s", b.State, roundDuration(b.InState)))
	}
	if b.Transaction > 0 {
		attrs = append(attrs, "transaction open "+roundDuration(b.Transaction).String())
	}
	if b.WaitEvent != "" {
		attrs = append(attrs, "itself waiting on "+b.WaitEvent)
	}
	if len(attrs) > 0 {
		s.WriteString(" (" + strings.Join(attrs, ", ") + ")")
	}
	if b.Query != "" {
		s.WriteString(": " + oneLine(b.Query))
	}
	return s.String()
}

func roundDuration(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// LockTimeoutError reports a migration statement, or a backfill batch,
// that could not get a lock within the lock timeout on any of its
// attempts. Nothing of the statement persists (of a transactional file,
// nothing of the file). It names the sessions that held the lock.
//
// errors.Is(err, runtime.ErrTimeout) is true, and it wraps the
// *StatementError of the last attempt.
type LockTimeoutError struct {
	// File and Line locate the statement; Statement is its first line.
	// For a Backfill called from Go, File is "" and Statement names the
	// backfill.
	File      string
	Line      int
	Statement string
	// Attempts is how many times it was tried; LockTimeout how long each
	// attempt could wait for one lock.
	Attempts    int
	LockTimeout time.Duration
	// Blockers are the sessions holding (or queued before it for) the
	// lock, seen while the last attempt waited.
	Blockers []BlockingSession
	// Guessed is set when the wait could not be watched (Conn is a single
	// *pgx.Conn, or the wait was shorter than a sample): Blockers then
	// lists the sessions whose transactions began before the wait, the
	// likely holders.
	Guessed bool
	// Err is the error of the last attempt.
	Err error
}

// Error names the statement, the bound and the blocking sessions, and
// says what to do.
func (e *LockTimeoutError) Error() string {
	var b strings.Builder
	b.WriteString("migrate: ")
	if e.File != "" {
		fmt.Fprintf(&b, "%s:%d: statement (%s)", e.File, e.Line, e.Statement)
	} else {
		b.WriteString(e.Statement)
	}
	fmt.Fprintf(&b, " could not get its lock within lock_timeout %s in %d attempt", e.LockTimeout, e.Attempts)
	if e.Attempts != 1 {
		b.WriteString("s")
	}
	switch {
	case len(e.Blockers) == 0:
		b.WriteString("; no blocking session was seen (look at pg_locks and pg_stat_activity while it waits)")
	default:
		if e.Guessed {
			b.WriteString("; the likely blockers, sessions whose transactions are older than the wait: ")
		} else {
			b.WriteString("; blocked by ")
		}
		for i, s := range e.Blockers {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(s.String())
		}
		fmt.Fprintf(&b, "; end that transaction or cancel it (SELECT pg_terminate_backend(%d)) and run again", e.Blockers[0].PID)
	}
	b.WriteString(", or raise the lock timeout (Options.LockTimeout, or a " + LockTimeoutDirective + " line in the file)")
	return b.String()
}

// Unwrap returns the error of the last attempt.
func (e *LockTimeoutError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, runtime.ErrTimeout) true.
func (e *LockTimeoutError) Is(target error) bool { return target == runtime.ErrTimeout }

// watchTarget says which backend a lockWatch looks at: by pid (a
// transaction, which stays on one connection) or by the tag its
// statement starts with (a statement outside a transaction, whose
// connection is not known in advance, behind a pooler least of all).
type watchTarget struct {
	pid int
	tag string
}

// lockWatch samples, on a second connection, whether a migration
// statement waits for a lock and which sessions block it. With enforce
// set it also cancels the statement once it has waited the timeout: the
// lock_timeout of a statement that runs outside a transaction, where a
// session setting could leak to other clients through a pooler.
type lockWatch struct {
	stopWatch context.CancelFunc
	done      chan struct{}

	mu       sync.Mutex
	blockers []BlockingSession
	canceled bool
}

// sampleInterval is how often a watch looks: a tenth of the timeout,
// between 10ms and 250ms.
func sampleInterval(timeout time.Duration) time.Duration {
	return min(max(timeout/10, 10*time.Millisecond), 250*time.Millisecond)
}

const blockerColumns = `coalesce(b.pid, 0), coalesce(b.application_name, ''), coalesce(b.usename::text, ''), coalesce(b.state, ''),
  coalesce(extract(epoch FROM now() - b.xact_start), 0)::float8, coalesce(extract(epoch FROM now() - b.state_change), 0)::float8,
  CASE WHEN b.wait_event_type IN ('Client', 'Activity') THEN '' ELSE coalesce(b.wait_event_type || ':' || b.wait_event, '') END, coalesce(b.query, '')`

// watchQuery returns the sampling query: one row per blocker of the
// watched backend (or one row with pid 0 when it waits for nothing).
func watchQuery(t watchTarget) (string, any) {
	const q = `SELECT w.pid, w.wait_event_type IS NOT DISTINCT FROM 'Lock', ` + blockerColumns + `
FROM pg_stat_activity w
LEFT JOIN LATERAL unnest(CASE WHEN w.wait_event_type = 'Lock' THEN pg_blocking_pids(w.pid) END) AS bp(pid) ON true
LEFT JOIN pg_stat_activity b ON b.pid = bp.pid
WHERE `
	if t.tag != "" {
		return q + `starts_with(w.query, $1) AND w.state = 'active' AND w.pid <> pg_backend_pid()`, t.tag
	}
	return q + `w.pid = $1`, t.pid
}

// startWatch starts watching; stop ends it. A watch never fails the
// migration: a sample that cannot be taken is skipped.
func startWatch(ctx context.Context, db Conn, t watchTarget, timeout time.Duration, enforce bool) *lockWatch {
	wctx, cancel := context.WithCancel(ctx)
	w := &lockWatch{stopWatch: cancel, done: make(chan struct{})}
	go w.run(wctx, db, t, timeout, enforce)
	return w
}

func (w *lockWatch) run(ctx context.Context, db Conn, t watchTarget, timeout time.Duration, enforce bool) {
	defer close(w.done)
	iv := sampleInterval(timeout)
	tick := time.NewTicker(iv)
	defer tick.Stop()
	q, arg := watchQuery(t)
	var since time.Time // when the statement was first seen waiting
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		pid, waiting, blockers, err := sample(ctx, db, q, arg)
		if err != nil || pid == 0 {
			continue
		}
		if !waiting {
			since = time.Time{}
			continue
		}
		now := time.Now()
		if since.IsZero() {
			since = now
		}
		if len(blockers) > 0 {
			w.mu.Lock()
			w.blockers = blockers
			w.mu.Unlock()
		}
		if enforce && now.Sub(since) >= timeout {
			// Cancel only while it still waits, and only that statement.
			// stop must not cut this query short: the statement may fail
			// from the cancel before its reply arrives, and the caller
			// needs to know that the watch canceled it.
			var sent bool
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			err := queryRow(cctx, db, `SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock' AND starts_with(query, $2)`,
				pgx.QueryExecModeSimpleProtocol, pid, t.tag).Scan(&sent)
			cancel()
			if err == nil && sent {
				w.mu.Lock()
				w.canceled = true
				w.mu.Unlock()
			}
			since = time.Time{}
		}
	}
}

// sample runs the watch query once.
func sample(ctx context.Context, db Conn, q string, arg any) (pid int, waiting bool, blockers []BlockingSession, err error) {
	sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	rows, err := db.Query(sctx, q, pgx.QueryExecModeSimpleProtocol, arg)
	if err != nil {
		return 0, false, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var b BlockingSession
		var xact, inState float64
		if err := rows.Scan(&pid, &waiting, &b.PID, &b.ApplicationName, &b.User, &b.State, &xact, &inState, &b.WaitEvent, &b.Query); err != nil {
			return 0, false, nil, err
		}
		if b.PID != 0 {
			b.Transaction = time.Duration(xact * float64(time.Second))
			b.InState = time.Duration(inState * float64(time.Second))
			b.Query = cutQuery(b.Query)
			blockers = append(blockers, b)
		}
	}
	return pid, waiting, blockers, rows.Err()
}

// cutQuery masks a query's constants and cuts it to 300 bytes.
func cutQuery(q string) string {
	q = maskLiterals(q)
	if len(q) > 300 {
		cut := 297
		for cut > 0 && q[cut]&0xC0 == 0x80 {
			cut--
		}
		q = q[:cut] + "…"
	}
	return q
}

// stop ends the watch and returns the last blockers seen and whether it
// canceled the statement. It is safe on a nil watch.
func (w *lockWatch) stop() ([]BlockingSession, bool) {
	if w == nil {
		return nil, false
	}
	w.stopWatch()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.blockers, w.canceled
}

// guessBlockers lists, after the fact, the sessions whose transactions
// began more than timeout ago: the likely holders of the lock a statement
// waited for, when the wait could not be watched. Sessions waiting for
// the runner's advisory lock are left out.
func guessBlockers(ctx context.Context, db Conn, timeout time.Duration) []BlockingSession {
	gctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	rows, err := db.Query(gctx, `SELECT 0, false, `+blockerColumns+`
FROM pg_stat_activity b
WHERE b.pid <> pg_backend_pid() AND b.datname = current_database() AND b.backend_type = 'client backend'
  AND b.xact_start < now() - $1::float8 * interval '1 second'
  AND NOT (b.wait_event_type IS NOT DISTINCT FROM 'Lock' AND b.wait_event IS NOT DISTINCT FROM 'advisory')
ORDER BY b.xact_start LIMIT 5`, pgx.QueryExecModeSimpleProtocol, timeout.Seconds())
	if err != nil {
		return nil
	}
	defer rows.Close()
	var out []BlockingSession
	for rows.Next() {
		var b BlockingSession
		var pid int
		var waiting bool
		var xact, inState float64
		if rows.Scan(&pid, &waiting, &b.PID, &b.ApplicationName, &b.User, &b.State, &xact, &inState, &b.WaitEvent, &b.Query) != nil {
			return out
		}
		b.Transaction = time.Duration(xact * float64(time.Second))
		b.InState = time.Duration(inState * float64(time.Second))
		b.Query = cutQuery(b.Query)
		out = append(out, b)
	}
	return out
}

// canWatch reports whether db can run a second query while a statement
// runs: a pool can, a single connection cannot.
func canWatch(db Conn) bool {
	_, single := db.(*pgx.Conn)
	return !single
}

// txRun is a transaction run under a lock policy: each attempt opens a
// transaction with begin, runs before, sets the lock timeout (and starts
// a watch for the blockers), then runs body. An attempt that fails for
// want of a lock is rolled back whole and run again after a backoff, up
// to the policy's attempts.
type txRun struct {
	db         Conn
	pol        lockPolicy
	concurrent bool
	begin      func(ctx context.Context, fn func(tx pgx.Tx) error) error
	before     func(tx pgx.Tx) error
	body       func(tx pgx.Tx) error
	// onRetry is called before each attempt after the first.
	onRetry func(attempt int, err error, blockers []BlockingSession)
}

// run returns the retries made, the blockers last seen and the error of
// the last attempt; exhausted is set when that error is a lock failure
// and no attempt is left.
func (r txRun) run(ctx context.Context) (retries int, blockers []BlockingSession, exhausted bool, err error) {
	for attempt := 1; ; attempt++ {
		var w *lockWatch
		err = r.begin(ctx, func(tx pgx.Tx) error {
			if r.before != nil {
				if err := r.before(tx); err != nil {
					return err
				}
			}
			if r.pol.timeout > 0 {
				if _, err := tx.Exec(ctx, r.pol.setLocal()); err != nil {
					return dbError("set lock_timeout", err)
				}
				if r.concurrent {
					var pid int
					if err := tx.QueryRow(ctx, `SELECT pg_backend_pid()`, pgx.QueryExecModeSimpleProtocol).Scan(&pid); err != nil {
						return dbError("read the backend pid", err)
					}
					w = startWatch(ctx, r.db, watchTarget{pid: pid}, r.pol.timeout, false)
				}
			}
			err := r.body(tx)
			if seen, _ := w.stop(); len(seen) > 0 {
				blockers = seen
			}
			return err
		})
		w.stop()
		if err == nil || !lockFailure(err) || ctx.Err() != nil {
			return retries, blockers, false, err
		}
		if attempt >= r.pol.attempts {
			return retries, blockers, true, err
		}
		retries++
		if r.onRetry != nil {
			r.onRetry(attempt, err, blockers)
		}
		if werr := r.pol.wait(ctx, attempt); werr != nil {
			return retries, blockers, false, &stoppedError{werr}
		}
	}
}

// plainTx runs fn in a transaction of db, without the runner's lock.
func plainTx(db Conn) func(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return func(ctx context.Context, fn func(tx pgx.Tx) error) error {
		return runTx(ctx, db, fn)
	}
}

// runTx runs fn in a transaction of db, committed when fn succeeds and
// rolled back otherwise; the rollback gets 10 s even when ctx has ended.
func runTx(ctx context.Context, db Conn, fn func(tx pgx.Tx) error) (err error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			_ = tx.Rollback(rctx)
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// stoppedError is the context's error while a txRun waited to retry.
type stoppedError struct{ err error }

func (e *stoppedError) Error() string {
	return "stopped while waiting to retry after a lock timeout: " + e.err.Error()
}

func (e *stoppedError) Unwrap() error { return e.err }
