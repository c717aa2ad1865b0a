package runtime

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Keyset is a keyset-paginated query: the statement of its first page
// and of the pages after a cursor, what they bind, and how a row is read
// and keyed.
type Keyset[T any] struct {
	// First and After are the statements: First binds Args, the limit
	// and Tail; After binds Args, the cursor's values, the limit and
	// Tail.
	First, After string
	Args, Tail   []any
	// Scan reads a row; Key returns the values of a row a cursor holds
	// (the order_by columns, or the primary key).
	Scan func(pgx.Row, *T) error
	Key  func(*T) []any
}

// KeysetPage runs one page of q on db and returns it. The first page
// (page.After empty) runs q.First; a later page decodes page.After into
// the values cursor points at and runs q.After. The limit is the page
// size plus one: the extra row, dropped, tells whether there is a next
// page, whose cursor encodes the Key of the last row kept. Generated List
// methods and keyset queries call it:
//
//	var id uuid.UUID
//	p, err := runtime.KeysetPage(ctx, r.db, page, runtime.Keyset[Account]{
//		First: sqlFirst, After: sqlAfter, Scan: scanAccount,
//		Key: func(v *Account) []any { return []any{v.ID} },
//	}, &id)
func KeysetPage[T any](ctx context.Context, db DBTX, page PageArgs, q Keyset[T], cursor ...any) (Page[T], error) {
	size := page.Size()
	sql := q.First
	args := make([]any, 0, len(q.Args)+len(cursor)+1+len(q.Tail))
	args = append(args, q.Args...)
	if page.After != "" {
		if err := DecodeCursor(page.After, cursor...); err != nil {
			return Page[T]{}, err
		}
		sql = q.After
		args = append(args, cursor...)
	}
	args = append(append(args, int64(size)+1), q.Tail...)
	rows, err := db.Query(ctx, sql, args...)
	items, err := CollectRows(rows, err, size+1, q.Scan)
	if err != nil {
		return Page[T]{}, err
	}
	return NewPage(items, size, func(v *T) string { return EncodeCursor(q.Key(v)...) }), nil
}

// OffsetPage runs one page of an offset-paginated query on db and
// returns it: sql with args, the limit (the page size plus one, as in
// KeysetPage) and the offset page.After encodes (0 for the first page).
// The next page's cursor encodes the offset after this page.
func OffsetPage[T any](ctx context.Context, db DBTX, page PageArgs, sql string, args []any, scan func(pgx.Row, *T) error) (Page[T], error) {
	size := page.Size()
	var start int64
	if page.After != "" {
		if err := DecodeCursor(page.After, &start); err != nil {
			return Page[T]{}, err
		}
		if start < 0 {
			return Page[T]{}, fmt.Errorf("%w: negative offset", ErrBadCursor)
		}
	}
	rows, err := db.Query(ctx, sql, append(args, int64(size)+1, start)...)
	items, err := CollectRows(rows, err, size+1, scan)
	if err != nil {
		return Page[T]{}, err
	}
	return NewPage(items, size, func(*T) string { return EncodeCursor(start + int64(size)) }), nil
}
