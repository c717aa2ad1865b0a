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

// The exported functions below are generic in the row and input types
// of the generated package, which are structs: the compiler makes a
// copy of a generic body for each struct layout, that is, for almost
// every table. So each of them only allocates the memory of its call,
// copies its input in and its row out, and hands pointers to the
// shared bodies (one, rowsOf, each …), whose type parameters are
// pointers: one copy of those serves every table.

// call is the memory of one statement: its input, the row it reads and
// the slots of its arguments and destinations.
type call[T, A any] struct {
	in  A
	row T
	buf [callSlots]any
}

// bind returns the arguments of a call: what args reads from in, in the
// slots of buf, and then tail.
func bind[PA any](buf *[callSlots]any, in PA, args func(PA, []any) []any, tail []any) []any {
	a := args(in, buf[:0])
	if len(tail) > 0 {
		a = append(a, tail...)
	}
	return a
}

// slotsAfter returns the slots of buf left after the arguments a: the
// whole of buf when a outgrew it (a lives elsewhere then), nil when a
// fills it.
func slotsAfter(buf *[callSlots]any, a []any) []any {
	if cap(a) == len(buf) && len(a) < len(buf) {
		return buf[len(a):len(a)]
	}
	if cap(a) > len(buf) {
		return buf[:0] // the arguments outgrew the buffer
	}
	return nil
}

// one runs sql, binding what args reads from in and then tail, and scans
// its one row into row through dest: the body of QueryOne.
func one[PA, PT any](ctx context.Context, db DBTX, sql string, buf *[callSlots]any, in PA, args func(PA, []any) []any, row PT, dest func(PT, []any) []any, tail []any) error {
	a := bind(buf, in, args, tail)
	return db.QueryRow(ctx, sql, a...).Scan(dest(row, slotsAfter(buf, a))...)
}

// Arg is the arguments function of a call binding one value: the key of
// FindByID, Delete and the other methods taking a primary key (the
// columns of a longer key after the first go in the call's tail).
func Arg[V any](v *V, d []any) []any { return append(d, v) }

// Pair holds the two parameters of a generated query method that takes
// them one by one, so that the call binds both from one value copied
// into its memory (see QueryOne) instead of boxing each in an interface.
type Pair[A, B any] struct {
	First  A
	Second B
}

// QueryOne runs sql, binding what args reads from in and then tail (the
// values a statement binds after: the rest of a key, the tenant, the
// version), and scans its one row through dest: one allocation beside
// pgx's own, which holds a copy of in, the row and the slots of the
// arguments and destinations. It returns the row, or a zero row and the
// error, pgx.ErrNoRows when there is no row. Generated queries that run
// a constant call it (the methods of a table run their runtime.Op with
// QueryOneOp, which reuses that memory):
//
//	v, err := runtime.QueryOne(ctx, r.db, sqlAccountsByEmail, email, runtime.Arg, scanAccount)
//	return v, errs.Wrap(err, "accounts.ByEmail", "accounts")
//
// The input comes by value: a pointer to the caller's variable would
// move it to the heap wherever the generated method is inlined (the
// escape of an instance of a generic function is not known across
// packages). The work that depends on nothing but pointers is compiled
// once for all tables, in one, not per struct layout.
func QueryOne[T, A any](ctx context.Context, db DBTX, sql string, in A, args func(*A, []any) []any, dest func(*T, []any) []any, tail ...any) (T, error) {
	c := new(call[T, A])
	c.in = in
	if err := one(ctx, db, sql, &c.buf, &c.in, args, &c.row, dest, tail); err != nil {
		var zero T
		return zero, err
	}
	return c.row, nil
}

// ScanOne reads the one row of a QueryRow through dest into a new T, or
// returns the zero value and the error (pgx.ErrNoRows when there is
// none). It is QueryOne for arguments passed as they are.
func ScanOne[T any](row pgx.Row, dest func(*T, []any) []any) (T, error) {
	c := &rowCall[T]{}
	if err := scanInto(row, &c.buf, &c.row, dest); err != nil {
		var zero T
		return zero, err
	}
	return c.row, nil
}

