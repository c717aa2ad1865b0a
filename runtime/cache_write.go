package runtime

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/cpcgen/cpcgen/runtime/internal/firstrow"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// cacheNotifySQL sends an invalidation notification; it is delivered
// to the listeners when the transaction it runs in commits, and not at
// all when it rolls back.
const cacheNotifySQL = "-- name: runtime.CacheNotify\nSELECT pg_notify($1, $2)"

// maxNotifyPayload is the longest payload sent: PostgreSQL's limit is
// 8000 bytes, less one.
const maxNotifyPayload = 7999

// Invalidating returns db for a write whose invalidated keys are known
// before it runs (an update or delete by primary key): every statement
// run through the result is sent in one batch with the notification of
// invs, so both commit together, in one round trip, whether db is a
// pool or a transaction; and once the statement has committed, invs are
// applied to db's own caches. Inside a transaction the DB began (InTx,
// DB.Begin), they are applied when it commits, and dropped when it
// rolls back. A generated Update:
//
//	db := runtime.Scope(runtime.Invalidating(r.db, customersCache.Keys(tenant, id)), tenant)
//	if err := scanCustomer(db.QueryRow(ctx, sqlCustomersUpdate, …), &v); err != nil { … }
//
// A COPY cannot share a batch: CopyFrom sends the notification after
// the COPY, in the same transaction (its own when db is not one). With
// no invalidations, Invalidating returns db itself: a generated write
// whose invalidations depend on what it changes may have none.
func Invalidating(db DBTX, invs ...Invalidation) DBTX {
	if len(invs) == 0 {
		return db
	}
	return &invalidatingDB{db: db, invs: invs, payload: notificationPayload(originOf(db), invs)}
}

// Invalidate sends the notification of invs in the transaction tx, and
// has them applied to the caches of tx's DB when it commits: for a
// write whose keys come back from the statement (an upsert on a unique
// key, a batch update with RETURNING). tx must be a transaction (or a
// Scope of one), so that the notification commits with the write; a
// generated method outside one runs both in InTx:
//
//	err := runtime.InTx(ctx, r.db, runtime.TxOptions{}, func(tx pgx.Tx) error {
//		if err := scanAccount(tx.QueryRow(ctx, sqlAccountsUpsertByUserIDAndName, …), &v); err != nil {
//			return err
//		}
//		return runtime.Invalidate(ctx, tx, accountsCache.Keys(runtime.NoTenant{}, v.ID))
//	})
func Invalidate(ctx context.Context, tx DBTX, invs ...Invalidation) error {
	const op = "runtime.Invalidate"
	inner := tx
	if s, ok := tx.(ScopedDB); ok {
		inner = s.db
	}
	if _, ok := inner.(pgx.Tx); !ok {
		return &DbError{Kind: KindUnknown, Op: op, Message: fmt.Sprintf(
			"needs a transaction, got %T: the notification must commit with the write; run the write and Invalidate in InTx", tx)}
	}
	if len(invs) == 0 {
		return nil
	}
	_, err := inner.Exec(ctx, cacheNotifySQL, CacheChannel, notificationPayload(originOf(inner), invs))
	applyAfterWrite(ctx, inner, invs)
	if err != nil {
		return Wrap(err, op, "")
	}
	return nil
}

// applyAfterWrite applies invs to the caches of the DB behind db once a
// write through db has run: at once on a *DB (the write has committed),
// at commit in a transaction the DB began. Through anything else the
// DB's listener applies them when their notification arrives.
func applyAfterWrite(ctx context.Context, db DBTX, invs []Invalidation) {
	switch d := db.(type) {
	case *DB:
		if d.caches != nil {
			d.caches.apply(ctx, invs, false)
		}
	case *cacheTx:
		d.pending.add(invs)
	case ScopedDB:
		applyAfterWrite(ctx, d.db, invs)
	case *invalidatingDB:
		applyAfterWrite(ctx, d.db, invs)
	}
}

// originOf returns the id of the row caches that apply a write through
// db themselves (see applyAfterWrite), so that their own listener skips
// its notification; "" when nobody does.
func originOf(db DBTX) string {
	switch d := db.(type) {
	case *DB:
		if d.caches != nil {
			return d.caches.id
		}
	case *cacheTx:
		return d.rc.id
	case ScopedDB:
		return originOf(d.db)
	case *invalidatingDB:
		return originOf(d.db)
	}
	return ""
}

// invalidatingDB is what Invalidating returns.
type invalidatingDB struct {
	db      DBTX
	invs    []Invalidation
	payload string
}

