package runtime

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Bulk describes the rows of T that generated batch writes send: the
// keyed updates of UpdateMany, the keys of DeleteMany, HardDeleteMany and
// RestoreMany, the new rows of the batch upserts. Generated code declares
// one per row type and key, and passes it to UpdateMany, WriteMany,
// UpsertMany or CreateManyIfAbsent with the statement to run.
//
// Every batch write works the same way. Every row is validated before
// any SQL (all failing rows and fields reported at once). The rows are
// put in key order (Key), and two rows naming the same row of the table
// are refused with a validation error naming both, before any SQL: a
// statement may not affect a row twice, and the order makes two batches
// over overlapping keys lock their rows in the same order, so they wait
// for each other instead of deadlocking. The rows then go to the server
// as one array per column (Columns), DefaultBulkChunk rows per statement
// at most (WithBulkChunk); a batch of several statements runs in one
// transaction (see UpdateMany).
type Bulk[T any] struct {
	// Table is the table's SQL name, for the errors.
	Table string
	// Key orders two rows by the key the statement matches them by: the
	// primary key, or the unique key of an upsert. 0 means that both name
	// the same row.
	Key func(a, b *T) int
	// Validate checks one row before any SQL; nil when the table has no
	// rules.
	Validate func(*T) error
	// Columns are the array parameters of the statement, in placeholder
	// order: one value of each row per column.
	Columns []BulkColumn[T]
}

// By returns b ordering rows by key instead: the batch upserts of one
// table share the columns of its insert struct, each ordering by its own
// unique key.
func (b *Bulk[T]) By(key func(a, b *T) int) *Bulk[T] {
	c := *b
	c.Key = key
	return &c
}

// BulkColumn is one array parameter of a batch statement: the value of
// one field of every row. Array and TextArray make them.
type BulkColumn[T any] interface {
	// array returns the parameter holding the value of each row of rows
	// at the indexes at, in that order.
	array(rows []T, at []int) (any, error)
}

// Versioned is the key of a row with the version the caller read: what
// DeleteMany of a table with optimistic_lock takes for each row, as
// Delete takes the key and the version.
type Versioned[K, V any] struct {
	Key     K `json:"key"`
	Version V `json:"version"`
}

// RowError is one input row that stopped a batch write.
type RowError struct {
	// Index is the row's index in the slice the caller passed.
	Index int
	// Kind is KindNotFound for a key without a row in the caller's sight
	// (an update's), KindConflict for a stale version (ErrStaleVersion)
	// or a key held by a row the caller cannot see (ErrHiddenKey).
	Kind Kind
}

// The states a batch statement reports for a row, in the first column of
// each result row; the second is the row's position in the arrays
// (1-based). Generated statements write them as constants.
const (
	// BulkWritten is a row the statement wrote (updated, deleted,
	// restored, inserted); its columns follow when the statement returns
	// rows.
	BulkWritten = 0
	// BulkMissing is a key without a row in the caller's sight: its
	// tenant's, live unless the method reaches deleted rows.
	BulkMissing = 1
	// BulkStale is a row whose version is not the one given.
	BulkStale = 2
	// BulkFound is a row CreateManyIfAbsent found in the way and left
	// unchanged; its columns follow.
	BulkFound = 3
)

// DefaultBulkChunk is the most rows one batch statement carries: larger
// batches are split into statements of this many rows, run in one
// transaction. Each array parameter must stay under PostgreSQL's limit
// of 1 GB for one value: with values of 50 kB on average, that is 20,000
// rows.
const DefaultBulkChunk = 20_000

// bulkChunkKey is the context key of WithBulkChunk.
type bulkChunkKey struct{}

// WithBulkChunk returns a context whose batch writes carry at most rows
// rows per statement instead of DefaultBulkChunk: fewer for rows with
// very large values, more to send a large batch in one statement.
func WithBulkChunk(ctx context.Context, rows int) context.Context {
	return context.WithValue(ctx, bulkChunkKey{}, rows)
}

// bulkChunk returns the rows per statement of ctx.
func bulkChunk(ctx context.Context) int {
	if n, ok := ctx.Value(bulkChunkKey{}).(int); ok && n > 0 {
		return n
	}
	return DefaultBulkChunk
}

// maxReupserts is how often UpsertMany and CreateManyIfAbsent send the
// rows a statement left out (a key taken by a row committed after the
// statement started, or out of sight), as their single-row forms do.
const maxReupserts = 3

