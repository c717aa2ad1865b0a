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

// Bulk describes the rows that generated batch writes send: the keyed
// updates of UpdateMany, the keys of DeleteMany, HardDeleteMany and
// RestoreMany, the new rows of the batch upserts. P is a pointer to the
// row type (*CustomerKeyedUpdate, *uuid.UUID): every function of the
// batch writes then compiles once for all tables, as pointer type
// arguments share their code. Generated code declares one per row type
// and key as a composite literal of functions (no code runs at package
// initialisation), and passes it to UpdateMany, WriteMany, UpsertMany or
// CreateManyIfAbsent with the statement to run.
//
// Every batch write works the same way. Every row is validated before
// any SQL (all failing rows and fields reported at once). The rows are
// put in key order (Key), and two rows naming the same row of the table
// are refused with a validation error naming both, before any SQL: a
// statement may not affect a row twice, and the order makes two batches
// over overlapping keys lock their rows in the same order, so they wait
// for each other instead of deadlocking. The rows then go to the server
// as one array per column (Row), DefaultBulkChunk rows per statement at
// most (WithBulkChunk); a batch of several statements runs in one
// transaction (see UpdateMany).
type Bulk[P any] struct {
	// Table is the table's SQL name, for the errors.
	Table string
	// Key orders two rows by the key the statement matches them by: the
	// primary key, or the unique key of an upsert. 0 means that both name
	// the same row.
	Key func(a, b P) int
	// Validate checks one row before any SQL; nil when the table has no
	// rules.
	Validate func(P) error
	// Row adds the values of one row to the array parameters of the
	// statement: one call of BulkRow.Add with a Cell per parameter, in
	// placeholder order.
	Row func(P, *BulkRow)
}

// KeyRow is the Row of the Bulk of the keys of a table whose primary
// key is one column of type K (generated DeleteMany, HardDeleteMany and
// RestoreMany): each key is one value of the array parameter. Generated
// code declares that Bulk in one line:
//
//	var bulkPaymentsKeys = &runtime.Bulk[*uuid.UUID]{Table: "payments", Key: func(a, b *uuid.UUID) int { return runtime.CompareUUID(*a, *b) }, Row: runtime.KeyRow[uuid.UUID]}
func KeyRow[K any](v *K, r *BulkRow) { r.Add(Elem(v)) }

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

// The entry points take the caller's []T and are compiled once per row
// type: they only point at the rows (inputRows) and, for the ones that
// return rows, allocate the result, and hand over to bulkWrite, which
// takes pointers and so compiles once for every table.

// UpdateMany runs an update of many rows by key (the statement of a
// generated UpdateMany, binding b's arrays then tail) and returns how
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
//
// op is the statement (see Op): the error is returned wrapped for it, as
// by the other functions of this file.
func UpdateMany[T any](ctx context.Context, db DBTX, b *Bulk[*T], op *Op, rows []T, tail ...any) (int64, error) {
	if err := bulkWrite(ctx, db, b, op.SQL, inputRows(rows), tail, nil); err != nil {
		return 0, op.wrap(err)
	}
	return int64(len(rows)), nil
}

// UpdateManyReturning is UpdateMany for a statement that returns the rows
// as updated (generated UpdateManyReturning): they come back in the
// order of rows, each read with scan.
func UpdateManyReturning[T, M any](ctx context.Context, db DBTX, b *Bulk[*T], op *Op, scan func(*M, []any) []any, rows []T, tail ...any) ([]M, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	out := make([]M, len(rows))
	read := &bulkRead{scan: func(i int, dest []any) []any { return scan(&out[i], dest) }}
	if err := bulkWrite(ctx, db, b, op.SQL, inputRows(rows), tail, read); err != nil {
		return nil, op.wrap(err)
	}
	return out, nil
}

