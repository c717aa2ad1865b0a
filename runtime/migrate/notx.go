package migrate

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/cpcgen/cpcgen/runtime/internal/firstrow"
	"github.com/jackc/pgx/v5"
)

// tagStart begins the comment the runner puts before each statement it
// runs outside a transaction: "/* cpcgen-migrate:<nonce> */ ". The
// Migrator's lock watch and other deployers look for it in
// pg_stat_activity.query, which keeps the start of the text (the first
// track_activity_query_size bytes).
const tagStart = "/* cpcgen-migrate:"

func tagPrefix(nonce string) string { return tagStart + nonce + " */ " }

// hasBackfill reports whether a statement of the part has a backfill
// directive.
func (p *Part) hasBackfill() bool {
	for i := range p.Statements {
		if p.Statements[i].backfill != nil {
			return true
		}
	}
	return false
}

// applyNoTx runs a migration outside a transaction under the claim
// protocol (see doc.go): claim the version, or take over a claim whose
// run stopped, run the statements from the first not done, recording
// each one done, then record the revision and drop the claim.
func (m *Migrator) applyNoTx(ctx context.Context, mig *Migration) (Applied, bool, error) {
	a := Applied{Version: mig.Version, Name: mig.Name, File: mig.File}
	start, why := 0, ""
	err := m.inTx(ctx, func(tx pgx.Tx) error {
		if err := m.checkRevision(ctx, tx, mig); err != nil {
			return err
		}
		var (
			by       string
			failed   *string
			done     *int
			checksum *string
			stale    bool
		)
		err := tx.QueryRow(ctx, `SELECT c.claimed_by, c.failed, c.done, c.checksum,
  coalesce(c.heartbeat_at, c.claimed_at) < now() - $2::float8 * interval '1 second'
  AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.state = 'active' AND c.tag IS NOT NULL AND starts_with(a.query, '`+tagStart+`' || c.tag || ' */'))
FROM `+m.claims+` c WHERE c.version = $1`, pgx.QueryExecModeSimpleProtocol, mig.Version, m.opts.ClaimTimeout.Seconds()).Scan(&by, &failed, &done, &checksum, &stale)
		if errors.Is(err, pgx.ErrNoRows) {
			_, err = tx.Exec(ctx, `INSERT INTO `+m.claims+` (version, name, claimed_by, checksum, done, tag, heartbeat_at) VALUES ($1, $2, $3, $4, 0, $5, now())`,
				pgx.QueryExecModeSimpleProtocol, mig.Version, mig.Name, m.owner, mig.Checksum, m.nonce())
			if err != nil {
				return dbError("claim "+mig.File, err)
			}
			return nil
		}
		if err != nil {
			return dbError("read "+m.claims, err)
		}
		switch {
		case failed != nil:
			why = "it failed part-way: " + *failed
		case stale:
			why = fmt.Sprintf("%s, which claimed it, showed no sign of life for %s and runs nothing", by, m.opts.ClaimTimeout)
		default:
			return &errWait{claim: fmt.Sprintf("%s, which %s is running", mig.File, by)}
		}
		if done == nil {
			return fmt.Errorf("migrate: %s ran outside a transaction and %s; its claim does not say how far it got, so repair the database by hand, then DELETE FROM %s WHERE version = %d and run again",
				mig.File, why, m.claims, mig.Version)
		}
		if checksum == nil || *checksum != mig.Checksum {
			return fmt.Errorf("migrate: %s ran outside a transaction and stopped after %d of its statements (%s); the file has changed since, so it cannot be resumed: restore the file as it was, or repair the database by hand, then DELETE FROM %s WHERE version = %d and run again",
				mig.File, *done, why, m.claims, mig.Version)
		}
		start = *done
		_, err = tx.Exec(ctx, `UPDATE `+m.claims+` SET claimed_by = $2, tag = $3, failed = NULL, heartbeat_at = now() WHERE version = $1`,
			pgx.QueryExecModeSimpleProtocol, mig.Version, m.owner, m.nonce())
		if err != nil {
			return dbError("take over the claim of "+mig.File, err)
		}
		return nil
	})
	if errors.Is(err, errSkip) {
		return a, false, nil
	}
	if err != nil {
		return a, false, lockError(err)
	}
	if why != "" {
		a.Resumed = true
		if m.opts.Logger != nil {
			m.opts.Logger.Info("migrate: resuming a migration that runs outside a transaction", "file", mig.File,
				"statement", start+1, "of", len(mig.Up.Statements), "because", why)
		}
	}
	stopBeat := m.heartbeat(ctx, mig)
	defer stopBeat()
	begin := time.Now()
	for i := start; i < len(mig.Up.Statements); i++ {
		r, err := m.runNoTxStatement(ctx, mig.File, &mig.Up, i, why != "" && i == start, func() { m.beat(ctx, mig) })
		a.Retries += r
		if err != nil {
			m.markFailed(ctx, mig, err)
			return a, false, fmt.Errorf("%w; %s runs outside a transaction: its statements before this one are applied, and the next run resumes at this one", err, mig.File)
		}
		if err := m.advance(ctx, mig, i+1); err != nil {
			return a, false, err
		}
	}
	err = m.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM `+m.claims+` WHERE version = $1 AND claimed_by = $2`, pgx.QueryExecModeSimpleProtocol, mig.Version, m.owner)
		if err != nil {
			return dbError("release the claim of "+mig.File, err)
		}
		if tag.RowsAffected() == 0 {
			return m.lostClaim(mig)
		}
		a.Duration = time.Since(begin)
		if err := m.record(ctx, tx, mig, a.Duration); err != nil {
			return err
		}
		if mig.Up.hasBackfill() {
			return m.forgetBackfills(ctx, tx, mig.File)
		}
		return nil
	})
	if err != nil {
		return a, false, lockError(err)
	}
	return a, true, nil
}

// nonce is the random part of the Migrator's tag.
func (m *Migrator) nonce() string {
	return m.tag[len(tagStart) : len(m.tag)-len(" */ ")]
}

func (m *Migrator) lostClaim(mig *Migration) error {
	return fmt.Errorf("migrate: %s: another deployer took over this run's claim (it showed no sign of life for %s) and continues the migration; raise Options.ClaimTimeout if this run was only slow",
		mig.File, m.opts.ClaimTimeout)
}

// advance records that the first done statements of mig are applied.
func (m *Migrator) advance(ctx context.Context, mig *Migration, done int) error {
	tag, err := m.db.Exec(ctx, `UPDATE `+m.claims+` SET done = $2, heartbeat_at = now() WHERE version = $1 AND claimed_by = $3`,
		pgx.QueryExecModeSimpleProtocol, mig.Version, done, m.owner)
	if err != nil {
		return dbError("record the progress of "+mig.File, err)
	}
	if tag.RowsAffected() == 0 {
		return m.lostClaim(mig)
	}
	return nil
}

// beat refreshes the claim of mig once.
func (m *Migrator) beat(ctx context.Context, mig *Migration) {
	uctx, cancel := context.WithTimeout(ctx, m.opts.ClaimTimeout/4)
	defer cancel()
	_, _ = m.db.Exec(uctx, `UPDATE `+m.claims+` SET heartbeat_at = now() WHERE version = $1 AND claimed_by = $2`,
		pgx.QueryExecModeSimpleProtocol, mig.Version, m.owner)
}

// heartbeat keeps the claim of mig fresh while its statements run, so
// that no other deployer takes it over. A single connection cannot run
// it beside the statements: there, the statement's tag in
// pg_stat_activity is the sign of life.
func (m *Migrator) heartbeat(ctx context.Context, mig *Migration) func() {
	if !m.concurrent {
		return func() {}
	}
	hctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(m.opts.ClaimTimeout / 4)
		defer t.Stop()
		for {
			select {
			case <-hctx.Done():
				return
			case <-t.C:
				m.beat(hctx, mig)
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// markFailed leaves a failed no-transaction migration's claim in place,
// with the error: the next run resumes at the statement that failed.
func (m *Migrator) markFailed(ctx context.Context, mig *Migration, cause error) {
	msg := cause.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, _ = m.db.Exec(uctx, `UPDATE `+m.claims+` SET failed = $2 WHERE version = $1 AND claimed_by = $3`, pgx.QueryExecModeSimpleProtocol, mig.Version, msg, m.owner)
}

// forgetBackfills deletes the progress rows of the backfill directives of
// file, once its migration is recorded, so that a migration reverted and
// applied again backfills again.
func (m *Migrator) forgetBackfills(ctx context.Context, tx pgx.Tx, file string) error {
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, pgx.QueryExecModeSimpleProtocol, m.backfills).Scan(&exists); err != nil || !exists {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM `+m.backfills+` WHERE starts_with(name, $1)`, pgx.QueryExecModeSimpleProtocol, file+":")
	if err != nil {
		return dbError("clear the backfill progress of "+file, err)
	}
	return nil
}

