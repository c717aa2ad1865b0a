package migrate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultBackfillBatch is the number of rows of a backfill batch when
// BackfillSpec.BatchSize is zero.
const DefaultBackfillBatch = 1000

// BackfillSpec describes a data change that Backfill applies in batches:
// for example filling a new column from an old one during an
// expand/contract change, without locking the table for the whole
// update.
type BackfillSpec struct {
	// Name identifies the backfill in the progress table. Calling
	// Backfill again with the same name continues where the last call
	// stopped, and does nothing once it finished.
	Name string
	// Table is the table whose rows are walked: orders, public.orders or
	// "Order".
	Table string
	// Key are the columns of a unique index of Table without NULLs, in
	// the index's order; empty means the primary key. Batches walk the
	// table in this order (keyset pagination): each batch is the next
	// BatchSize keys after the last one done.
	Key []string
	// Set is the SET list of the UPDATE each batch runs:
	//
	//	UPDATE Table SET <Set> WHERE <key in the batch> [AND (<Where>)]
	Set string
	// Where, optional, limits the rows Set changes (the batches still
	// walk every key).
	Where string
	// SQL, instead of Set and Where, is a statement run for each batch.
	// It reads the keys of the batch's rows from a common table
	// expression named batch:
	//
	//	INSERT INTO order_totals (order_id, total)
	//	SELECT o.id, o.amount * o.quantity FROM orders o JOIN batch USING (id)
	SQL string
	// BatchSize is the number of keys per batch; DefaultBackfillBatch
	// when zero.
	BatchSize int
	// Pause is a wait between batches, which leaves room to the
	// application's writes, autovacuum and replicas.
	Pause time.Duration
	// LockTimeout, LockAttempts and LockBackoff bound how long a batch
	// waits for a row or table lock and how often it is retried, as for
	// Options; zero means the defaults (DefaultLockTimeout, …), a
	// negative LockTimeout none.
	LockTimeout  time.Duration
	LockAttempts int
	LockBackoff  time.Duration
	// ProgressTable records the progress of each backfill by name;
	// DefaultTable+"_backfills" when empty. It is created when missing.
	ProgressTable string
	// Progress, when set, is called after each batch.
	Progress func(BackfillProgress)
}

// BackfillProgress is how far a backfill got.
type BackfillProgress struct {
	Name string
	// Batches and Rows count the batches done and the rows their
	// statements changed, over every call.
	Batches int64
	Rows    int64
	// Estimate is the table's row count from the planner's statistics
	// when this call started, -1 when unknown.
	Estimate int64
	// LastKey is the key of the last row of the last batch done, as
	// text, nil before the first.
	LastKey []string
	// Retries counts the batches of this call that could not get a lock
	// in time and were run again.
	Retries int
	// Elapsed is the time this call has run.
	Elapsed time.Duration
	// Done is set once the last batch is done.
	Done bool
}

// Backfill runs spec's change over the whole table in batches of keys,
// in key order, each batch in a short transaction of its own with the
// lock timeout, pausing between batches, and returns the progress.
//
// Each batch records its last key in the progress table in the same
// transaction as its change, so every row is changed exactly once: a
// call that stops (its context canceled, the process killed, a lock
// timeout after the last attempt) loses at most the batch in flight,
// which rolls back, and the next call with the same Name continues after
// the last batch done. Calls running at once share the work batch by
// batch. Rows inserted behind the walk are not visited: the application
// must already write them as the backfill would.
func Backfill(ctx context.Context, db Conn, spec BackfillSpec) (BackfillProgress, error) {
	pol := newLockPolicy(spec.LockTimeout, spec.LockAttempts, spec.LockBackoff)
	p, err := runBackfill(ctx, db, spec, pol, canWatch(db), nil, spec.Progress)
	var le *LockTimeoutError
	if err != nil && !errors.As(err, &le) {
		err = fmt.Errorf("migrate: %w", err)
	}
	return p, err
}

// runBackfill runs a backfill directive of a migration file.
func (m *Migrator) runBackfill(ctx context.Context, file string, s Statement, pol lockPolicy, beat func()) (int, error) {
	bf := s.backfill
	spec := BackfillSpec{
		Name:          file + ":" + strconv.Itoa(s.Line),
		Table:         bf.update.Table,
		Key:           bf.key,
		Set:           bf.update.Set,
		Where:         bf.update.Where,
		BatchSize:     bf.batch,
		Pause:         bf.pause,
		ProgressTable: m.opts.Table + "_backfills",
	}
	report := m.opts.OnBackfill
	if beat != nil {
		report = func(p BackfillProgress) {
			beat()
			if m.opts.OnBackfill != nil {
				m.opts.OnBackfill(p)
			}
		}
	}
	p, err := runBackfill(ctx, m.db, spec, pol.with(bf.lockTimeout), m.concurrent, m.opts.Logger, report)
	var le *LockTimeoutError
	switch {
	case errors.As(err, &le):
		le.File, le.Line, le.Statement = file, s.Line, s.FirstLine()+" (backfill batch after key "+fmt.Sprint(p.LastKey)+")"
		return p.Retries, le
	case err != nil:
		return p.Retries, fmt.Errorf("migrate: %s:%d: %w", file, s.Line, err)
	}
	return p.Retries, nil
}

