package migrate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DefaultTable is the revisions table used when Options.Table is empty.
const DefaultTable = "cpcgen_migrations"

// RunnerTable reports whether name is one of the tables the runner keeps
// beside a schema whose revisions table is table: the revisions, the
// claims of files outside a transaction, the backfills' progress. A
// schema's comparison with its migrations leaves them out.
func RunnerTable(table, name string) bool {
	return name == table || name == table+"_claims" || name == table+"_backfills"
}

// Conn is what the runner needs from a database: *pgxpool.Pool,
// *pgx.Conn and the runtime's *DB satisfy it. Do not pass a pgx.Tx: each
// migration runs in a transaction of its own.
type Conn interface {
	Begin(ctx context.Context) (pgx.Tx, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Options configure a Migrator.
type Options struct {
	// Table is the revisions table; DefaultTable when empty. A second
	// table, Table+"_claims", holds the claims of files that run outside
	// a transaction.
	Table string
	// Format is the directory's layout (FormatGolangMigrate, …); empty
	// detects it.
	Format string
	// OnApply, when set, is called after each migration applied or
	// reverted by this Migrator.
	OnApply func(Applied)
	// PollInterval is how often a caller waiting for another deployer's
	// no-transaction migration checks again; 200ms when zero.
	PollInterval time.Duration

	// LockTimeout bounds how long each statement of a migration waits
	// for one lock (PostgreSQL's lock_timeout), so that a migration stuck
	// behind a long transaction does not queue the application's queries
	// behind it for longer. Zero means DefaultLockTimeout; a negative
	// value turns it off (the server's setting applies). A file's
	// "-- cpcgen:lock-timeout" line overrides it for that file.
	LockTimeout time.Duration
	// LockAttempts is how many times a statement that could not get its
	// lock in time (or lost a deadlock) is tried before the run stops
	// with a *LockTimeoutError: a transactional file is rolled back and
	// run again whole, a statement outside a transaction alone. Zero
	// means DefaultLockAttempts; 1 means no retry.
	LockAttempts int
	// LockBackoff is the wait before the second attempt, doubled for
	// each further one up to 30s, with jitter. Zero means
	// DefaultLockBackoff.
	LockBackoff time.Duration
	// ClaimTimeout is how long the owner of a no-transaction migration's
	// claim may show no sign of life (it refreshes the claim while it
	// runs) before another deployer takes the claim over, provided no
	// statement of the owner still runs on the server. Zero means
	// DefaultClaimTimeout.
	ClaimTimeout time.Duration
	// Logger, when set, receives a record for each retry after a lock
	// timeout, each claim resumed or taken over, each invalid index
	// dropped for a rebuild, and each backfill batch (at debug level).
	Logger *slog.Logger
	// OnBackfill, when set, is called after each batch of a backfill
	// directive this Migrator runs.
	OnBackfill func(BackfillProgress)
}

// Applied describes one migration a Migrator ran.
type Applied struct {
	Version int64
	Name    string
	// File is the file the statements came from.
	File string
	// Down is set when the migration was reverted.
	Down     bool
	Duration time.Duration
	// Retries counts the attempts that could not get a lock in time (or
	// lost a deadlock) and were run again.
	Retries int
	// Resumed is set when this call finished a no-transaction migration
	// an earlier run had started (see doc.go).
	Resumed bool
}

// Revision is one row of the revisions table.
type Revision struct {
	Version   int64
	Name      string
	Checksum  string
	AppliedAt time.Time
	Duration  time.Duration
}

// State is one line of Status: a migration of the directory, a revision
// of the database, or both.
type State struct {
	Version int64
	Name    string
	// Migration is the directory's migration, nil when the database has a
	// revision the directory lacks.
	Migration *Migration
	// Revision is the database's record, nil when not applied.
	Revision *Revision
	// Changed is set when the applied file's checksum differs from the
	// recorded one.
	Changed bool
}

// Migrator applies the migrations of one directory to one database.
type Migrator struct {
	db         Conn
	migrations []*Migration
	opts       Options
	table      string // quoted
	claims     string // quoted
	lockKey    int64
	owner      string
	// tag starts every statement run outside a transaction, so that the
	// watch and other deployers can find it in pg_stat_activity.
	tag        string
	lock       lockPolicy
	concurrent bool
	backfills  string // quoted
}

// New loads the directory (see Load) and returns a Migrator for db. It
// does not touch the database.
func New(db Conn, dir fs.FS, opts Options) (*Migrator, error) {
	if opts.Table == "" {
		opts.Table = DefaultTable
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 200 * time.Millisecond
	}
	if opts.ClaimTimeout <= 0 {
		opts.ClaimTimeout = DefaultClaimTimeout
	}
	ms, err := Load(dir, opts.Format)
	if err != nil {
		return nil, err
	}
	h := fnv.New64a()
	h.Write([]byte("cpcgen/migrate:" + opts.Table))
	host, _ := os.Hostname()
	var nonce [6]byte
	_, _ = rand.Read(nonce[:])
	nonceHex := hex.EncodeToString(nonce[:])
	return &Migrator{
		db:         db,
		migrations: ms,
		opts:       opts,
		table:      quoteIdent(opts.Table),
		claims:     quoteIdent(opts.Table + "_claims"),
		backfills:  quoteIdent(opts.Table + "_backfills"),
		lockKey:    int64(h.Sum64()),
		owner:      fmt.Sprintf("%s pid %d %s", host, os.Getpid(), nonceHex),
		tag:        tagPrefix(nonceHex),
		lock:       newLockPolicy(opts.LockTimeout, opts.LockAttempts, opts.LockBackoff),
		concurrent: canWatch(db),
	}, nil
}

// Migrations returns the directory's migrations in version order.
func (m *Migrator) Migrations() []*Migration { return m.migrations }

// Up applies every pending migration, in version order, each in its own
// transaction, and returns those it applied. Migrations another caller
// applies meanwhile are skipped: any number of deployers can run Up at
// once and each migration runs exactly once.
func (m *Migrator) Up(ctx context.Context) ([]Applied, error) {
	return m.up(ctx, -1)
}

// UpTo applies the pending migrations up to and including version.
func (m *Migrator) UpTo(ctx context.Context, version int64) ([]Applied, error) {
	if m.find(version) == nil {
		return nil, fmt.Errorf("migrate: no migration has version %d; run status to list them", version)
	}
	return m.up(ctx, version)
}

func (m *Migrator) find(version int64) *Migration {
	for _, mig := range m.migrations {
		if mig.Version == version {
			return mig
		}
	}
	return nil
}

func (m *Migrator) up(ctx context.Context, to int64) ([]Applied, error) {
	revs, err := m.prepare(ctx)
	if err != nil {
		return nil, err
	}
	var done []Applied
	for _, mig := range m.migrations {
		if to >= 0 && mig.Version > to {
			break
		}
		if _, ok := revs[mig.Version]; ok {
			continue
		}
		a, applied, err := m.apply(ctx, mig)
		if err != nil {
			return done, err
		}
		if applied {
			done = append(done, a)
			if m.opts.OnApply != nil {
				m.opts.OnApply(a)
			}
		}
	}
	return done, nil
}

// Down reverts the n most recently applied migrations, newest first, each
// in its own transaction.
func (m *Migrator) Down(ctx context.Context, n int) ([]Applied, error) {
	if n < 1 {
		return nil, fmt.Errorf("migrate: down needs a count of at least 1, got %d", n)
	}
	revs, err := m.prepare(ctx)
	if err != nil {
		return nil, err
	}
	var applied []*Migration
	for _, mig := range m.migrations {
		if _, ok := revs[mig.Version]; ok {
			applied = append(applied, mig)
		}
	}
	var done []Applied
	for i := len(applied) - 1; i >= 0 && len(done) < n; i-- {
		mig := applied[i]
		if !mig.HasDown {
			return done, fmt.Errorf("migrate: %s has no down migration (the %s format has none); write a new migration that undoes it", mig.File, m.formatName())
		}
		a, err := m.revert(ctx, mig)
		if err != nil {
			return done, err
		}
		done = append(done, a)
		if m.opts.OnApply != nil {
			m.opts.OnApply(a)
		}
	}
	return done, nil
}

func (m *Migrator) formatName() string {
	if m.opts.Format != "" {
		return m.opts.Format
	}
	return "directory's"
}

// Status lists every migration of the directory with its revision, then
// any revision the directory does not have, in version order.
func (m *Migrator) Status(ctx context.Context) ([]State, error) {
	revs, err := m.revisions(ctx, m.db, false)
	if err != nil {
		return nil, err
	}
	var out []State
	seen := map[int64]bool{}
	for _, mig := range m.migrations {
		st := State{Version: mig.Version, Name: mig.Name, Migration: mig}
		if r, ok := revs[mig.Version]; ok {
			st.Revision = r
			st.Changed = r.Checksum != mig.Checksum
		}
		seen[mig.Version] = true
		out = append(out, st)
	}
	for _, r := range sortedRevisions(revs) {
		if !seen[r.Version] {
			out = append(out, State{Version: r.Version, Name: r.Name, Revision: r})
		}
	}
	sortStates(out)
	return out, nil
}

// prepare creates the revisions tables if needed and checks the applied
// migrations against the directory before anything runs.
func (m *Migrator) prepare(ctx context.Context) (map[int64]*Revision, error) {
	err := m.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+m.table+` (
  version bigint PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  duration_ms bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS `+m.claims+` (
  version bigint PRIMARY KEY,
  name text NOT NULL,
  claimed_by text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  failed text,
  checksum text,
  done integer,
  tag text,
  heartbeat_at timestamptz
)`)
		if err != nil {
			return err
		}
		// Claims tables made before the claims could be resumed lack the
		// last four columns.
		var has bool
		err = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'heartbeat_at' AND NOT attisdropped)`,
			pgx.QueryExecModeSimpleProtocol, m.claims).Scan(&has)
		if err != nil || has {
			return err
		}
		_, err = tx.Exec(ctx, `ALTER TABLE `+m.claims+` ADD COLUMN IF NOT EXISTS checksum text, ADD COLUMN IF NOT EXISTS done integer,
  ADD COLUMN IF NOT EXISTS tag text, ADD COLUMN IF NOT EXISTS heartbeat_at timestamptz`)
		return err
	})
	if err != nil {
		return nil, dbError("create the revisions table "+m.table, err)
	}
	revs, err := m.revisions(ctx, m.db, true)
	if err != nil {
		return nil, err
	}
	if err := m.checkApplied(revs); err != nil {
		return nil, err
	}
	return revs, nil
}

// checkApplied refuses a database whose applied migrations are missing
// from the directory or changed since they were applied, and pending
// migrations older than the newest applied one.
func (m *Migrator) checkApplied(revs map[int64]*Revision) error {
	var newest int64 = -1
	for _, r := range revs {
		mig := m.find(r.Version)
		if mig == nil {
			return fmt.Errorf("migrate: the database has migration %d (%s) applied, which the directory does not have; deploy the directory it came from, or revert it there first", r.Version, r.Name)
		}
		if mig.Checksum != r.Checksum {
			return &ChangedError{File: mig.File, Version: r.Version, Recorded: r.Checksum, Actual: mig.Checksum}
		}
		newest = max(newest, r.Version)
	}
	for _, mig := range m.migrations {
		if _, ok := revs[mig.Version]; !ok && mig.Version < newest {
			return fmt.Errorf("migrate: %s is not applied but the newer migration %d is; give it a version after %d", mig.File, newest, newest)
		}
	}
	return nil
}

// ChangedError reports a migration file edited after it was applied.
type ChangedError struct {
	File     string
	Version  int64
	Recorded string
	Actual   string
}

// Error says which file changed and what to do.
func (e *ChangedError) Error() string {
	return fmt.Sprintf("migrate: %s was changed after it was applied (recorded sha256 %s…, file %s…); restore the applied version and put the change in a new migration",
		e.File, e.Recorded[:min(12, len(e.Recorded))], e.Actual[:min(12, len(e.Actual))])
}

// revisions reads the revisions table. Unless mustExist is set, a table
// that does not exist yet reads as empty.
func (m *Migrator) revisions(ctx context.Context, q querier, mustExist bool) (map[int64]*Revision, error) {
	rows, err := q.Query(ctx, `SELECT version, name, checksum, applied_at, duration_ms FROM `+m.table+` ORDER BY version`, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		var pgErr *pgconn.PgError
		if !mustExist && errors.As(err, &pgErr) && pgErr.Code == "42P01" {
			return map[int64]*Revision{}, nil
		}
		return nil, dbError("read "+m.table, err)
	}
	defer rows.Close()
	out := map[int64]*Revision{}
	for rows.Next() {
		r := &Revision{}
		var ms int64
		if err := rows.Scan(&r.Version, &r.Name, &r.Checksum, &r.AppliedAt, &ms); err != nil {
			return nil, dbError("read "+m.table, err)
		}
		r.Duration = time.Duration(ms) * time.Millisecond
		out[r.Version] = r
	}
	if err := rows.Err(); err != nil {
		var pgErr *pgconn.PgError
		if !mustExist && errors.As(err, &pgErr) && pgErr.Code == "42P01" {
			return map[int64]*Revision{}, nil
		}
		return nil, dbError("read "+m.table, err)
	}
	return out, nil
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// inTx runs fn in a transaction holding the migration lock: a
// transaction-scoped advisory lock, released by COMMIT or ROLLBACK, so a
// connection pooler in transaction mode cannot hand it to another client.
func (m *Migrator) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return runTx(ctx, m.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock("+strconv.FormatInt(m.lockKey, 10)+")"); err != nil {
			return err
		}
		return fn(tx)
	})
}

// errSkip ends a locked transaction without applying anything.
var errSkip = errors.New("skip")

// errWait asks the caller to wait for another deployer's claim.
type errWait struct{ claim string }

func (e *errWait) Error() string { return "waiting for " + e.claim }

// apply runs one migration unless another caller applied it first. It
// reports whether this call applied it.
func (m *Migrator) apply(ctx context.Context, mig *Migration) (Applied, bool, error) {
	for {
		a, applied, err := m.applyOnce(ctx, mig)
		var w *errWait
		if !errors.As(err, &w) {
			return a, applied, err
		}
		select {
		case <-ctx.Done():
			return a, false, fmt.Errorf("migrate: %s: gave up waiting for %s: %w", mig.File, w.claim, ctx.Err())
		case <-time.After(m.opts.PollInterval):
		}
	}
}

// checkRevision runs under the lock: it skips a migration someone else
// applied (errSkip) and refuses one whose applied file changed.
func (m *Migrator) checkRevision(ctx context.Context, tx pgx.Tx, mig *Migration) error {
	var sum string
	err := tx.QueryRow(ctx, `SELECT checksum FROM `+m.table+` WHERE version = $1`, pgx.QueryExecModeSimpleProtocol, mig.Version).Scan(&sum)
	switch {
	case err == nil && sum != mig.Checksum:
		return &ChangedError{File: mig.File, Version: mig.Version, Recorded: sum, Actual: mig.Checksum}
	case err == nil:
		return errSkip
	case !errors.Is(err, pgx.ErrNoRows):
		return dbError("read "+m.table, err)
	}
	return nil
}

// record inserts the revision of mig.
func (m *Migrator) record(ctx context.Context, tx pgx.Tx, mig *Migration, d time.Duration) error {
	_, err := tx.Exec(ctx, `INSERT INTO `+m.table+` (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)`,
		pgx.QueryExecModeSimpleProtocol, mig.Version, mig.Name, mig.Checksum, d.Milliseconds())
	if err != nil {
		return dbError("record "+mig.File+" in "+m.table, err)
	}
	return nil
}

func (m *Migrator) applyOnce(ctx context.Context, mig *Migration) (Applied, bool, error) {
	if mig.Up.refuse != nil {
		return Applied{}, false, mig.Up.refuse
	}
	if mig.Up.NoTransaction {
		return m.applyNoTx(ctx, mig)
	}
	a := Applied{Version: mig.Version, Name: mig.Name, File: mig.File}
	var start time.Time
	retries, err := m.runTx(ctx, mig.File, &mig.Up,
		func(tx pgx.Tx) error {
			if err := m.checkRevision(ctx, tx, mig); err != nil {
				return err
			}
			// A claim means another deployer runs it outside a transaction
			// (the file was so before an edit): let apply wait for it.
			var by string
			var failed *string
			err := tx.QueryRow(ctx, `SELECT claimed_by, failed FROM `+m.claims+` WHERE version = $1`, pgx.QueryExecModeSimpleProtocol, mig.Version).Scan(&by, &failed)
			switch {
			case err == nil && failed != nil:
				return fmt.Errorf("migrate: %s ran outside a transaction and failed part-way (%s), and was edited since into a file that runs in one; "+
					"repair the database by hand, then DELETE FROM %s WHERE version = %d and run again", mig.File, *failed, m.claims, mig.Version)
			case err == nil:
				return &errWait{claim: fmt.Sprintf("%s, which %s is running", mig.File, by)}
			case !errors.Is(err, pgx.ErrNoRows):
				return dbError("read "+m.claims, err)
			}
			start = time.Now()
			return nil
		},
		func(tx pgx.Tx) error {
			a.Duration = time.Since(start)
			return m.record(ctx, tx, mig, a.Duration)
		})
	a.Retries = retries
	if errors.Is(err, errSkip) {
		return a, false, nil
	}
	if err != nil {
		return a, false, lockError(err)
	}
	return a, true, nil
}

// runTx runs a part in a locked transaction: before (the checks), the
// statements under the lock timeout, then after (the bookkeeping). When
// a statement cannot get its lock in time, the whole transaction is
// rolled back and run again, before and its checks included, up to the
// policy's attempts; then it fails with a *LockTimeoutError.
func (m *Migrator) runTx(ctx context.Context, file string, part *Part, before, after func(tx pgx.Tx) error) (int, error) {
	pol := m.lock.with(part.LockTimeout)
	r := txRun{
		db: m.db, pol: pol, concurrent: m.concurrent, begin: m.inTx, before: before,
		body: func(tx pgx.Tx) error {
			if err := execAll(ctx, tx, file, part.Statements); err != nil {
				return err
			}
			return after(tx)
		},
		onRetry: func(attempt int, err error, blockers []BlockingSession) {
			var se *StatementError
			errors.As(err, &se)
			m.logRetry(file, se, err, attempt, pol, blockers)
		},
	}
	retries, blockers, exhausted, err := r.run(ctx)
	if exhausted {
		var se *StatementError
		errors.As(err, &se)
		return retries, m.lockTimeoutError(ctx, se, err, retries+1, pol, blockers)
	}
	var st *stoppedError
	if errors.As(err, &st) {
		return retries, fmt.Errorf("migrate: %s: %w", file, err)
	}
	return retries, err
}

// lockTimeoutError builds the error of a statement that ran out of
// attempts; without blockers seen while it waited, it guesses them.
func (m *Migrator) lockTimeoutError(ctx context.Context, se *StatementError, last error, attempts int, pol lockPolicy, blockers []BlockingSession) error {
	e := &LockTimeoutError{Attempts: attempts, LockTimeout: pol.timeout, Blockers: blockers, Err: last}
	if se != nil {
		e.File, e.Line, e.Statement = se.File, se.Line, Statement{SQL: se.Statement}.FirstLine()
	}
	if len(blockers) == 0 && pol.timeout > 0 {
		e.Blockers, e.Guessed = guessBlockers(ctx, m.db, pol.timeout), true
	}
	return e
}

// logRetry logs a lock timeout about to be retried.
func (m *Migrator) logRetry(file string, se *StatementError, err error, attempt int, pol lockPolicy, blockers []BlockingSession) {
	if m.opts.Logger == nil {
		return
	}
	attrs := []any{"file", file, "attempt", attempt, "of", pol.attempts, "lock_timeout", pol.timeout}
	if se != nil {
		attrs = append(attrs, "line", se.Line, "statement", Statement{SQL: se.Statement}.FirstLine())
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		attrs = append(attrs, "sqlstate", pgErr.Code)
	}
	for i, b := range blockers {
		attrs = append(attrs, fmt.Sprintf("blocker%d", i+1), b.String())
	}
	m.opts.Logger.Warn("migrate: a statement could not get its lock in time; retrying", attrs...)
}

// revert runs one migration's down part and deletes its revision.
func (m *Migrator) revert(ctx context.Context, mig *Migration) (Applied, error) {
	a := Applied{Version: mig.Version, Name: mig.Name, File: mig.DownFile, Down: true}
	if mig.Down.refuse != nil {
		return a, mig.Down.refuse
	}
	start := time.Now()
	newest := func(tx pgx.Tx) error {
		var v *int64
		if err := tx.QueryRow(ctx, `SELECT max(version) FROM `+m.table, pgx.QueryExecModeSimpleProtocol).Scan(&v); err != nil {
			return dbError("read "+m.table, err)
		}
		if v == nil || *v != mig.Version {
			return fmt.Errorf("migrate: %s is no longer the newest applied migration (another deployer changed the database); run status and try again", mig.File)
		}
		return nil
	}
	remove := func(tx pgx.Tx) error {
		a.Duration = time.Since(start)
		_, err := tx.Exec(ctx, `DELETE FROM `+m.table+` WHERE version = $1`, pgx.QueryExecModeSimpleProtocol, mig.Version)
		if err == nil && mig.Down.hasBackfill() {
			err = m.forgetBackfills(ctx, tx, mig.DownFile)
		}
		return err
	}
	if mig.Down.NoTransaction {
		if err := m.inTx(ctx, newest); err != nil {
			return a, lockError(err)
		}
		for i := range mig.Down.Statements {
			r, err := m.runNoTxStatement(ctx, mig.DownFile, &mig.Down, i, false, nil)
			a.Retries += r
			if err != nil {
				return a, err
			}
		}
		return a, lockError(m.inTx(ctx, remove))
	}
	retries, err := m.runTx(ctx, mig.DownFile, &mig.Down, newest, remove)
	a.Retries = retries
	return a, lockError(err)
}

// lockError passes the runner's own errors through and wraps a bare
// database error from the locking steps.
func lockError(err error) error {
	if err == nil {
		return nil
	}
	var se *StatementError
	var ce *ChangedError
	var le *LockTimeoutError
	switch {
	case errors.As(err, &se), errors.As(err, &ce), errors.As(err, &le):
		return err
	}
	if strings.HasPrefix(err.Error(), "migrate:") {
		return err
	}
	return dbError("migration lock", err)
}

// execer runs a statement: a transaction, or the pool for a file that
// runs outside one.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// execAll runs the statements one by one and reports the first failure
// as a *StatementError.
func execAll(ctx context.Context, db execer, file string, stmts []Statement) error {
	for i, s := range stmts {
		if _, err := db.Exec(ctx, s.SQL); err != nil {
			return newStatementError(file, i, s, err, 0)
		}
	}
	return nil
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func sortedRevisions(revs map[int64]*Revision) []*Revision {
	out := make([]*Revision, 0, len(revs))
	for _, r := range revs {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}

func sortStates(s []State) {
	sort.SliceStable(s, func(i, j int) bool { return s[i].Version < s[j].Version })
}