// runNoTxStatement runs statement i of a part outside a transaction, under
// the lock timeout, trying it again when it cannot get its lock in time.
// Before a CREATE INDEX CONCURRENTLY it drops an invalid index of the
// same name left by an interrupted build; when resuming, it skips the
// statement if the index exists and is valid (the interrupted run built
// it).
//
// beat, when not nil, refreshes the migration's claim; a backfill calls it
// after each batch when no heartbeat runs beside it (a single
// connection).
func (m *Migrator) runNoTxStatement(ctx context.Context, file string, part *Part, i int, resuming bool, beat func()) (retries int, err error) {
	s := part.Statements[i]
	pol := m.lock.with(part.LockTimeout)
	if s.backfill != nil {
		if m.concurrent {
			beat = nil
		}
		return m.runBackfill(ctx, file, s, pol, beat)
	}
	var blockers []BlockingSession
	for attempt := 1; ; attempt++ {
		skip, waited, seen, err := m.prepareIndex(ctx, file, i, s, resuming || attempt > 1, pol)
		if err == nil && skip {
			return retries, nil
		}
		if err == nil {
			waited, seen, err = m.execNoTx(ctx, file, i, s, pol)
		}
		if len(seen) > 0 {
			blockers = seen
		}
		if err == nil {
			return retries, nil
		}
		if !(waited || lockFailure(err)) || ctx.Err() != nil {
			return retries, err
		}
		var se *StatementError
		errors.As(err, &se)
		if attempt >= pol.attempts {
			return retries, m.lockTimeoutError(ctx, se, err, attempt, pol, blockers)
		}
		retries++
		m.logRetry(file, se, err, attempt, pol, blockers)
		if werr := pol.wait(ctx, attempt); werr != nil {
			return retries, fmt.Errorf("migrate: %s: stopped while waiting to retry after a lock timeout: %w", file, werr)
		}
	}
}