// UpdateMany runs an update of many rows by key (the statement of a
// generated UpdateMany, binding b's columns then tail) and returns how
// many rows it updated: all of them, or none. A key without a row in the
// caller's sight, or a row whose version is not the one given, stops the
// whole batch: nothing is changed, and the error lists each such row in
// DbError.Rows, with KindNotFound, or KindConflict matching
// ErrStaleVersion when any row is stale.
//
// The statement is all or nothing by itself. A batch of more than one
// statement (DefaultBulkChunk) runs in a transaction: a savepoint of db
// when db is a pgx.Tx, db's own transaction otherwise. Splitting is
// refused (KindMisuse) when db cannot begin a transaction, or is a
// connection inside a transaction begun outside pgx, whose COMMIT a
// transaction of its own would anticipate.
func UpdateMany[T any](ctx context.Context, db DBTX, b *Bulk[T], sql string, rows []T, tail ...any) (int64, error) {
	err := b.each(ctx, db, sql, rows, tail, false, func(st *bulkStatement) error {
		return st.states(nil)
	})
	if err != nil {
		return 0, err
	}
	return int64(len(rows)), nil
}

// UpdateManyReturning is UpdateMany for a statement that returns the rows
// as updated (generated UpdateManyReturning): they come back in the
// order of rows, each read with scan.
func UpdateManyReturning[T, M any](ctx context.Context, db DBTX, b *Bulk[T], sql string, scan func(*M, []any) []any, rows []T, tail ...any) ([]M, error) {
	var out []M
	err := b.each(ctx, db, sql, rows, tail, false, func(st *bulkStatement) error {
		if out == nil {
			out = make([]M, len(rows))
		}
		return readRows(st, scan, func(_ int32, i int, v *M) { out[i] = *v })
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// WriteMany runs a write of many rows by key that, like Delete, reports
// for each key whether it wrote a row (generated DeleteMany,
// HardDeleteMany and RestoreMany): done[i] is set when the row of
// rows[i] was deleted (restored). A key without a row is false, not an
// error; a stale version (DeleteMany of a table with optimistic_lock)
// stops the whole batch as in UpdateMany. Splitting is as in UpdateMany.
func WriteMany[T any](ctx context.Context, db DBTX, b *Bulk[T], sql string, rows []T, tail ...any) ([]bool, error) {
	var done []bool
	err := b.each(ctx, db, sql, rows, tail, false, func(st *bulkStatement) error {
		if done == nil {
			done = make([]bool, len(rows))
		}
		return st.states(func(i int) { done[i] = true })
	})
	if err != nil {
		return nil, err
	}
	return done, nil
}

// UpsertMany runs an insert of many rows that updates the row in the way
// of each one that conflicts on a unique key (generated UpsertManyBy…),
// and returns the rows as stored, in the order of rows. The rows a
// statement leaves out (a row in the way committed after it started, or
// one the caller cannot see: another tenant's, a deleted one) are sent
// again, up to three times in all; rows still left out stop the batch
// with a conflict (ErrHiddenKey) listing them. It always runs in a
// transaction (a savepoint of db when db is a pgx.Tx), so that the batch
// is all or nothing.
func UpsertMany[T, M any](ctx context.Context, db DBTX, b *Bulk[T], sql string, scan func(*M, []any) []any, rows []T, tail ...any) ([]M, error) {
	var out []M
	err := b.each(ctx, db, sql, rows, tail, true, func(st *bulkStatement) error {
		if out == nil {
			out = make([]M, len(rows))
		}
		return readRows(st, scan, func(_ int32, i int, v *M) { out[i] = *v })
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateManyIfAbsent runs an insert of many rows that leaves alone the
// row in the way of each one that conflicts on a unique key (generated
// CreateManyIfAbsentBy…), and returns, in the order of rows, the new
// rows or the rows found in the way, and whether each was created. Rows
// left out are sent again as in UpsertMany, in a transaction.
func CreateManyIfAbsent[T, M any](ctx context.Context, db DBTX, b *Bulk[T], sql string, scan func(*M, []any) []any, rows []T, tail ...any) ([]M, []bool, error) {
	var out []M
	var created []bool
	err := b.each(ctx, db, sql, rows, tail, true, func(st *bulkStatement) error {
		if out == nil {
			out, created = make([]M, len(rows)), make([]bool, len(rows))
		}
		return readRows(st, scan, func(state int32, i int, v *M) {
			out[i], created[i] = *v, state == BulkWritten
		})
	})
	if err != nil {
		return nil, nil, err
	}
	return out, created, nil
}

// bulkStatement is one statement of a batch write: the rows it sends
// (indexes into the caller's slice, in the order sent), its result, and
// what it found wrong.
type bulkStatement struct {
	part []int
	res  pgx.Rows
	// seen marks, by position in part, the rows the result named.
	seen []bool
	// bad are the rows that stop the batch.
	bad *[]RowError
}

// each runs the statement sql over rows in key order, a chunk at a time,
// with read reading each statement's result. upsert marks the batch
// upserts: they run in a transaction and resend the rows a statement
// leaves out.
func (b *Bulk[T]) each(ctx context.Context, db DBTX, sql string, rows []T, tail []any, upsert bool, read func(*bulkStatement) error) error {
	if len(rows) == 0 {
		return nil
	}
	at, err := b.prepare(rows)
	if err != nil {
		return err
	}
	chunk := bulkChunk(ctx)
	run := func(db DBTX) error {
		var bad []RowError
		pending := at
		for attempt := 1; len(pending) > 0; attempt++ {
			var left []int
			for lo := 0; lo < len(pending); lo += chunk {
				part := pending[lo:min(lo+chunk, len(pending))]
				args, err := b.args(rows, part, tail)
				if err != nil {
					return err
				}
				res, err := db.Query(ctx, sql, args...)
				if err != nil {
					return err
				}
				st := &bulkStatement{part: part, res: res, seen: make([]bool, len(part)), bad: &bad}
				if err := read(st); err != nil {
					return err
				}
				if upsert {
					for k, ok := range st.seen {
						if !ok {
							left = append(left, part[k])
						}
					}
				}
			}
			if len(left) > 0 && attempt == maxReupserts {
				for _, i := range left {
					bad = append(bad, RowError{Index: i, Kind: KindConflict})
				}
				break
			}
			pending = left
		}
		if len(bad) > 0 {
			return rowsError(b.Table, bad, upsert)
		}
		return nil
	}
	if !upsert && len(at) <= chunk {
		return run(db)
	}
	return inBulkTx(ctx, db, len(rows), chunk, run)
}

// prepare validates every row and returns the indexes of rows in key
// order, or the error naming the rows that fail or share a key.
func (b *Bulk[T]) prepare(rows []T) ([]int, error) {
	if b.Validate != nil {
		var fields []FieldError
		for i := range rows {
			if err := b.Validate(&rows[i]); err != nil {
				fields = append(fields, rowFields(i, err)...)
			}
		}
		if len(fields) > 0 {
			return nil, NewValidationError("", b.Table, fields)
		}
	}
	at := make([]int, len(rows))
	sorted := true
	for i := range at {
		at[i] = i
		if i > 0 && sorted && b.Key(&rows[i-1], &rows[i]) >= 0 {
			sorted = false
		}
	}
	if sorted {
		return at, nil
	}
	slices.SortFunc(at, func(i, j int) int {
		if c := b.Key(&rows[i], &rows[j]); c != 0 {
			return c
		}
		return i - j
	})
	var fields []FieldError
	first := 0
	for k := 1; k < len(at); k++ {
		if b.Key(&rows[at[k-1]], &rows[at[k]]) != 0 {
			first = k
			continue
		}
		fields = append(fields, FieldError{
			Field:   "[" + strconv.Itoa(at[k]) + "]",
			Message: "has the key of row " + strconv.Itoa(at[first]) + "; a batch may write each row once",
		})
	}
	if len(fields) > 0 {
		slices.SortFunc(fields, func(a, b FieldError) int { return cmpIndex(a.Field, b.Field) })
		return nil, NewValidationError("", b.Table, fields)
	}
	return at, nil
}

// cmpIndex orders field names "[i]" by i.
func cmpIndex(a, b string) int {
	i, _ := strconv.Atoi(strings.Trim(a, "[]"))
	j, _ := strconv.Atoi(strings.Trim(b, "[]"))
	return i - j
}

// rowFields returns the failing fields of row i, named "[i].field" (or
// "[i]" for an error without fields).
func rowFields(i int, err error) []FieldError {
	prefix := "[" + strconv.Itoa(i) + "]"
	var de *DbError
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return []FieldError{{Field: prefix, Message: err.Error()}}
	}
	out := make([]FieldError, len(de.Fields))
	for k, f := range de.Fields {
		out[k] = FieldError{Field: prefix + "." + f.Field, Message: f.Message}
	}
	return out
}

// args returns the parameters of a statement over the rows at part:
// b's arrays, then tail.
func (b *Bulk[T]) args(rows []T, part []int, tail []any) ([]any, error) {
	out := make([]any, 0, len(b.Columns)+len(tail))
	for _, c := range b.Columns {
		a, err := c.array(rows, part)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return append(out, tail...), nil
}

// index returns the caller's index of the row a result row names by its
// position ord, and marks it seen.
func (st *bulkStatement) index(ord int64) (int, error) {
	if ord < 1 || ord > int64(len(st.part)) {
		return 0, fmt.Errorf("batch statement named row %d of %d", ord, len(st.part))
	}
	st.seen[ord-1] = true
	return st.part[ord-1], nil
}

// states reads a result of (state, position) rows: written rows go to
// written (nil when the statement names only the rows that stop it),
// missing and stale ones to the rows that stop the batch.
func (st *bulkStatement) states(written func(i int)) error {
	res := st.res
	defer res.Close()
	var state int32
	var ord int64
	for res.Next() {
		if err := res.Scan(&state, &ord); err != nil {
			return err
		}
		i, err := st.index(ord)
		if err != nil {
			return err
		}
		st.note(state, i, written)
	}
	return res.Err()
}

// note files row i under its state.
func (st *bulkStatement) note(state int32, i int, written func(int)) {
	switch state {
	case BulkMissing:
		*st.bad = append(*st.bad, RowError{Index: i, Kind: KindNotFound})
	case BulkStale:
		*st.bad = append(*st.bad, RowError{Index: i, Kind: KindConflict})
	default:
		if written != nil {
			written(i)
		}
	}
}

// readRows reads a result of (state, position, columns…) rows: the
// columns of written and found rows are read with scan and given to
// each; missing and stale rows, whose columns are NULL, stop the batch.
func readRows[M any](st *bulkStatement, scan func(*M, []any) []any, each func(state int32, i int, v *M)) error {
	res := st.res
	defer res.Close()
	var (
		state, zeroState int32
		ord              int64
		v, zero          M
		skip             []any
	)
	dest := scan(&v, []any{&state, &ord})
	for res.Next() {
		peek, err := peekState(res)
		if err != nil {
			return err
		}
		if peek == BulkMissing || peek == BulkStale {
			if skip == nil {
				skip = make([]any, len(res.FieldDescriptions()))
			}
			skip[0], skip[1] = &state, &ord
			if err := res.Scan(skip...); err != nil {
				return err
			}
		} else {
			v, state = zero, zeroState
			if err := res.Scan(dest...); err != nil {
				return err
			}
		}
		i, err := st.index(ord)
		if err != nil {
			return err
		}
		if peek == BulkMissing || peek == BulkStale {
			st.note(peek, i, nil)
		} else {
			each(peek, i, &v)
		}
	}
	return res.Err()
}

// peekState decodes the state of the current row (an int4, in either
// format) without scanning the row, which tells whether its other
// columns hold a row.
func peekState(rows pgx.Rows) (int32, error) {
	raw := rows.RawValues()
	fields := rows.FieldDescriptions()
	if len(raw) < 2 || len(fields) < 2 || raw[0] == nil {
		return 0, fmt.Errorf("batch statement returned no row state")
	}
	if fields[0].Format == pgx.BinaryFormatCode {
		if len(raw[0]) != 4 {
			return 0, fmt.Errorf("batch statement returned a row state of %d bytes", len(raw[0]))
		}
		return int32(binary.BigEndian.Uint32(raw[0])), nil
	}
	n, err := strconv.ParseInt(string(raw[0]), 10, 32)
	if err != nil {
		return 0, fmt.Errorf("batch statement returned a row state that is not an integer")
	}
	return int32(n), nil
}

// rowsError is the error of a batch stopped by rows: KindConflict when a
// row is stale or hidden (upsert), KindNotFound otherwise.
func rowsError(table string, bad []RowError, upsert bool) error {
	slices.SortFunc(bad, func(a, b RowError) int { return a.Index - b.Index })
	var missing, conflicting []int
	for _, r := range bad {
		if r.Kind == KindNotFound {
			missing = append(missing, r.Index)
		} else {
			conflicting = append(conflicting, r.Index)
		}
	}
	e := &DbError{Kind: KindNotFound, Table: table, OpTable: table, Rows: bad}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("%s no row of %s in sight", rowList(missing), table))
	}
	if len(conflicting) > 0 {
		e.Kind = KindConflict
		if upsert {
			e.Err = ErrHiddenKey
			parts = append(parts, fmt.Sprintf("%s: %s", rowList(conflicting), ErrHiddenKey.Error()))
		} else {
			e.Err = ErrStaleVersion
			parts = append(parts, fmt.Sprintf("%s a stale version: the row was changed since it was read", rowList(conflicting)))
		}
	}
	e.Message = strings.Join(parts, "; ") + "; the batch changed nothing"
	return e
}

// rowList names rows by index for a message, the first 10 of them: "row
// 3 has", "rows 3, 8 and 12 have".
func rowList(idx []int) string {
	const shown = 10
	parts := make([]string, 0, min(len(idx), shown))
	for _, i := range idx[:min(len(idx), shown)] {
		parts = append(parts, strconv.Itoa(i))
	}
	s := strings.Join(parts, ", ")
	if len(idx) > shown {
		s += fmt.Sprintf(" and %d more", len(idx)-shown)
	} else if len(idx) > 1 {
		k := strings.LastIndex(s, ", ")
		s = s[:k] + " and " + s[k+2:]
	}
	if len(idx) == 1 {
		return "row " + s + " has"
	}
	return "rows " + s + " have"
}

// inBulkTx runs fn in a transaction of db, with db's tenant scope and
// actor when it has them: a savepoint when db is a pgx.Tx, db's own
// transaction otherwise (retried as InTx retries). n and chunk say why,
// for the error when db cannot have one.
func inBulkTx(ctx context.Context, db DBTX, n, chunk int, fn func(DBTX) error) error {
	inner, wrap := unwrapBulkDB(db)
	if err := checkSplittable(inner, n, chunk); err != nil {
		return err
	}
	return InTx(ctx, inner, TxOptions{}, func(tx pgx.Tx) error { return fn(wrap(tx)) })
}

// unwrapBulkDB returns the database db runs on beneath its tenant scope
// (ScopedDB), actor (ActingDB) and cache invalidations (Invalidating),
// and the function that puts them back on a transaction of it.
func unwrapBulkDB(db DBTX) (DBTX, func(DBTX) DBTX) {
	switch d := db.(type) {
	case ActingDB:
		inner, wrap := unwrapBulkDB(d.db)
		return inner, func(tx DBTX) DBTX { return ActingDB{db: wrap(tx), actor: d.actor} }
	case ScopedDB:
		inner, wrap := unwrapBulkDB(d.db)
		return inner, func(tx DBTX) DBTX { return ScopedDB{db: wrap(tx), tenant: d.tenant, zero: d.zero} }
	case *invalidatingDB:
		inner, wrap := unwrapBulkDB(d.db)
		return inner, func(tx DBTX) DBTX { return Invalidating(wrap(tx), d.invs...) }
	}
	return db, func(tx DBTX) DBTX { return tx }
}

// checkSplittable refuses a db on which a batch cannot have a
// transaction of its own: one that cannot begin one, and a connection
// inside a transaction begun outside pgx (with Exec("BEGIN")), whose
// COMMIT the batch's own would anticipate.
func checkSplittable(db DBTX, n, chunk int) error {
	why := fmt.Sprintf("a batch of %d rows (more than %d, one statement's worth, or an upsert) runs in a transaction", n, chunk)
	if n <= chunk {
		why = "a batch upsert runs in a transaction, to be all or nothing"
	}
	var status byte
	switch c := db.(type) {
	case pgx.Tx:
		return nil
	case *pgx.Conn:
		status = c.PgConn().TxStatus()
	case *pgxpool.Conn:
		status = c.Conn().PgConn().TxStatus()
	}
	if status != 0 && status != 'I' {
		return &DbError{Kind: KindMisuse, Message: why + ", but the connection is already inside a transaction begun " +
			"outside pgx, which a transaction of the batch's own would end: pass that transaction as a pgx.Tx " +
			"(begin it with Begin), or send fewer rows (WithBulkChunk)"}
	}
	if _, ok := db.(beginner); !ok {
		return &DbError{Kind: KindMisuse, Message: fmt.Sprintf("%s, but %T cannot begin one: pass a *runtime.DB, a pool, "+
			"a connection or a pgx.Tx", why, db)}
	}
	return nil
}
