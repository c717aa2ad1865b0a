package migrate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
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
	ms, err := Load(dir, opts.Format)
	if err != nil {
		return nil, err
	}
	h := fnv.New64a()
	h.Write([]byte("cpcgen/migrate:" + opts.Table))
	host, _ := os.Hostname()
	var nonce [6]byte
	_, _ = rand.Read(nonce[:])
	return &Migrator{
		db:         db,
		migrations: ms,
		opts:       opts,
		table:      quoteIdent(opts.Table),
		claims:     quoteIdent(opts.Table + "_claims"),
		lockKey:    int64(h.Sum64()),
		owner:      fmt.Sprintf("%s pid %d %s", host, os.Getpid(), hex.EncodeToString(nonce[:])),
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
  failed text
)`)
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
func (m *Migrator) inTx(ctx context.Context, fn func(tx pgx.Tx) error) (err error) {
	tx, err := m.db.Begin(ctx)
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
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock("+strconv.FormatInt(m.lockKey, 10)+")"); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
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

func (m *Migrator) applyOnce(ctx context.Context, mig *Migration) (Applied, bool, error) {
	a := Applied{Version: mig.Version, Name: mig.Name, File: mig.File}
	var start time.Time
	// check runs under the lock: skip a migration someone else applied,
	// wait for one someone else is running outside a transaction.
	check := func(tx pgx.Tx) error {
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
		var by string
		var failed *string
		err = tx.QueryRow(ctx, `SELECT claimed_by, failed FROM `+m.claims+` WHERE version = $1`, pgx.QueryExecModeSimpleProtocol, mig.Version).Scan(&by, &failed)
		switch {
		case err == nil && failed != nil:
			return fmt.Errorf("migrate: %s ran outside a transaction and failed part-way (%s); repair the database by hand, then DELETE FROM %s WHERE version = %d and run again",
				mig.File, *failed, m.claims, mig.Version)
		case err == nil:
			return &errWait{claim: fmt.Sprintf("%s, which %s is running", mig.File, by)}
		case !errors.Is(err, pgx.ErrNoRows):
			return dbError("read "+m.claims, err)
		}
		return nil
	}
	record := func(tx pgx.Tx) error {
		a.Duration = time.Since(start)
		_, err := tx.Exec(ctx, `INSERT INTO `+m.table+` (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)`,
			pgx.QueryExecModeSimpleProtocol, mig.Version, mig.Name, mig.Checksum, a.Duration.Milliseconds())
		if err != nil {
			return dbError("record "+mig.File+" in "+m.table, err)
		}
		return nil
	}
	if !mig.Up.NoTransaction {
		err := m.inTx(ctx, func(tx pgx.Tx) error {
			if err := check(tx); err != nil {
				return err
			}
			start = time.Now()
			if err := execAll(ctx, tx, mig.File, mig.Up.Statements); err != nil {
				return err
			}
			return record(tx)
		})
		if errors.Is(err, errSkip) {
			return a, false, nil
		}
		if err != nil {
			return a, false, lockError(err)
		}
		return a, true, nil
	}
	// Outside a transaction: claim the version under the lock, run the
	// statements, then record the revision and drop the claim.
	err := m.inTx(ctx, func(tx pgx.Tx) error {
		if err := check(tx); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO `+m.claims+` (version, name, claimed_by) VALUES ($1, $2, $3)`,
			pgx.QueryExecModeSimpleProtocol, mig.Version, mig.Name, m.owner)
		if err != nil {
			return dbError("claim "+mig.File, err)
		}
		return nil
	})
	if errors.Is(err, errSkip) {
		return a, false, nil
	}
	if err != nil {
		return a, false, lockError(err)
	}
	start = time.Now()
	if err := execAll(ctx, m.db, mig.File, mig.Up.Statements); err != nil {
		m.markFailed(ctx, mig, err)
		return a, false, err
	}
	err = m.inTx(ctx, func(tx pgx.Tx) error {
		if err := record(tx); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM `+m.claims+` WHERE version = $1`, pgx.QueryExecModeSimpleProtocol, mig.Version)
		return err
	})
	if err != nil {
		return a, false, lockError(err)
	}
	return a, true, nil
}

// markFailed leaves a failed no-transaction migration's claim in place,
// with the error, so that no one runs the rest of it blindly.
func (m *Migrator) markFailed(ctx context.Context, mig *Migration, cause error) {
	msg := cause.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, _ = m.db.Exec(uctx, `UPDATE `+m.claims+` SET failed = $2 WHERE version = $1`, pgx.QueryExecModeSimpleProtocol, mig.Version, msg)
}

// revert runs one migration's down part and deletes its revision.
func (m *Migrator) revert(ctx context.Context, mig *Migration) (Applied, error) {
	a := Applied{Version: mig.Version, Name: mig.Name, File: mig.DownFile, Down: true}
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
		return err
	}
	if mig.Down.NoTransaction {
		if err := m.inTx(ctx, newest); err != nil {
			return a, lockError(err)
		}
		if err := execAll(ctx, m.db, mig.DownFile, mig.Down.Statements); err != nil {
			return a, err
		}
		return a, lockError(m.inTx(ctx, remove))
	}
	err := m.inTx(ctx, func(tx pgx.Tx) error {
		if err := newest(tx); err != nil {
			return err
		}
		if err := execAll(ctx, tx, mig.DownFile, mig.Down.Statements); err != nil {
			return err
		}
		return remove(tx)
	})
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
	switch {
	case errors.As(err, &se), errors.As(err, &ce):
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
			return newStatementError(file, i, s, err)
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