// backfill is one run of a backfill.
type backfill struct {
	spec       BackfillSpec
	db         Conn
	pol        lockPolicy
	concurrent bool
	logger     *slog.Logger
	table      string   // quoted
	keys       []string // quoted
	progress   string   // quoted
}

func runBackfill(ctx context.Context, db Conn, spec BackfillSpec, pol lockPolicy, concurrent bool, logger *slog.Logger, report func(BackfillProgress)) (BackfillProgress, error) {
	started := time.Now()
	p := BackfillProgress{Name: spec.Name, Estimate: -1}
	fail := func(format string, args ...any) (BackfillProgress, error) {
		p.Elapsed = time.Since(started)
		return p, fmt.Errorf("backfill %q: "+format, append([]any{spec.Name}, args...)...)
	}
	switch {
	case spec.Name == "":
		return p, errors.New("backfill: the spec needs a Name, which keys its progress")
	case spec.SQL == "" && spec.Set == "":
		return fail("the spec needs Set (the SET list of the update) or SQL")
	case spec.SQL != "" && (spec.Set != "" || spec.Where != ""):
		return fail("the spec has both SQL and Set/Where; give one or the other")
	case spec.BatchSize < 0:
		return fail("BatchSize %d is negative", spec.BatchSize)
	}
	if spec.BatchSize == 0 {
		spec.BatchSize = DefaultBackfillBatch
	}
	if spec.ProgressTable == "" {
		spec.ProgressTable = DefaultTable + "_backfills"
	}
	b := &backfill{spec: spec, db: db, pol: pol, concurrent: concurrent, logger: logger, progress: quoteIdent(spec.ProgressTable)}
	var err error
	if b.table, err = parseTableName(spec.Table); err != nil {
		return fail("Table: %w", err)
	}
	if err := b.resolveKey(ctx, &p); err != nil {
		return fail("%w", err)
	}
	if err := b.start(ctx, &p); err != nil {
		return fail("%w", err)
	}
	for !p.Done {
		if err := ctx.Err(); err != nil {
			return fail("stopped after %d batches; the next call continues: %w", p.Batches, err)
		}
		retries, blockers, exhausted, err := b.batch(ctx, &p)
		p.Retries += retries
		p.Elapsed = time.Since(started)
		if exhausted {
			e := &LockTimeoutError{
				Statement: fmt.Sprintf("backfill %q, the batch after key %v,", spec.Name, p.LastKey), Attempts: retries + 1,
				LockTimeout: pol.timeout, Blockers: blockers, Err: err,
			}
			if len(blockers) == 0 {
				e.Blockers, e.Guessed = guessBlockers(ctx, db, pol.timeout), true
			}
			return p, e
		}
		if err != nil {
			return fail("batch %d after key %v: %w; the next call continues at this batch", p.Batches+1, p.LastKey, err)
		}
		if report != nil {
			report(p)
		}
		if logger != nil {
			logger.Debug("migrate: backfill batch done", "backfill", spec.Name, "batches", p.Batches, "rows", p.Rows, "estimate", p.Estimate, "done", p.Done)
		}
		if !p.Done && spec.Pause > 0 {
			t := time.NewTimer(spec.Pause)
			select {
			case <-ctx.Done():
				t.Stop()
			case <-t.C:
			}
		}
	}
	if logger != nil {
		logger.Info("migrate: backfill done", "backfill", spec.Name, "batches", p.Batches, "rows", p.Rows, "elapsed", p.Elapsed)
	}
	return p, nil
}