// execNoTx runs one statement outside a transaction with the policy's
// lock timeout. On a pool, a watch on a second connection enforces the
// timeout and names the blockers (waited reports that it canceled the
// statement); on a single connection, lock_timeout is set on the session
// around the statement.
func (m *Migrator) execNoTx(ctx context.Context, file string, i int, s Statement, pol lockPolicy) (waited bool, blockers []BlockingSession, err error) {
	sql := m.tag + s.SQL
	switch {
	case pol.timeout <= 0:
		_, err = m.db.Exec(ctx, sql)
	case m.concurrent:
		w := startWatch(ctx, m.db, watchTarget{tag: m.tag}, pol.timeout, true)
		_, err = m.db.Exec(ctx, sql)
		blockers, waited = w.stop()
		waited = waited && err != nil
	default:
		err = m.execSession(ctx, sql, pol)
	}
	if err != nil {
		return waited, blockers, newStatementError(file, i, s, err, len(m.tag))
	}
	return false, blockers, nil
}

// execSession runs sql on the single connection the Migrator was given,
// with lock_timeout set on its session for the statement and put back
// after it.
func (m *Migrator) execSession(ctx context.Context, sql string, pol lockPolicy) error {
	var old string
	if err := queryRow(ctx, m.db, `SELECT current_setting('lock_timeout')`, pgx.QueryExecModeSimpleProtocol).Scan(&old); err != nil {
		return err
	}
	ms := strconv.FormatInt(max(pol.timeout.Milliseconds(), 1), 10) + "ms"
	if _, err := m.db.Exec(ctx, `SELECT set_config('lock_timeout', $1, false)`, pgx.QueryExecModeSimpleProtocol, ms); err != nil {
		return err
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, _ = m.db.Exec(rctx, `SELECT set_config('lock_timeout', $1, false)`, pgx.QueryExecModeSimpleProtocol, old)
	}()
	_, err := m.db.Exec(ctx, sql)
	return err
}

