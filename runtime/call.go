package runtime

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A generated package describes its rows and arguments to the functions
// of this file with two kinds of function:
//
//   - a row's destinations, func(v *T, d []any) []any, appends to d a
//     pointer to each field of v that a statement's columns fill, in
//     column order, and returns it (scanAccount);
//   - a call's arguments, func(in *A, d []any) []any, appends to d what a
//     statement binds, read from in: pointers to its fields, so that no
//     value is boxed (argsNewAccount, runtime.Arg).
//
// pgx takes arguments and destinations as ...any and hands them on
// through interfaces, so both slices escape to the heap, and so does a
// value boxed into an any. QueryOne, Query and Exec keep the input, the
// row and the slots of both slices in one allocation per call (for up to
// callSlots arguments and columns; more take one more allocation), and a
// query scans every row through the same destination slots, re-aimed at
// the row being read. This is what a pgx expert writes by hand for a hot
// path; the generated methods get it from here.

// callSlots is how many arguments and destinations a call holds in
// place.
const callSlots = 24

// call is the memory of one statement: its input, the row it reads and
// the slots of its arguments and destinations.
type call[T, A any] struct {
	in  A
	row T
	buf [callSlots]any
}

// args returns the call's arguments.
func (c *call[T, A]) args(args func(*A, []any) []any) []any {
	return args(&c.in, c.buf[:0])
}

// slots returns the slots left after the arguments a.
func (c *call[T, A]) slots(a []any) []any {
	if cap(a) == len(c.buf) && len(a) < len(c.buf) {
		return c.buf[len(a):len(a)]
	}
	if cap(a) > len(c.buf) {
		return c.buf[:0] // the arguments outgrew the buffer
	}
	return nil
}

// Arg is the arguments function of a call binding one value: the key of
// FindByID, Delete and the other methods taking a primary key (the
// columns of a longer key after the first go in the call's tail).
func Arg[V any](v *V, d []any) []any { return append(d, v) }

// QueryOne runs sql, binding what args reads from in and then tail (the
// values a statement binds after: the rest of a key, the tenant, the
// version), and scans its one row into a new T through dest: one
// allocation beside pgx's own. The error is pgx.ErrNoRows when there is
// no row. Generated Create, FindByID, the upserts and the like call it:
//
//	v, err := runtime.QueryOne(ctx, r.db, sqlAccountsFindByID, id, runtime.Arg, scanAccount)
func QueryOne[T, A any](ctx context.Context, db DBTX, sql string, in A, args func(*A, []any) []any, dest func(*T, []any) []any, tail ...any) (T, error) {
	c := &call[T, A]{in: in}
	a := append(c.args(args), tail...)
	if err := db.QueryRow(ctx, sql, a...).Scan(dest(&c.row, c.slots(a))...); err != nil {
		var zero T
		return zero, err
	}
	return c.row, nil
}

// ScanOne reads the one row of a QueryRow through dest into a new T, or
// returns the zero value and the error (pgx.ErrNoRows when there is
// none). It is QueryOne for arguments passed as they are.
func ScanOne[T any](row pgx.Row, dest func(*T, []any) []any) (T, error) {
	c := &call[T, struct{}]{}
	if err := row.Scan(dest(&c.row, c.buf[:0])...); err != nil {
		var zero T
		return zero, err
	}
	return c.row, nil
}

// Query runs sql, binding what args reads from in, and collects its rows
// through dest (see Collect), with room for capacity rows (a limit; 0
// when unknown). Generated queries and loaders call it.
// The values of tail are bound after args' (see QueryOne).
func Query[T, A any](ctx context.Context, db DBTX, sql string, in A, args func(*A, []any) []any, dest func(*T, []any) []any, capacity int, tail ...any) ([]T, error) {
	c := &call[struct{}, A]{in: in}
	a := append(c.args(args), tail...)
	rows, err := db.Query(ctx, sql, a...)
	return collect(rows, err, capacity, dest, c.slots(a))
}

// Exec runs sql, binding what args reads from in and then tail (see
// QueryOne), and returns its command tag: generated Delete and the other
// writes that return no row.
func Exec[A any](ctx context.Context, db DBTX, sql string, in A, args func(*A, []any) []any, tail ...any) (pgconn.CommandTag, error) {
	c := &execCall[A]{in: in}
	return db.Exec(ctx, sql, append(args(&c.in, c.buf[:0]), tail...)...)
}

// execCall is the memory of a statement that returns no row.
type execCall[A any] struct {
	in  A
	buf [8]any
}

// maxPrealloc bounds the room Collect allocates before reading any row,
// so that a large limit on a small result costs little.
const maxPrealloc = 256

// Collect reads every row of the result of a query into a new slice,
// scanning each one straight into its element through dest, and closes
// the rows. rows and err are what the query returned: when err is not
// nil it is returned as it is. capacity is how many rows the caller
// expects (a limit or a page size; 0 when unknown); room for up to 256
// of them is allocated at once. No allocation is made per row beyond
// what the column values need: every row is scanned through the same
// destination slots. The slice is empty, not nil, when there are no
// rows, and nil with an error.
func Collect[T any](rows pgx.Rows, err error, capacity int, dest func(*T, []any) []any) ([]T, error) {
	return collect(rows, err, capacity, dest, nil)
}

// collect is Collect with the slots of the destinations given.
func collect[T any](rows pgx.Rows, err error, capacity int, dest func(*T, []any) []any, slots []any) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if slots == nil {
		slots = make([]any, 0, callSlots)
	}
	items := make([]T, 0, min(max(capacity, 0), maxPrealloc))
	var zero T
	for rows.Next() {
		items = append(items, zero)
		if err := rows.Scan(dest(&items[len(items)-1], slots[:0])...); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return items, nil
}

// Retry runs QueryOne up to three times while it finds no row, and
// returns the last result: an upsert whose row in the way was committed
// after the statement's snapshot was taken sees neither that row nor
// its own insert, and a new statement does. (A row in the way that the
// caller cannot see keeps the error pgx.ErrNoRows.)
func Retry[T, A any](ctx context.Context, db DBTX, sql string, in A, args func(*A, []any) []any, dest func(*T, []any) []any, tail ...any) (T, error) {
	var v T
	var err error
	for range 3 {
		if v, err = QueryOne(ctx, db, sql, in, args, dest, tail...); err != pgx.ErrNoRows {
			break
		}
	}
	return v, err
}

// CreateIfAbsent runs sql, an INSERT … ON CONFLICT DO NOTHING that also
// selects the row in the way, its first column telling whether the row
// is new, and returns the row and that flag. When the row in the way was
// committed after the statement's snapshot was taken, the statement sees
// neither and runs again, up to three times in all; then, or when the
// row in the way is one the caller cannot see (hidden: another tenant's
// or soft-deleted), the error is pgx.ErrNoRows. Generated
// CreateIfAbsentBy… methods call it.
func CreateIfAbsent[T, A any](ctx context.Context, db DBTX, sql string, in A, args func(*A, []any) []any, dest func(*T, []any) []any, tail ...any) (T, bool, error) {
	c := &createCall[T, A]{}
	c.in = in
	a := append(c.args(args), tail...)
	d := dest(&c.row, append(c.slots(a), &c.created))
	var err error
	for range 3 {
		if err = db.QueryRow(ctx, sql, a...).Scan(d...); err != pgx.ErrNoRows {
			break
		}
	}
	if err != nil {
		var zero T
		return zero, false, err
	}
	return c.row, c.created, nil
}

// createCall is the memory of CreateIfAbsent.
type createCall[T, A any] struct {
	call[T, A]
	created bool
}