// resolveKey checks Key against the table's unique indexes (or finds the
// primary key) and reads the row estimate.
func (b *backfill) resolveKey(ctx context.Context, p *BackfillProgress) error {
	var oid uint32
	var estimate float64
	err := queryRow(ctx, b.db, `SELECT c.oid, c.reltuples::float8 FROM pg_class c WHERE c.oid = to_regclass($1)`,
		pgx.QueryExecModeSimpleProtocol, b.table).Scan(&oid, &estimate)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("table %s does not exist", b.table)
	}
	if err != nil {
		return wrapDB("look up table "+b.table, err)
	}
	if estimate >= 0 {
		p.Estimate = int64(estimate)
	}
	rows, err := b.db.Query(ctx, `SELECT i.indisprimary, array_agg(a.attname::text ORDER BY k.ord), bool_and(a.attnotnull)
FROM pg_index i
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indrelid = $1 AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL AND k.ord <= i.indnkeyatts
GROUP BY i.indexrelid, i.indisprimary
ORDER BY i.indisprimary DESC, i.indexrelid`, pgx.QueryExecModeSimpleProtocol, oid)
	if err != nil {
		return wrapDB("read the unique indexes of "+b.table, err)
	}
	type uniqueKey struct {
		primary, notNull bool
		cols             []string
	}
	var keys []uniqueKey
	for rows.Next() {
		var k uniqueKey
		if err := rows.Scan(&k.primary, &k.cols, &k.notNull); err != nil {
			rows.Close()
			return wrapDB("read the unique indexes of "+b.table, err)
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return wrapDB("read the unique indexes of "+b.table, err)
	}
	var chosen []string
	if len(b.spec.Key) == 0 {
		if len(keys) == 0 || !keys[0].primary {
			return fmt.Errorf("table %s has no primary key; set Key (key= in the directive) to the columns of a unique index without NULLs", b.table)
		}
		chosen = keys[0].cols
	} else {
		var candidates []string
		for _, k := range keys {
			if strings.Join(k.cols, ",") == strings.Join(b.spec.Key, ",") {
				if !k.notNull {
					return fmt.Errorf("key (%s) of table %s may hold NULLs, which the batches cannot walk; make the columns NOT NULL or pick another key", strings.Join(k.cols, ", "), b.table)
				}
				chosen = k.cols
				break
			}
			if k.notNull {
				candidates = append(candidates, "("+strings.Join(k.cols, ", ")+")")
			}
		}
		if chosen == nil {
			return fmt.Errorf("key (%s) is not the column list of a unique index of table %s, in order; the batches need one to walk the table (unique keys without NULLs: %s)",
				strings.Join(b.spec.Key, ", "), b.table, strings.Join(candidates, ", "))
		}
	}
	for _, c := range chosen {
		b.keys = append(b.keys, quoteIdent(c))
	}
	return nil
}

// definition fingerprints what the backfill does, so that a call with the
// same name but another change does not continue the first one's walk.
func (b *backfill) definition() string {
	h := sha256.Sum256([]byte(strings.Join([]string{b.table, strings.Join(b.keys, ","), b.spec.Set, b.spec.Where, b.spec.SQL}, "\x00")))
	return hex.EncodeToString(h[:8])
}

