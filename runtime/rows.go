package runtime

import (
	"context"
	"iter"

	"github.com/jackc/pgx/v5"
)

// CollectRows is Collect for a scan function that reads a row itself,
// as hand-written code has: it reads every row of the result of a query
// into a new slice, scanning each one straight into its element with
// scan, and closes the rows. rows and err are what the query returned;
// capacity is how many rows the caller expects (0 when unknown). The
// slice is empty, not nil, when there are no rows, and nil with an
// error.
func CollectRows[T any](rows pgx.Rows, err error, capacity int, scan func(pgx.Row, *T) error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := make([]T, 0, min(max(capacity, 0), maxPrealloc))
	var zero T
	for rows.Next() {
		items = append(items, zero)
		if err := scan(rows, &items[len(items)-1]); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return items, nil
}

// Stream runs sql on db and yields its rows as the loop goes, each
// scanned through dest into a value the loop gets a copy of: memory use
// does not grow with the result, and no allocation is made per row
// beyond what the column values need. An error — of the query, of a
// scan, of the rows — is yielded once, wrapped for op, and ends the
// sequence; breaking out of the loop closes the rows. op names the
// operation (its SQL is not read: sql is op's statement, or the one the
// call picks). Generated Stream methods return it:
//
//	return runtime.Stream(ctx, r.db, opAccountsFindAll, scanAccount, opAccountsFindAll.SQL)
//
// It is kept out of line: inlined, its closures would be compiled again
// into every caller, where out of line they are compiled once for each
// row layout.
//
//go:noinline
func Stream[T any](ctx context.Context, db DBTX, op *Op, dest func(*T, []any) []any, sql string, args ...any) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		c := new(rowCall[T])
		stream(ctx, db, op, sql, args, dest(&c.row, c.buf[:0]), func(err error) bool {
			if err != nil {
				return yield(zero, err)
			}
			more := yield(c.row, nil)
			c.row = zero
			return more
		})
	}
}

// stream runs sql on db and scans each row through d, calling yield
// after each row and once with an error (wrapped for op) that ends the
// rows; yield returns false to stop: the body of Stream.
func stream(ctx context.Context, db DBTX, op *Op, sql string, args, d []any, yield func(error) bool) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		yield(op.wrap(err))
		return
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(d...); err != nil {
			yield(op.wrap(err))
			return
		}
		if !yield(nil) {
			return
		}
	}
	if err := rows.Err(); err != nil {
		yield(op.wrap(err))
	}
}

// StreamError returns a sequence that yields err and ends: what a
// generated Stream method returns when it fails before its query runs
// (without a tenant, say).
func StreamError[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

// eachRow scans every row of rows through d, calling got after each, and
// closes the rows: the loop of Loader.Load.
func eachRow(rows pgx.Rows, d []any, got func()) error {
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(d...); err != nil {
			return err
		}
		got()
	}
	return rows.Err()
}

// keyedCall is the memory of Loader.Load: a row, and the key read from
// the first column when the loader has no Key function.
type keyedCall[K, T any] struct {
	key K
	row T
	buf [callSlots]any
}

// Keys returns the key key reads from each of items that has one (ok
// false for a NULL foreign key), in order: the keys of a list of
// parents whose children a loader reads.
func Keys[T, K any](items []T, key func(*T) (K, bool)) []K {
	out := make([]K, 0, len(items))
	for i := range items {
		if k, ok := key(&items[i]); ok {
			out = append(out, k)
		}
	}
	return out
}

// IntKey converts v, the key of a parent row, to K, the integer type
// of a foreign key referencing it (an integer column referencing a
// bigint key, or the reverse), for Keys: it returns ok, and false when v
// does not fit K, as no row can reference such a key.
func IntKey[K, V integer](v V, ok bool) (K, bool) {
	k := K(v)
	return k, ok && V(k) == v
}

// ScanValue reads the one value of a QueryRow (a count, an EXISTS), or
// returns the zero value and the error.
func ScanValue[T any](row pgx.Row) (T, error) {
	var v T
	if err := row.Scan(&v); err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}