// prepareIndex looks, before a CREATE INDEX CONCURRENTLY, for an index of
// the same name on the same table. An invalid one — what a build that
// failed, was canceled or lost its connection leaves behind — is dropped
// (DROP INDEX CONCURRENTLY) so that the statement builds it again,
// unless some session is building it right now. A valid one makes
// resuming skip the statement.
func (m *Migrator) prepareIndex(ctx context.Context, file string, i int, s Statement, resuming bool, pol lockPolicy) (skip, waited bool, blockers []BlockingSession, err error) {
	t := s.kind.index
	if t == nil {
		return false, false, nil, nil
	}
	var (
		oid   uint32
		valid bool
		nsp   string
	)
	err = queryRow(ctx, m.db, `SELECT c.oid, i.indisvalid, n.nspname FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE i.indrelid = to_regclass($1) AND c.relname = $2`, pgx.QueryExecModeSimpleProtocol, t.Table, t.Name).Scan(&oid, &valid, &nsp)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return false, false, nil, nil
	case err != nil:
		return false, false, nil, dbError("look for index "+t.Name+" before "+file, err)
	case valid && resuming:
		if m.opts.Logger != nil {
			m.opts.Logger.Info("migrate: the index exists and is valid: the interrupted run built it; going on", "file", file, "line", s.Line, "index", t.Name)
		}
		return true, false, nil, nil
	case valid:
		return false, false, nil, nil
	}
	var builder int
	err = queryRow(ctx, m.db, `SELECT coalesce(max(pid), 0) FROM pg_stat_progress_create_index WHERE index_relid = $1`,
		pgx.QueryExecModeSimpleProtocol, oid).Scan(&builder)
	if err != nil {
		return false, false, nil, dbError("look for a build of index "+t.Name, err)
	}
	if builder != 0 {
		return false, false, nil, fmt.Errorf("migrate: %s:%d: index %q is invalid and being built right now by pid %d, outside this migration; let that build finish or cancel it (SELECT pg_cancel_backend(%d)), then run again",
			file, s.Line, t.Name, builder, builder)
	}
	drop := Statement{SQL: "DROP INDEX CONCURRENTLY IF EXISTS " + quoteName([]string{nsp, t.Name}), Offset: s.Offset, Line: s.Line}
	waited, blockers, err = m.execNoTx(ctx, file, i, drop, pol)
	if err != nil {
		return false, waited, blockers, err
	}
	if m.opts.Logger != nil {
		m.opts.Logger.Warn("migrate: dropped an invalid index left by an interrupted CREATE INDEX CONCURRENTLY; building it again",
			"file", file, "line", s.Line, "index", nsp+"."+t.Name)
	}
	return false, false, blockers, nil
}

func queryRow(ctx context.Context, q querier, sql string, args ...any) pgx.Row {
	rows, err := q.Query(ctx, sql, args...)
	return firstrow.Row{Rows: rows, Err: err}
}