func (w *invalidatingDB) batch(sql string, args []any) *pgx.Batch {
	b := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, 0, 2)}
	b.Queue(sql, args...)
	b.Queue(cacheNotifySQL, CacheChannel, w.payload)
	return b
}

// after applies the invalidations once the batch has ended, whatever
// its outcome: a failed write changed nothing, and one whose outcome is
// unknown (a connection lost at commit) may have committed.
func (w *invalidatingDB) after(ctx context.Context) {
	applyAfterWrite(ctx, w.db, w.invs)
}

// Exec runs sql and the notification in one batch.
func (w *invalidatingDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	br := w.db.SendBatch(ctx, w.batch(sql, args))
	tag, err := br.Exec()
	cerr := br.Close()
	w.after(ctx)
	if err == nil {
		err = cerr
	}
	return tag, err
}

// Query runs sql and the notification in one batch; closing the rows
// ends it.
func (w *invalidatingDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	br := w.db.SendBatch(ctx, w.batch(sql, args))
	rows, err := br.Query()
	if err != nil {
		br.Close()
		w.after(ctx)
		return nil, err
	}
	return &scopedRows{Rows: rows, br: br, after: w, ctx: ctx}, nil
}

// QueryRow runs sql and the notification in one batch; Scan ends it.
func (w *invalidatingDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := w.Query(ctx, sql, args...)
	return firstrow.Row{Rows: rows, Err: err}
}

// SendBatch sends b with the notification queued after its statements.
func (w *invalidatingDB) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	nb := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, 0, len(b.QueuedQueries)+1)}
	nb.QueuedQueries = append(nb.QueuedQueries, b.QueuedQueries...)
	nb.Queue(cacheNotifySQL, CacheChannel, w.payload)
	return &invalidatingBatch{BatchResults: w.db.SendBatch(ctx, nb), w: w, ctx: ctx}
}

// CopyFrom copies the rows and then sends the notification, in db's
// transaction, or in a transaction of their own when db is not one (a
// COPY is its own statement and cannot share a batch).
func (w *invalidatingDB) CopyFrom(ctx context.Context, tableName pgx.Identifier, columnNames []string, rowSrc pgx.CopyFromSource) (int64, error) {
	copyAndNotify := func(tx DBTX) (int64, error) {
		n, err := tx.CopyFrom(ctx, tableName, columnNames, rowSrc)
		if err != nil {
			return n, err
		}
		_, err = tx.Exec(ctx, cacheNotifySQL, CacheChannel, w.payload)
		return n, err
	}
	if isTx(w.db) {
		n, err := copyAndNotify(w.db)
		w.after(ctx)
		return n, err
	}
	var n int64
	// One attempt: the rows of a source are read once.
	err := InTx(ctx, w.db, TxOptions{MaxAttempts: 1}, func(tx pgx.Tx) error {
		var err error
		n, err = copyAndNotify(tx)
		if err == nil {
			applyAfterWrite(ctx, tx, w.invs)
		}
		return err
	})
	return n, err
}

// isTx reports whether db runs in a transaction.
func isTx(db DBTX) bool {
	switch d := db.(type) {
	case pgx.Tx:
		return true
	case ScopedDB:
		return isTx(d.db)
	case *invalidatingDB:
		return isTx(d.db)
	}
	return false
}

// invalidatingBatch are the results of invalidatingDB.SendBatch: Close
// reads the notification's result and applies the invalidations.
type invalidatingBatch struct {
	pgx.BatchResults
	w      *invalidatingDB
	ctx    context.Context
	closed bool
}

func (b *invalidatingBatch) Close() error {
	err := b.BatchResults.Close()
	if !b.closed {
		b.closed = true
		b.w.after(b.ctx)
	}
	return err
}

// pendingInvalidations are the invalidations of a transaction's writes,
// applied when it commits.
type pendingInvalidations struct {
	mu   sync.Mutex
	invs []Invalidation
}

func (p *pendingInvalidations) add(invs []Invalidation) {
	p.mu.Lock()
	p.invs = append(p.invs, invs...)
	p.mu.Unlock()
}

func (p *pendingInvalidations) take() []Invalidation {
	p.mu.Lock()
	defer p.mu.Unlock()
	invs := p.invs
	p.invs = nil
	return invs
}

// cacheTx is a transaction begun by a DB with caching on: the
// invalidations of the writes run in it (and in its savepoints) are
// applied to the DB's caches after it commits. A savepoint rolled back
// keeps its invalidations: applying too many is safe.
type cacheTx struct {
	pgx.Tx
	rc      *rowCaches
	pending *pendingInvalidations
	root    bool
}