// scanInto scans row into v through dest, the body of ScanOne.
func scanInto[PT any](row pgx.Row, buf *[callSlots]any, v PT, dest func(PT, []any) []any) error {
	return row.Scan(dest(v, buf[:0])...)
}

// rowCall is the memory of a call that reads rows and binds nothing of
// its own.
type rowCall[T any] struct {
	row T
	buf [callSlots]any
}

// argCall is the memory of a call that binds an input and reads rows
// into a slice.
type argCall[A any] struct {
	in  A
	buf [callSlots]any
}

// Query runs sql, binding what args reads from in, and collects its rows
// through dest (see Collect), with room for capacity rows (a limit; 0
// when unknown). Generated queries and loaders call it.
// The values of tail are bound after args' (see QueryOne).
func Query[T, A any](ctx context.Context, db DBTX, sql string, in A, args func(*A, []any) []any, dest func(*T, []any) []any, capacity int, tail ...any) ([]T, error) {
	c := new(argCall[A])
	c.in = in
	rows, slots, err := query(ctx, db, sql, &c.buf, &c.in, args, tail)
	return collect(rows, err, capacity, dest, slots)
}

// query runs sql, binding what args reads from in and then tail, and
// returns its rows and the slots of buf left for the destinations.
func query[PA any](ctx context.Context, db DBTX, sql string, buf *[callSlots]any, in PA, args func(PA, []any) []any, tail []any) (pgx.Rows, []any, error) {
	a := bind(buf, in, args, tail)
	rows, err := db.Query(ctx, sql, a...)
	return rows, slotsAfter(buf, a), err
}

// Exec runs sql, binding what args reads from in and then tail (see
// QueryOne), and returns its command tag: generated Delete and the other
// writes that return no row.
func Exec[A any](ctx context.Context, db DBTX, sql string, in A, args func(*A, []any) []any, tail ...any) (pgconn.CommandTag, error) {
	c := new(execCall[A])
	c.in = in
	return execIn(ctx, db, sql, &c.buf, &c.in, args, tail)
}

// execIn is the body of Exec.
func execIn[PA any](ctx context.Context, db DBTX, sql string, buf *[8]any, in PA, args func(PA, []any) []any, tail []any) (pgconn.CommandTag, error) {
	return db.Exec(ctx, sql, append(args(in, buf[:0]), tail...)...)
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
	items := make([]T, 0, min(max(capacity, 0), maxPrealloc))
	var zero T
	if err := scanRows(rows, slots, func(d []any) []any {
		items = append(items, zero)
		return dest(&items[len(items)-1], d)
	}); err != nil {
		return nil, err
	}
	return items, nil
}

// scanRows scans every row of rows through the destinations next
// returns (appended to slots, which it may reuse) and closes the rows:
// the loop of Collect, Stream and the loaders.
func scanRows(rows pgx.Rows, slots []any, next func([]any) []any) error {
	defer rows.Close()
	if slots == nil {
		slots = make([]any, 0, callSlots)
	}
	for rows.Next() {
		if err := rows.Scan(next(slots[:0])...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// createIfAbsent runs sql, an INSERT … ON CONFLICT DO NOTHING that also
// selects the row in the way, its first column telling whether the row
// is new, reading the row through dest and that flag into created. When
// the row in the way was committed after the statement's snapshot was
// taken, the statement sees neither and runs again, up to three times in
// all; then, or when the row in the way is one the caller cannot see
// (hidden: another tenant's or soft-deleted), the error is
// pgx.ErrNoRows. It is the body of CreateIfAbsentOp.
func createIfAbsent[PA, PT any](ctx context.Context, db DBTX, sql string, buf *[callSlots]any, in PA, args func(PA, []any) []any, row PT, dest func(PT, []any) []any, created *bool, tail []any) error {
	a := bind(buf, in, args, tail)
	d := dest(row, append(slotsAfter(buf, a), created))
	var err error
	for range 3 {
		if err = db.QueryRow(ctx, sql, a...).Scan(d...); err != pgx.ErrNoRows {
			break
		}
	}
	return err
}

// createCall is the memory of CreateIfAbsentOp.
type createCall[T, A any] struct {
	call[T, A]
	created bool
}
