package runtime

import (
	"context"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
)

// Keyset is the static descriptor of a keyset-paginated method: the
// method it serves, the statements of its first page and of the pages
// after a cursor, and how a row is read and keyed. A generated package
// declares one per method as a composite literal, which the linker lays
// out:
//
//	var listAccounts = &runtime.Keyset[Account]{
//		Op:    &runtime.Op{Name: "accounts.List", Table: "accounts", Errs: errs},
//		First: sqlAccountsListFirst,
//		After: sqlAccountsListAfter,
//		Scan:  scanAccount,
//		Key:   func(v *Account) []any { return []any{v.ID} },
//	}
//
// and the method calls Page.
type Keyset[T any] struct {
	// Op names the method (Name, Table) and wraps its errors (Errs); its
	// SQL is not used. The page's cursors are sealed for Op.Name and the
	// call's tenant (see Paginate).
	Op *Op
	// First and After are the statements: First binds the call's Args,
	// the limit and its Tail; After binds Args, the cursor's values, the
	// limit and Tail. A method whose statements depend on the call (a
	// query's variant, a view including soft-deleted rows) leaves them
	// empty and passes them in its PageCall.
	First, After string
	// Scan gives a row's scan destinations (see QueryOne); Key returns
	// the values of a row a cursor holds (the order_by columns, or the
	// primary key).
	Scan func(*T, []any) []any
	Key  func(*T) []any
}

// PageCall is what one call of a paginated method binds beside its
// descriptor: its tenant (nil for a table without one), the values its
// statements bind before the cursor (Args) and after the limit (Tail),
// and, when the descriptor has none, its statements.
type PageCall struct {
	Tenant       any
	Args, Tail   []any
	First, After string
}

// Page runs one page of q on db, with what call binds, and returns it.
// It checks page (see Paginate); the first page (page.After empty) runs
// First, a later one opens page.After into the values cursor points at
// and runs After. The limit is the page size plus one: the extra row,
// dropped, tells whether there is a next page, whose cursor seals the
// Key of the last row kept. Errors come back wrapped for q.Op. A
// generated List is
//
//	var id uuid.UUID
//	return listAccounts.Page(ctx, r.db, page, runtime.PageCall{}, &id)
func (q *Keyset[T]) Page(ctx context.Context, db DBTX, page PageArgs, call PageCall, cursor ...any) (Page[T], error) {
	first, after := q.First, q.After
	if call.First != "" {
		first, after = call.First, call.After
	}
	pager, rows, err := keysetQuery(ctx, db, page, q.Op.Name, q.Op.Table, call.Tenant, first, after, call.Args, call.Tail, cursor)
	items, err := collect(rows, err, pager.Size+1, q.Scan, nil)
	if err != nil {
		return Page[T]{}, q.Op.wrap(err)
	}
	return NewPage(items, pager.Size, func(v *T) string { return pager.Cursor(q.Key(v)...) }), nil
}

// keysetQuery checks page and runs the statement of the page it asks
// for: the body of Keyset.Page.
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

// Offset is an offset-paginated query: the method it serves (Op and
// Table name it; Tenant is the call's tenant, as in PageCall), its
// statement, which binds Args, the limit and the offset, and how a row
// is read.
type Offset[T any] struct {
	Op, Table string
	Tenant    any
	SQL       string
	Args      []any
	Scan      func(*T, []any) []any
}

// OffsetPage runs one page of q on db and returns it: q.SQL with q.Args,
// the limit (the page size plus one, as in Keyset.Page) and the offset
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
