package runtime

import (
	"context"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
)

// Keyset is a keyset-paginated query: the method it serves, the
// statement of its first page and of the pages after a cursor, what they
// bind, and how a row is read and keyed.
type Keyset[T any] struct {
	// Op and Table name the method (accounts.List) and its table, and
	// Tenant is the call's tenant (nil for a table without one): the
	// page's cursors are sealed for Op and Tenant (see Paginate).
	Op, Table string
	Tenant    any
	// First and After are the statements: First binds Args, the limit
	// and Tail; After binds Args, the cursor's values, the limit and
	// Tail.
	First, After string
	Args, Tail   []any
	// Scan gives a row's scan destinations (see QueryOne); Key returns
	// the values of a row a cursor holds (the order_by columns, or the
	// primary key).
	Scan func(*T, []any) []any
	Key  func(*T) []any
}

// KeysetPage runs one page of q on db and returns it. It checks page
// (see Paginate); the first page (page.After empty) runs q.First, a
// later one opens page.After into the values cursor points at and runs
// q.After. The limit is the page size plus one: the extra row, dropped,
// tells whether there is a next page, whose cursor seals the Key of the
// last row kept. Generated List methods and keyset queries call it:
//
//	var id uuid.UUID
//	p, err := runtime.KeysetPage(ctx, r.db, page, runtime.Keyset[Account]{
//		Op: "accounts.List", Table: "accounts",
//		First: sqlFirst, After: sqlAfter, Scan: scanAccount,
//		Key: func(v *Account) []any { return []any{v.ID} },
//	}, &id)
func KeysetPage[T any](ctx context.Context, db DBTX, page PageArgs, q Keyset[T], cursor ...any) (Page[T], error) {
	pager, rows, err := keysetQuery(ctx, db, page, q.Op, q.Table, q.Tenant, q.First, q.After, q.Args, q.Tail, cursor)
	items, err := collect(rows, err, pager.Size+1, q.Scan, nil)
	if err != nil {
		return Page[T]{}, err
	}
	return NewPage(items, pager.Size, func(v *T) string { return pager.Cursor(q.Key(v)...) }), nil
}

// keysetQuery checks page and runs the statement of the page it asks
// for: the body of KeysetPage.
func keysetQuery(ctx context.Context, db DBTX, page PageArgs, op, table string, tenant any, first, after string, qargs, tail, cursor []any) (Pager, pgx.Rows, error) {
	pager, err := Paginate(db, page, op, table, tenant)
	if err != nil {
		return pager, nil, err
	}
	sql := first
	args := make([]any, 0, len(qargs)+len(cursor)+1+len(tail))
	args = append(args, qargs...)
	if page.After != "" {
		if err := pager.Decode(page.After, cursor...); err != nil {
			return pager, nil, err
		}
		sql = after
		args = append(args, cursor...)
	}
	args = append(append(args, int64(pager.Size)+1), tail...)
	rows, err := db.Query(ctx, sql, args...)
	return pager, rows, err
}

// Offset is an offset-paginated query: the method it serves (as in
// Keyset), its statement, which binds Args, the limit and the offset,
// and how a row is read.
type Offset[T any] struct {
	Op, Table string
	Tenant    any
	SQL       string
	Args      []any
	Scan      func(*T, []any) []any
}

// OffsetPage runs one page of q on db and returns it: q.SQL with q.Args,
// the limit (the page size plus one, as in KeysetPage) and the offset
// page.After holds (0 for the first page). The next page's cursor seals
// the offset after this page.
func OffsetPage[T any](ctx context.Context, db DBTX, page PageArgs, q Offset[T]) (Page[T], error) {
	pager, err := Paginate(db, page, q.Op, q.Table, q.Tenant)
	if err != nil {
		return Page[T]{}, err
	}
	var start int64
	if page.After != "" {
		if err := pager.Decode(page.After, &start); err != nil {
			return Page[T]{}, err
		}
		if start < 0 || start > math.MaxInt64-int64(pager.Size) {
			return Page[T]{}, pager.invalid(fmt.Errorf("%w: offset out of range", ErrBadCursor))
		}
	}
	rows, err := db.Query(ctx, q.SQL, append(q.Args, int64(pager.Size)+1, start)...)
	items, err := collect(rows, err, pager.Size+1, q.Scan, nil)
	if err != nil {
		return Page[T]{}, err
	}
	return NewPage(items, pager.Size, func(*T) string { return pager.Cursor(start + int64(pager.Size)) }), nil
}