// Begin starts a savepoint, whose writes' invalidations join the
// transaction's.
func (t *cacheTx) Begin(ctx context.Context) (pgx.Tx, error) {
	sp, err := t.Tx.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return &cacheTx{Tx: sp, rc: t.rc, pending: t.pending}, nil
}

// Commit commits, then applies the invalidations: also when COMMIT
// failed, since a commit whose answer was lost may have happened.
func (t *cacheTx) Commit(ctx context.Context) error {
	err := t.Tx.Commit(ctx)
	if t.root {
		if invs := t.pending.take(); len(invs) > 0 {
			t.rc.apply(ctx, invs, false)
		}
	}
	return err
}

// Rollback rolls back and drops the invalidations.
func (t *cacheTx) Rollback(ctx context.Context) error {
	err := t.Tx.Rollback(ctx)
	if t.root {
		t.pending.take()
	}
	return err
}

// notificationPayload returns the text of the notification of invs:
// one record per line,
//
//	O <id>                      first, when the row caches with this id
//	                            applied the write themselves: their
//	                            listener skips the K and T records
//	K <table> <tenant> <key>…   the rows of table and tenant with these keys
//	T <table>                   every row of table
//	S <token>                   nothing: a marker (DB.SyncCache)
//
// fields separated by tabs, with backslash, tab and newline escaped as
// \\, \t and \n. A payload longer than PostgreSQL's limit turns the
// records with the most keys into T records until it fits.
func notificationPayload(origin string, invs []Invalidation) string {
	p := encodeRecords(origin, invs)
	if len(p) <= maxNotifyPayload {
		return p
	}
	invs = slices.Clone(invs)
	order := make([]int, len(invs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return len(invs[b].keys) - len(invs[a].keys) })
	for _, i := range order {
		if invs[i].all {
			continue
		}
		invs[i] = InvalidateTable(invs[i].table)
		if p = encodeRecords(origin, invs); len(p) <= maxNotifyPayload {
			return p
		}
	}
	return p
}

// encodeRecords writes the records of invs, one T record per table.
func encodeRecords(origin string, invs []Invalidation) string {
	var b strings.Builder
	if origin != "" {
		b.WriteString("O\t")
		writeEscaped(&b, origin)
	}
	flushed := map[string]bool{}
	for _, inv := range invs {
		if inv.all {
			if flushed[inv.table] {
				continue
			}
			flushed[inv.table] = true
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		if inv.all {
			b.WriteString("T\t")
			writeEscaped(&b, inv.table)
			continue
		}
		b.WriteString("K\t")
		writeEscaped(&b, inv.table)
		b.WriteByte('\t')
		writeEscaped(&b, inv.tenant)
		for _, k := range inv.keys {
			b.WriteByte('\t')
			writeEscaped(&b, k)
		}
	}
	return b.String()
}

func writeEscaped(b *strings.Builder, s string) {
	if !strings.ContainsAny(s, "\\\t\n") {
		b.WriteString(s)
		return
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
}

func unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(s) {
			return "", fmt.Errorf("%w: dangling backslash", errCacheBadKey)
		}
		i++
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		default:
			return "", fmt.Errorf("%w: unknown escape \\%c", errCacheBadKey, s[i])
		}
	}
	return b.String(), nil
}

// parseNotification reads a payload written by notificationPayload:
// the origin, the invalidations, and the markers. An error means the
// payload cannot be trusted to name every key: the caller flushes.
func parseNotification(payload string) (origin string, invs []Invalidation, markers []string, err error) {
	for i, line := range strings.Split(payload, "\n") {
		fields := strings.Split(line, "\t")
		for j, f := range fields {
			if fields[j], err = unescape(f); err != nil {
				return "", nil, nil, err
			}
		}
		switch {
		case fields[0] == "O" && len(fields) == 2 && i == 0:
			origin = fields[1]
		case fields[0] == "K" && len(fields) >= 3:
			invs = append(invs, Invalidation{table: fields[1], tenant: fields[2], keys: fields[3:]})
		case fields[0] == "T" && len(fields) == 2:
			invs = append(invs, InvalidateTable(fields[1]))
		case fields[0] == "S" && len(fields) == 2:
			markers = append(markers, fields[1])
		default:
			return "", nil, nil, fmt.Errorf("%w: unknown record %q", errCacheBadKey, clipValue(line))
		}
	}
	return origin, invs, markers, nil
}
