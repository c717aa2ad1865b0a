package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// logRecorder is a slog.Handler that keeps each record as one line and
// passes it on to a channel, for tests that wait for a retry.
type logRecorder struct {
	mu    sync.Mutex
	lines []string
	ch    chan string
}

func newLogRecorder() *logRecorder { return &logRecorder{ch: make(chan string, 100)} }

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *logRecorder) WithGroup(string) slog.Handler            { return r }
func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	b.WriteString(rec.Message)
	rec.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	r.mu.Lock()
	r.lines = append(r.lines, b.String())
	r.mu.Unlock()
	select {
	case r.ch <- b.String():
	default:
	}
	return nil
}

func (r *logRecorder) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines, "\n")
}

// waitFor returns the first message of the recorder containing want.
func (r *logRecorder) waitFor(t *testing.T, want string) string {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case line := <-r.ch:
			if strings.Contains(line, want) {
				return line
			}
		case <-deadline:
			t.Fatalf("no log record with %q; got:\n%s", want, r.all())
		}
	}
}

// blocker is a session holding locks in an open transaction, as an
// application's long transaction would.
type blocker struct {
	conn *pgx.Conn
	pid  int
}

// block opens a session named blocker-test, begins a transaction and
// runs stmts in it; the last one is what pg_stat_activity shows.
func block(t *testing.T, url string, stmts ...string) *blocker {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	b := &blocker{conn: conn}
	if _, err := conn.Exec(ctx, "BEGIN; SET LOCAL application_name = 'blocker-test'"); err != nil {
		t.Fatal(err)
	}
	// The server's pid, read in the transaction: behind a pooler, the
	// connection's own PID is the pooler's.
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()", pgx.QueryExecModeSimpleProtocol).Scan(&b.pid); err != nil {
		t.Fatal(err)
	}
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("blocker: %s: %v", s, err)
		}
	}
	return b
}

func (b *blocker) release(t *testing.T) {
	t.Helper()
	if _, err := b.conn.Exec(context.Background(), "COMMIT"); err != nil {
		t.Fatal(err)
	}
}

// newPool opens a pool on url, closed when t ends.
// heldIndexBuild sets up a concurrent index build that has to wait: a
// fresh database with a table orders of n rows, a writer's transaction
// that inserted one more and stays open, and the migration directory
// that builds orders_status_idx concurrently.
func heldIndexBuild(t *testing.T, n int) (*pgxpool.Pool, *blocker, fstest.MapFS) {
	t.Helper()
	url := pgtest.URL(t)
	pool := newPool(t, url)
	mustExec(t, pool, fmt.Sprintf(`CREATE TABLE orders (id int PRIMARY KEY, status text); INSERT INTO orders SELECT g, 'new' FROM generate_series(1, %d) g`, n))
	b := block(t, url, "INSERT INTO orders VALUES (0, 'held')")
	return pool, b, fstest.MapFS{"000001_idx.up.sql": file("CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\n")}
}

func newPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// waitUntil polls cond until it is true; it fails the test after a
// minute, which only a broken runner takes.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func mustExec(t *testing.T, db interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, sql string, args ...any) {
	t.Helper()
	if _, err := db.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func columnExists(t *testing.T, pool *pgxpool.Pool, table, column string) bool {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM information_schema.columns WHERE table_name = $1 AND column_name = $2`, table, column).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// TestLockTimeoutRetried: a migration that needs an ACCESS EXCLUSIVE lock
// while an application transaction reads the table times out, rolls
// back, and succeeds on a later attempt once that transaction ends.
func TestLockTimeoutRetried(t *testing.T) {
	url := pgtest.URL(t)
	pool := newPool(t, url)
	ctx := context.Background()
	mustExec(t, pool, `CREATE TABLE accounts (id int PRIMARY KEY, note text); INSERT INTO accounts VALUES (1, 'a')`)
	b := block(t, url, "SELECT count(*) FROM accounts")

	rec := newLogRecorder()
	fsys := fstest.MapFS{"000001_col.up.sql": file("ALTER TABLE accounts ADD COLUMN flag boolean;\nALTER TABLE accounts ADD COLUMN score int;\n")}
	m := mustNew(t, pool, fsys, migrate.Options{LockTimeout: 100 * time.Millisecond, LockAttempts: 1000, LockBackoff: 10 * time.Millisecond, Logger: slog.New(rec)})
	type result struct {
		applied []migrate.Applied
		err     error
	}
	done := make(chan result, 1)
	go func() {
		a, err := m.Up(ctx)
		done <- result{a, err}
	}()
	line := rec.waitFor(t, "retrying")
	if !strings.Contains(line, "000001_col.up.sql") || !strings.Contains(line, "sqlstate=55P03") {
		t.Errorf("retry record: %s", line)
	}
	if columnExists(t, pool, "accounts", "flag") {
		t.Fatal("the first statement of the timed-out attempt was not rolled back")
	}
	b.release(t)
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(r.applied) != 1 || r.applied[0].Retries < 1 {
		t.Fatalf("applied %+v, want one migration with retries", r.applied)
	}
	if !columnExists(t, pool, "accounts", "flag") || !columnExists(t, pool, "accounts", "score") {
		t.Fatal("the migration's columns are missing")
	}
	t.Logf("applied after %d retries", r.applied[0].Retries)
}

// TestLockTimeoutReported: when the blocking transaction never ends, the
// migration stops after its attempts with an error naming the blocking
// session's pid, application name, state and query (its constants
// masked), and nothing of the file persists.
func TestLockTimeoutReported(t *testing.T) {
	url := pgtest.URL(t)
	pool := newPool(t, url)
	ctx := context.Background()
	mustExec(t, pool, `CREATE TABLE accounts (id int PRIMARY KEY, note text); INSERT INTO accounts VALUES (1, 'a')`)
	b := block(t, url, "UPDATE accounts SET note = 'b' WHERE id = 1", "SELECT count(*) FROM accounts WHERE note <> 'top-secret-token'")

	fsys := fstest.MapFS{"000001_col.up.sql": file("-- the lock\nALTER TABLE accounts ADD COLUMN flag boolean;\n")}
	m := mustNew(t, pool, fsys, migrate.Options{LockTimeout: 300 * time.Millisecond, LockAttempts: 3, LockBackoff: 10 * time.Millisecond})
	_, err := m.Up(ctx)
	var le *migrate.LockTimeoutError
	if !errors.As(err, &le) {
		t.Fatalf("got %v (%T), want a *LockTimeoutError", err, err)
	}
	if le.Attempts != 3 || le.File != "000001_col.up.sql" || le.Line != 2 {
		t.Errorf("LockTimeoutError %+v", le)
	}
	var found *migrate.BlockingSession
	for i := range le.Blockers {
		if le.Blockers[i].PID == b.pid {
			found = &le.Blockers[i]
		}
	}
	if found == nil {
		t.Fatalf("blockers %+v lack the blocking pid %d", le.Blockers, b.pid)
	}
	if found.ApplicationName != "blocker-test" || found.State != "idle in transaction" || found.Transaction <= 0 {
		t.Errorf("blocker %+v", found)
	}
	msg := err.Error()
	for _, want := range []string{
		"000001_col.up.sql:2", "ALTER TABLE accounts ADD COLUMN flag boolean", "lock_timeout 300ms in 3 attempts",
		fmt.Sprintf("pid %d", b.pid), `application_name "blocker-test"`, "idle in transaction",
		"SELECT count(*) FROM accounts WHERE note <> '…'", fmt.Sprintf("pg_terminate_backend(%d)", b.pid),
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "top-secret-token") {
		t.Errorf("message shows a constant of the blocker's query: %s", msg)
	}
	var se *migrate.StatementError
	var pgErr *pgconn.PgError
	if !errors.As(err, &se) || !errors.As(err, &pgErr) || pgErr.Code != "55P03" || !errors.Is(err, runtime.ErrTimeout) {
		t.Errorf("error does not wrap the statement's 55P03 or match runtime.ErrTimeout: %v", err)
	}
	if columnExists(t, pool, "accounts", "flag") {
		t.Error("the column was added")
	}
	if st, err := m.Status(ctx); err != nil || st[0].Revision != nil {
		t.Errorf("status after the failure: %+v %v", st, err)
	}
	t.Logf("guessed %v; %s", le.Guessed, msg)

	b.release(t)
	if a, err := m.Up(ctx); err != nil || len(a) != 1 {
		t.Fatalf("Up once the blocker ended: %+v %v", a, err)
	}
}

// TestLockTimeoutOutsideTransaction: a statement outside a transaction
// (CREATE INDEX CONCURRENTLY waiting for a writer's transaction) gets the
// same bound through the watch, which cancels it. Its attempts leave an
// invalid index, which each retry drops before building again; after the
// bound the claim keeps the failure, and the next run, once the writer
// is gone, resumes and builds a valid index.
func TestLockTimeoutOutsideTransaction(t *testing.T) {
	pool, b, fsys := heldIndexBuild(t, 1000)
	ctx := context.Background()
	rec := newLogRecorder()
	opts := migrate.Options{LockTimeout: 200 * time.Millisecond, LockAttempts: 3, LockBackoff: 10 * time.Millisecond, Logger: slog.New(rec)}
	m := mustNew(t, pool, fsys, opts)
	if !m.Migrations()[0].Up.NoTransaction {
		t.Fatal("a file of one CREATE INDEX CONCURRENTLY does not run outside a transaction")
	}
	_, err := m.Up(ctx)
	var le *migrate.LockTimeoutError
	if !errors.As(err, &le) {
		t.Fatalf("got %v (%T), want a *LockTimeoutError", err, err)
	}
	if le.Attempts != 3 || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", b.pid)) || !strings.Contains(err.Error(), "the next run resumes at this one") {
		t.Errorf("error: %v", err)
	}
	valid, exists := indexState(t, pool, "orders_status_idx")
	if !exists || valid {
		t.Fatalf("after the timeouts the index exists %v, valid %v; want an invalid one", exists, valid)
	}
	var failed *string
	var done int
	if err := pool.QueryRow(ctx, `SELECT failed, done FROM cpcgen_migrations_claims WHERE version = 1`).Scan(&failed, &done); err != nil || failed == nil || done != 0 {
		t.Fatalf("claim: failed %v, done %d, %v", failed, done, err)
	}

	b.release(t)
	resumeBuilds(t, pool, fsys, opts, "orders_status_idx")
	if !strings.Contains(rec.all(), "dropped an invalid index") {
		t.Errorf("no record of the invalid index dropped:\n%s", rec.all())
	}
}

// TestLockTimeoutSingleConnection: given one *pgx.Conn, the runner cannot
// watch the wait from a second connection; it sets lock_timeout on the
// session around statements outside a transaction (and restores it),
// and names the likely blockers after the fact.
func TestLockTimeoutSingleConnection(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	mustExec(t, conn, `CREATE TABLE orders (id int PRIMARY KEY, status text); SET lock_timeout = '1h'`)
	b := block(t, url, "INSERT INTO orders VALUES (1, 'held')")
	for _, c := range []struct{ name, sql string }{
		{"transaction", "ALTER TABLE orders ADD COLUMN flag boolean;\n"},
		{"no-transaction", "CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{"000001_x.up.sql": file(c.sql)}
			m := mustNew(t, conn, fsys, migrate.Options{Table: "m_" + strings.ReplaceAll(c.name, "-", "_"), LockTimeout: 100 * time.Millisecond, LockAttempts: 2, LockBackoff: 10 * time.Millisecond})
			_, err := m.Up(ctx)
			var le *migrate.LockTimeoutError
			if !errors.As(err, &le) || !le.Guessed || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", b.pid)) {
				t.Fatalf("got %v, want a LockTimeoutError guessing pid %d", err, b.pid)
			}
			if pgtest.CurrentPooler(t) != nil {
				return // behind a transaction pooler, sessions settings do not stay
			}
			var lt string
			if err := conn.QueryRow(ctx, "SHOW lock_timeout").Scan(&lt); err != nil || lt != "1h" {
				t.Errorf("the session's lock_timeout is %q after the run (%v), want 1h", lt, err)
			}
		})
	}
}

// TestLockTimeoutDirectiveOff: a file's "-- cpcgen:lock-timeout off"
// lets its statement wait as long as it takes, where the runner's
// timeout would have stopped it.
func TestLockTimeoutDirectiveOff(t *testing.T) {
	url := pgtest.URL(t)
	pool := newPool(t, url)
	ctx := context.Background()
	mustExec(t, pool, `CREATE TABLE accounts (id int PRIMARY KEY)`)
	b := block(t, url, "SELECT count(*) FROM accounts")
	fsys := fstest.MapFS{"000001_col.up.sql": file("-- cpcgen:lock-timeout off\nALTER TABLE accounts ADD COLUMN flag boolean;\n")}
	m := mustNew(t, pool, fsys, migrate.Options{LockTimeout: 20 * time.Millisecond, LockAttempts: 1})
	done := make(chan error, 1)
	var applied []migrate.Applied
	go func() {
		var err error
		applied, err = m.Up(ctx)
		done <- err
	}()
	// Let it wait 25 times the runner's timeout, seen waiting each time.
	for i := 0; i < 25; i++ {
		waitUntil(t, "the migration waits for its lock", func() bool {
			var n int
			_ = pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'ALTER TABLE accounts%'`).Scan(&n)
			return n == 1
		})
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("the migration ended while the blocker held its lock: %v", err)
	default:
	}
	b.release(t)
	if err := <-done; err != nil || len(applied) != 1 || applied[0].Retries != 0 {
		t.Fatalf("applied %+v, %v", applied, err)
	}
}

// resumeBuilds runs the migrations of fsys again after a run that left
// the index build of one of them unfinished: the run must resume that
// one migration and leave the index valid.
func resumeBuilds(t *testing.T, pool *pgxpool.Pool, fsys fstest.MapFS, opts migrate.Options, index string) {
	t.Helper()
	applied, err := mustNew(t, pool, fsys, opts).Up(context.Background())
	if err != nil || len(applied) != 1 || !applied[0].Resumed {
		t.Fatalf("the next run: %+v %v", applied, err)
	}
	if valid, exists := indexState(t, pool, index); !exists || !valid {
		t.Fatalf("after the next run the index exists %v, valid %v", exists, valid)
	}
}

// indexState reports whether the index exists and is valid.
func indexState(t *testing.T, pool *pgxpool.Pool, name string) (valid, exists bool) {
	t.Helper()
	err := pool.QueryRow(context.Background(), `SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1`, name).Scan(&valid)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return valid, true
}