// start creates the progress table when missing and the backfill's row,
// and reads how far it got.
func (b *backfill) start(ctx context.Context, p *BackfillProgress) error {
	h := fnv.New64a()
	h.Write([]byte("cpcgen/migrate backfill:" + b.spec.ProgressTable))
	err := plainTx(b.db)(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock("+strconv.FormatInt(int64(h.Sum64()), 10)+")"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+b.progress+` (
  name text PRIMARY KEY,
  definition text NOT NULL,
  last_key text[],
  batches bigint NOT NULL DEFAULT 0,
  rows bigint NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
)`)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO `+b.progress+` (name, definition) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
			pgx.QueryExecModeSimpleProtocol, b.spec.Name, b.definition())
		return err
	})
	if err != nil {
		return wrapDB("record the backfill in "+b.progress, err)
	}
	var def string
	err = queryRow(ctx, b.db, `SELECT definition, last_key, batches, rows, finished_at IS NOT NULL FROM `+b.progress+` WHERE name = $1`,
		pgx.QueryExecModeSimpleProtocol, b.spec.Name).Scan(&def, &p.LastKey, &p.Batches, &p.Rows, &p.Done)
	if err != nil {
		return wrapDB("read "+b.progress, err)
	}
	if def != b.definition() {
		return fmt.Errorf("it was started with another table, key or change, and got %d batches far; finish it with the first definition, or DELETE FROM %s WHERE name = '%s' to start over",
			p.Batches, b.progress, strings.ReplaceAll(b.spec.Name, "'", "''"))
	}
	return nil
}

// batch runs the next batch in a transaction of its own, under the lock
// policy, and advances p.
func (b *backfill) batch(ctx context.Context, p *BackfillProgress) (retries int, blockers []BlockingSession, exhausted bool, err error) {
	var next BackfillProgress
	r := txRun{
		db: b.db, pol: b.pol, concurrent: b.concurrent, begin: plainTx(b.db),
		before: func(tx pgx.Tx) error {
			// The row lock orders the batches of calls running at once.
			next = *p
			return tx.QueryRow(ctx, `SELECT last_key, batches, rows, finished_at IS NOT NULL FROM `+b.progress+` WHERE name = $1 FOR UPDATE`,
				pgx.QueryExecModeSimpleProtocol, b.spec.Name).Scan(&next.LastKey, &next.Batches, &next.Rows, &next.Done)
		},
		body: func(tx pgx.Tx) error {
			if next.Done {
				return nil
			}
			lo := next.LastKey
			hi, err := b.upperBound(ctx, tx, lo)
			if err != nil {
				return err
			}
			tag, err := tx.Exec(ctx, b.statement(lo, hi))
			if err != nil {
				return err
			}
			next.Batches++
			next.Rows += tag.RowsAffected()
			if hi == nil {
				next.Done = true
			} else {
				next.LastKey = hi
			}
			_, err = tx.Exec(ctx, `UPDATE `+b.progress+` SET last_key = $2, batches = $3, rows = $4, updated_at = now(),
  finished_at = CASE WHEN $5 THEN now() END WHERE name = $1`,
				pgx.QueryExecModeSimpleProtocol, b.spec.Name, next.LastKey, next.Batches, next.Rows, next.Done)
			return err
		},
		onRetry: func(attempt int, err error, blockers []BlockingSession) {
			if b.logger == nil {
				return
			}
			attrs := []any{"backfill", b.spec.Name, "attempt", attempt, "of", b.pol.attempts, "lock_timeout", b.pol.timeout}
			for i, s := range blockers {
				attrs = append(attrs, fmt.Sprintf("blocker%d", i+1), s.String())
			}
			b.logger.Warn("migrate: a backfill batch could not get its lock in time; retrying", attrs...)
		},
	}
	retries, blockers, exhausted, err = r.run(ctx)
	if err == nil {
		next.Retries, next.Elapsed, next.Estimate, next.Name = p.Retries, p.Elapsed, p.Estimate, p.Name
		*p = next
	}
	return retries, blockers, exhausted, err
}

// upperBound returns the key of the last row of the next batch, or nil
// when fewer than BatchSize rows remain: the last batch.
func (b *backfill) upperBound(ctx context.Context, tx pgx.Tx, lo []string) ([]string, error) {
	// The keys are qualified in ORDER BY, where a bare name would mean
	// the output column of the same name: its text.
	texts := make([]string, len(b.keys))
	order := make([]string, len(b.keys))
	for i, k := range b.keys {
		texts[i] = "t." + k + "::text"
		order[i] = "t." + k
	}
	q := "SELECT " + strings.Join(texts, ", ") + " FROM " + b.table + " AS t"
	if lo != nil {
		q += " WHERE " + b.compare(">", lo)
	}
	q += " ORDER BY " + strings.Join(order, ", ") + " LIMIT 1 OFFSET " + strconv.Itoa(b.spec.BatchSize-1)
	hi := make([]string, len(b.keys))
	dest := make([]any, len(hi))
	for i := range hi {
		dest[i] = &hi[i]
	}
	err := tx.QueryRow(ctx, q).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return hi, err
}

// compare writes "(k1, k2) op (v1, v2)" with the values as literals: the
// backfill's statements carry no parameters, so that the text of SQL is
// sent as written.
func (b *backfill) compare(op string, vals []string) string {
	lits := make([]string, len(vals))
	for i, v := range vals {
		lits[i] = quoteLiteral(v)
	}
	if len(b.keys) == 1 {
		return b.keys[0] + " " + op + " " + lits[0]
	}
	return "(" + strings.Join(b.keys, ", ") + ") " + op + " (" + strings.Join(lits, ", ") + ")"
}

// statement is the change of the batch of keys in (lo, hi]; nil bounds
// are open.
func (b *backfill) statement(lo, hi []string) string {
	var conds []string
	if lo != nil {
		conds = append(conds, b.compare(">", lo))
	}
	if hi != nil {
		conds = append(conds, b.compare("<=", hi))
	}
	if b.spec.SQL == "" {
		if b.spec.Where != "" {
			conds = append(conds, "("+b.spec.Where+")")
		}
		q := "UPDATE " + b.table + " SET " + b.spec.Set
		if len(conds) > 0 {
			q += " WHERE " + strings.Join(conds, " AND ")
		}
		return q
	}
	cte := "batch AS (SELECT " + strings.Join(b.keys, ", ") + " FROM " + b.table
	if len(conds) > 0 {
		cte += " WHERE " + strings.Join(conds, " AND ")
	}
	cte += ")"
	sql := strings.TrimSpace(b.spec.SQL)
	toks, _ := lex(sql)
	switch {
	case len(toks) > 1 && toks[0].Is("WITH") && toks[1].Is("RECURSIVE"):
		return "WITH RECURSIVE " + cte + ", " + strings.TrimSpace(sql[toks[1].End():])
	case len(toks) > 0 && toks[0].Is("WITH"):
		return "WITH " + cte + ", " + strings.TrimSpace(sql[toks[0].End():])
	}
	return "WITH " + cte + " " + sql
}

// quoteLiteral writes s as an escape string constant, which reads the
// same whatever standard_conforming_strings says.
func quoteLiteral(s string) string {
	return "E'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", "''") + "'"
}