// WriteMany runs a write of many rows by key that, like Delete, reports
// for each key whether it wrote a row (generated DeleteMany,
// HardDeleteMany and RestoreMany): done[i] is set when the row of
// rows[i] was deleted (restored). A key without a row is false, not an
// error; a stale version (DeleteMany of a table with optimistic_lock)
// stops the whole batch as in UpdateMany. Splitting is as in UpdateMany.
func WriteMany[T any](ctx context.Context, db DBTX, b *Bulk[*T], op *Op, rows []T, tail ...any) ([]bool, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	done := make([]bool, len(rows))
	if err := bulkWrite(ctx, db, b, op.SQL, inputRows(rows), tail, &bulkRead{written: done}); err != nil {
		return nil, op.wrap(err)
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
func UpsertMany[T, M any](ctx context.Context, db DBTX, b *Bulk[*T], op *Op, scan func(*M, []any) []any, rows []T, tail ...any) ([]M, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	out := make([]M, len(rows))
	read := &bulkRead{upsert: true, scan: func(i int, dest []any) []any { return scan(&out[i], dest) }}
	if err := bulkWrite(ctx, db, b, op.SQL, inputRows(rows), tail, read); err != nil {
		return nil, op.wrap(err)
	}
	return out, nil
}

// CreateManyIfAbsent runs an insert of many rows that leaves alone the
// row in the way of each one that conflicts on a unique key (generated
// CreateManyIfAbsentBy…), and returns, in the order of rows, the new
// rows or the rows found in the way, and whether each was created. Rows
// left out are sent again as in UpsertMany, in a transaction.
func CreateManyIfAbsent[T, M any](ctx context.Context, db DBTX, b *Bulk[*T], op *Op, scan func(*M, []any) []any, rows []T, tail ...any) ([]M, []bool, error) {
	if len(rows) == 0 {
		return nil, nil, nil
	}
	out, created := make([]M, len(rows)), make([]bool, len(rows))
	read := &bulkRead{upsert: true, written: created, scan: func(i int, dest []any) []any { return scan(&out[i], dest) }}
	if err := bulkWrite(ctx, db, b, op.SQL, inputRows(rows), tail, read); err != nil {
		return nil, nil, op.wrap(err)
	}
	return out, created, nil
}

// inputRow is a row of a batch with its index in the caller's slice.
type inputRow[P any] struct {
	p P
	i int
}

// inputRows points at each of rows. It is compiled once per row type
// (every table's); not inlined, its one copy serves every entry point
// taking that type.
//
//go:noinline
func inputRows[T any](rows []T) []inputRow[*T] {
	out := make([]inputRow[*T], len(rows))
	for i := range rows {
		out[i] = inputRow[*T]{&rows[i], i}
	}
	return out
}

// bulkRead says what a batch write reads from the result of each
// statement. Every statement reports the rows that stop the batch
// (missing, stale).
type bulkRead struct {
	// upsert marks the batch upserts: they run in a transaction and send
	// again the rows a statement leaves out.
	upsert bool
	// written, when not nil, is set for each row the statement reports
	// written (BulkWritten), by the caller's index.
	written []bool
	// scan, when not nil, returns the destinations of the columns of the
	// written (or found) row of index i, appended to dest.
	scan func(i int, dest []any) []any
}

// bulkStatement is one statement of a batch write: the rows it sends
// (in the order sent), its result, and what it found wrong.
type bulkStatement[P any] struct {
	part []inputRow[P]
	res  pgx.Rows
	// seen marks, by position in part, the rows the result named.
	seen []bool
	// bad are the rows that stop the batch.
	bad *[]RowError
}

// bulkWrite runs the statement sql over rows in key order, a chunk at a
// time, reading each statement's result as read says (nil: for the rows
// that stop the batch only).
func bulkWrite[P any](ctx context.Context, db DBTX, b *Bulk[P], sql string, rows []inputRow[P], tail []any, how *bulkRead) error {
	if len(rows) == 0 {
		return nil
	}
	var read bulkRead
	if how != nil {
		read = *how
	}
	if err := prepareBulk(b, rows); err != nil {
		return err
	}
	chunk := bulkChunk(ctx)
	run := func(db DBTX) error {
		var bad []RowError
		var params BulkRow
		pending := rows
		for attempt := 1; len(pending) > 0; attempt++ {
			var left []inputRow[P]
			for lo := 0; lo < len(pending); lo += chunk {
				part := pending[lo:min(lo+chunk, len(pending))]
				args, err := bulkArgs(b, &params, part, tail)
				if err != nil {
					return err
				}
				res, err := db.Query(ctx, sql, args...)
				if err != nil {
					return err
				}
				st := &bulkStatement[P]{part: part, res: res, seen: make([]bool, len(part)), bad: &bad}
				if err := readBulk(st, read); err != nil {
					return err
				}
				if read.upsert {
					for k, ok := range st.seen {
						if !ok {
							left = append(left, part[k])
						}
					}
				}
			}
			if len(left) > 0 && attempt == maxReupserts {
				for _, r := range left {
					bad = append(bad, RowError{Index: r.i, Kind: KindConflict})
				}
				break
			}
			pending = left
		}
		if len(bad) > 0 {
			return rowsError(b.Table, bad, read.upsert)
		}
		return nil
	}
	if !read.upsert && len(rows) <= chunk {
		return run(db)
	}
	return inBulkTx(ctx, db, len(rows), chunk, run)
}

// prepareBulk validates every row and puts rows in key order, or returns
// the error naming the rows that fail or share a key.
//
// The functions over a Bulk and a bulkStatement are not methods: a
// method of a generic type is compiled into a wrapper of its own for
// every type argument (every table), which a function is not.
func prepareBulk[P any](b *Bulk[P], rows []inputRow[P]) error {
	if b.Validate != nil {
		var fields []FieldError
		for _, r := range rows {
			if err := b.Validate(r.p); err != nil {
				fields = append(fields, rowFields(r.i, err)...)
			}
		}
		if len(fields) > 0 {
			return NewValidationError("", b.Table, fields)
		}
	}
	sorted := true
	for k := 1; k < len(rows) && sorted; k++ {
		sorted = b.Key(rows[k-1].p, rows[k].p) < 0
	}
	if sorted {
		return nil
	}
	slices.SortFunc(rows, func(x, y inputRow[P]) int {
		if c := b.Key(x.p, y.p); c != 0 {
			return c
		}
		return x.i - y.i
	})
	var fields []FieldError
	first := 0
	for k := 1; k < len(rows); k++ {
		if b.Key(rows[k-1].p, rows[k].p) != 0 {
			first = k
			continue
		}
		fields = append(fields, FieldError{
			Field:   "[" + strconv.Itoa(rows[k].i) + "]",
			Message: "has the key of row " + strconv.Itoa(rows[first].i) + "; a batch may write each row once",
		})
	}
	if len(fields) > 0 {
		slices.SortFunc(fields, func(a, b FieldError) int { return cmpIndex(a.Field, b.Field) })
		return NewValidationError("", b.Table, fields)
	}
	return nil
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

// bulkArgs returns the parameters of a statement over the rows of part:
// b's arrays, gathered in params, then tail.
func bulkArgs[P any](b *Bulk[P], params *BulkRow, part []inputRow[P], tail []any) ([]any, error) {
	params.start(len(part))
	for k, r := range part {
		params.row, params.next = k, 0
		b.Row(r.p, params)
	}
	return params.args(tail)
}

// rowAt returns the caller's index of the row a result row of st names
// by its position ord, and marks it seen.
func rowAt[P any](st *bulkStatement[P], ord int64) (int, error) {
	if ord < 1 || ord > int64(len(st.part)) {
		return 0, fmt.Errorf("batch statement named row %d of %d", ord, len(st.part))
	}
	st.seen[ord-1] = true
	return st.part[ord-1].i, nil
}

// readBulk reads the result of st, of (state, position, columns…) rows,
// the columns only when the statement returns rows: written rows go to
// read.written, their columns (and those of found rows) are read with
// read.scan; missing and stale rows, whose columns are NULL, stop the
// batch.
func readBulk[P any](st *bulkStatement[P], read bulkRead) error {
	res := st.res
	defer res.Close()
	var dest []any
	for res.Next() {
		state, ord, err := peekRow(res)
		if err != nil {
			return err
		}
		i, err := rowAt(st, ord)
		if err != nil {
			return err
		}
		switch state {
		case BulkMissing:
			*st.bad = append(*st.bad, RowError{Index: i, Kind: KindNotFound})
			continue
		case BulkStale:
			*st.bad = append(*st.bad, RowError{Index: i, Kind: KindConflict})
			continue
		case BulkWritten:
			if read.written != nil {
				read.written[i] = true
			}
		}
		if read.scan != nil {
			// The state and the position, read already, are skipped.
			dest = read.scan(i, append(dest[:0], nil, nil))
			if err := res.Scan(dest...); err != nil {
				return err
			}
		}
	}
	return res.Err()
}

// peekRow decodes the state and the position of the current row (an int4
// and an int8, in either format) without scanning the row, which tells
// where its other columns go, if they hold a row.
func peekRow(rows pgx.Rows) (int32, int64, error) {
	raw := rows.RawValues()
	fields := rows.FieldDescriptions()
	if len(raw) < 2 || len(fields) < 2 || raw[0] == nil || raw[1] == nil {
		return 0, 0, fmt.Errorf("batch statement returned no row state")
	}
	state, err := rawInt(raw[0], fields[0].Format)
	if err != nil {
		return 0, 0, fmt.Errorf("batch statement returned a row state %w", err)
	}
	ord, err := rawInt(raw[1], fields[1].Format)
	if err != nil {
		return 0, 0, fmt.Errorf("batch statement returned a row position %w", err)
	}
	return int32(state), ord, nil
}

// rawInt decodes an integer column's value in the format given.
func rawInt(raw []byte, format int16) (int64, error) {
	if format != pgx.BinaryFormatCode {
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return 0, errors.New("that is not an integer")
		}
		return n, nil
	}
	switch len(raw) {
	case 4:
		return int64(int32(binary.BigEndian.Uint32(raw))), nil
	case 8:
		return int64(binary.BigEndian.Uint64(raw)), nil
	}
	return 0, fmt.Errorf("of %d bytes", len(raw))
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
