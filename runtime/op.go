package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Op describes one statement of a generated repository method: the
// facts the method used to spell out around its runtime call (the
// operation's name and table for errors, the statement, the fields its
// parameters hold, whether the input is validated first). A generated
// package declares one per statement as a composite literal, which the
// linker lays out (no code runs at init):
//
//	var opAccountsCreate = &runtime.Op{Name: "accounts.Create", Table: "accounts", Errs: errs,
//		Validate: true, Params: []string{"owner", "balance"}, SQL: `-- name: accounts.Create
//	INSERT INTO …`}
//
// and its methods hand it to QueryOneOp, QueryOp, ExecOp or
// CreateIfAbsentOp, which return errors already wrapped: as Errs.Wrap
// (or Errs.WrapParams when Params is set) wraps them for Name and Table.
type Op struct {
	// Name is the operation, "accounts.Create": DbError.Op.
	Name string
	// Table is the table of the repository: DbError.OpTable.
	Table string
	// SQL is the statement, starting with its "-- name:" line.
	SQL string
	// Params, when not nil, names the field each parameter holds ($1
	// holds Params[0]; "" for one that is no field), so that invalid
	// input names its field as a Validate failure does (see WrapParams).
	Params []string
	// Validate tells that the input is validated before any SQL is sent:
	// the input (the *A of the call) must implement Validator. A failure
	// is returned wrapped, and nothing is sent.
	Validate bool
	// Errs names the package's constraints in errors (see Errs.Wrap).
	Errs *Errs
	// HiddenKey tells that the statement, an upsert or an insert unless
	// absent, returns no row when the row in its way is one the caller
	// cannot see (another tenant's, or soft-deleted): QueryOneOp then
	// sends it again, up to three times in all, as a row in the way
	// committed after the statement's snapshot hides it too, and the
	// error has kind Conflict and matches ErrHiddenKey.
	HiddenKey bool

	// calls keeps the memory of the statement's finished calls for the
	// next ones (see getCall).
	calls sync.Pool
}

// getCall returns memory for a call of op: a finished call's, cleared,
// or new. A call copies its input there, scans its row there and points
// pgx's arguments and destinations into it, so it must be on the heap;
// reusing it saves an allocation per call. Every function that takes
// one gives it back with putCall once nothing points into it any more:
// the statement is done and its row copied out.
func getCall[C any](op *Op) *C {
	if c, ok := op.calls.Get().(*C); ok {
		return c
	}
	return new(C)
}

// putCall clears c, so that it holds no value of the call (and keeps
// nothing alive), and keeps it for the next call of op.
func putCall[C any](op *Op, c *C) {
	var zero C
	*c = zero
	op.calls.Put(c)
}

// Errs is what a generated package knows about its errors: the
// sentinels of its constraints, by which a violated constraint is named
// as the spec names it (DbError.SpecName, see SpecName). A generated
// package declares one, errs, in store.gen.go.
type Errs struct {
	// Sentinels are the package's constraints.
	Sentinels []*ConstraintSentinel
}

// Wrap is runtime.Wrap for op on table, which also names a violated
// constraint as the spec does when one of e's sentinels is it. It
// returns nil for nil. e may be nil (no constraints).
func (e *Errs) Wrap(err error, op, table string) error {
	if err == nil {
		return nil
	}
	err = Wrap(err, op, table)
	if de, ok := err.(*DbError); ok && de.Constraint != "" && de.SpecName == "" && e != nil {
		if name := SpecName(de.Table, de.Constraint, e.Sentinels); name != "" {
			cp := *de
			cp.SpecName = name
			return &cp
		}
	}
	return err
}

// WrapParams is Wrap for a statement whose parameters hold the fields
// named in params (see runtime.WrapParams).
func (e *Errs) WrapParams(err error, op, table string, params []string) error {
	if err == nil {
		return nil
	}
	return e.Wrap(WrapParams(err, op, table, params), op, table)
}

// wrap wraps err, the error of running o's statement (nil stays nil).
func (o *Op) wrap(err error) error {
	if err == nil {
		return nil
	}
	if o.HiddenKey && (errors.Is(err, pgx.ErrNoRows) || hiddenByPolicy(err)) {
		return newHiddenKeyError(o.Name, o.Table)
	}
	if o.Params != nil {
		return o.Errs.WrapParams(err, o.Name, o.Table, o.Params)
	}
	return o.Errs.Wrap(err, o.Name, o.Table)
}

// hiddenByPolicy reports whether err is PostgreSQL refusing an upsert's
// DO UPDATE because the row in the way fails the table's row-level
// security policy (its USING expression): the row of another tenant.
// PostgreSQL 15.20 checks the policy before the DO UPDATE's WHERE, which
// on earlier servers left the row alone and returned no row; both mean
// the key is hidden. The English message (lc_messages=C) tells the USING
// expression's check from the WITH CHECK of the new row. A server that
// reports in another language is known by the routine that raised the
// error, which is not translated and is the same for both checks: there
// any policy refusal of the statement is taken for a hidden key, which
// says less than the server's message, never more.
func hiddenByPolicy(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42501" {
		return false
	}
	if strings.HasPrefix(pe.Message, "new row violates row-level security policy") {
		return strings.Contains(pe.Message, "(USING expression)")
	}
	return pe.Routine == "ExecWithCheckOptions"
}

// check validates in when o says so, and returns the error wrapped. in
// is the call's copy of the input, already on the heap: validating the
// caller's value through an interface would make it escape.
func (o *Op) check(in any) error {
	if !o.Validate {
		return nil
	}
	return o.Errs.Wrap(o.validate(in), o.Name, o.Table)
}

// validate runs in's Validate.
func (o *Op) validate(in any) error {
	v, ok := in.(Validator)
	if !ok {
		return fmt.Errorf("runtime: %s validates its input, but %T has no Validate method: regenerate the package", o.Name, in)
	}
	return v.Validate()
}

// QueryOneOp is QueryOne for the statement of op: it validates in
// first when op says so, and returns the error wrapped as op says. Its
// memory is op's (see getCall): beside pgx's own, a call allocates
// nothing once op has run. A generated Create is
//
//	return runtime.QueryOneOp(ctx, r.db, opAccountsCreate, n, argsNewAccount, scanAccount)
func QueryOneOp[T, A any](ctx context.Context, db DBTX, op *Op, in A, args func(*A, []any) []any, dest func(*T, []any) []any, tail ...any) (T, error) {
	c := getCall[call[T, A]](op)
	c.in = in
	err := op.check(&c.in)
	if err == nil {
		err = oneOp(ctx, db, op, &c.buf, &c.in, args, &c.row, dest, tail)
	}
	var v T
	if err == nil {
		v = c.row
	}
	putCall(op, c)
	return v, err
}

// oneOp is the body of QueryOneOp, compiled once for all tables (PA and
// PT are pointers): the statement, sent again while it returns no row
// when op.HiddenKey, and its error wrapped.
func oneOp[PA, PT any](ctx context.Context, db DBTX, op *Op, buf *[callSlots]any, in PA, args func(PA, []any) []any, row PT, dest func(PT, []any) []any, tail []any) error {
	err := one(ctx, db, op.SQL, buf, in, args, row, dest, tail)
	for try := 1; err == pgx.ErrNoRows && op.HiddenKey && try < 3; try++ {
		err = one(ctx, db, op.SQL, buf, in, args, row, dest, tail)
	}
	return op.wrap(err)
}

// QueryOp is Query for the statement of op, validating and wrapping as
// QueryOneOp does, in op's memory.
func QueryOp[T, A any](ctx context.Context, db DBTX, op *Op, in A, args func(*A, []any) []any, dest func(*T, []any) []any, capacity int, tail ...any) ([]T, error) {
	c := getCall[argCall[A]](op)
	c.in = in
	err := op.check(&c.in)
	var items []T
	if err == nil {
		rows, slots, qerr := query(ctx, db, op.SQL, &c.buf, &c.in, args, tail)
		items, err = collect(rows, qerr, capacity, dest, slots)
		err = op.wrap(err)
	}
	putCall(op, c)
	return items, err
}

// ExecOp is Exec for the statement of op, validating and wrapping as
// QueryOneOp does, in op's memory.
func ExecOp[A any](ctx context.Context, db DBTX, op *Op, in A, args func(*A, []any) []any, tail ...any) (pgconn.CommandTag, error) {
	c := getCall[execCall[A]](op)
	c.in = in
	err := op.check(&c.in)
	var tag pgconn.CommandTag
	if err == nil {
		tag, err = execIn(ctx, db, op.SQL, &c.buf, &c.in, args, tail)
		err = op.wrap(err)
	}
	putCall(op, c)
	return tag, err
}

// CreateIfAbsentOp is CreateIfAbsent for the statement of op,
// validating and wrapping as QueryOneOp does, in op's memory.
func CreateIfAbsentOp[T, A any](ctx context.Context, db DBTX, op *Op, in A, args func(*A, []any) []any, dest func(*T, []any) []any, tail ...any) (T, bool, error) {
	c := getCall[createCall[T, A]](op)
	c.in = in
	err := op.check(&c.in)
	if err == nil {
		err = op.wrap(createIfAbsent(ctx, db, op.SQL, &c.buf, &c.in, args, &c.row, dest, &c.created, tail))
	}
	var v T
	created := false
	if err == nil {
		v, created = c.row, c.created
	}
	putCall(op, c)
	return v, created, err
}

// InsertManyOp runs the statement of op, an insert of rows from unnest
// (a generated CreateManyReturning), binding one array per value args
// gives for a row (each holding that value of every row, as Create would
// send it) and then tail, and returns the rows it returns, read with dest:
// an empty slice for no rows (nothing is sent). When op says so, every
// row is validated first, as ValidateAll does (each *A must implement
// Validator). Errors come back wrapped for op.
func InsertManyOp[T, A any](ctx context.Context, db DBTX, op *Op, rows []A, args func(*A, []any) []any, dest func(*T, []any) []any, tail ...any) ([]T, error) {
	if len(rows) == 0 {
		return []T{}, nil
	}
	res, err := insertMany(ctx, db, op, len(rows), func(i int) *A { return &rows[i] }, args, tail)
	if err != nil {
		return nil, err
	}
	items, err := collect(res, nil, len(rows), dest, nil)
	return items, op.wrap(err)
}

// insertMany sends the statement of op over n rows, row i at(i) (see
// unnestOp), and returns its rows or the error wrapped: the body of
// InsertManyOp, compiled once for all tables (PA is a pointer).
func insertMany[PA any](ctx context.Context, db DBTX, op *Op, n int, at func(int) PA, args func(PA, []any) []any, tail []any) (pgx.Rows, error) {
	params, err := unnestOp(op, n, at, args, tail)
	if err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, op.SQL, params...)
	return rows, op.wrap(err)
}

// unnestOp validates n rows, row i at(i), when op says so, and returns
// the parameters of its statement over them: the arrays of unnest, then
// tail. A validation error comes back wrapped.
func unnestOp[PA any](op *Op, n int, at func(int) PA, args func(PA, []any) []any, tail []any) ([]any, error) {
	if op.Validate {
		if err := validateAll(n, func(i int) error { return op.validate(at(i)) }); err != nil {
			return nil, op.Errs.Wrap(err, op.Name, op.Table)
		}
	}
	return append(unnest(n, at, args), tail...), nil
}

// ExecManyOp is InsertManyOp for a statement that returns no rows (a
// generated CreateMany that COPY cannot serve): it returns how many rows
// the statement inserted, 0 for no rows (nothing is sent).
func ExecManyOp[A any](ctx context.Context, db DBTX, op *Op, rows []A, args func(*A, []any) []any, tail ...any) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	params, err := unnestOp(op, len(rows), func(i int) *A { return &rows[i] }, args, tail)
	if err != nil {
		return 0, err
	}
	tag, err := db.Exec(ctx, op.SQL, params...)
	return tag.RowsAffected(), op.wrap(err)
}

// AllOp runs the statement of op, binding tail only, and collects its
// rows through dest (see Collect), with room for capacity rows (0 when
// unknown): a generated FindAll. Errors come back wrapped for op.
func AllOp[T any](ctx context.Context, db DBTX, op *Op, dest func(*T, []any) []any, capacity int, tail ...any) ([]T, error) {
	rows, err := db.Query(ctx, op.SQL, tail...)
	items, err := collect(rows, err, capacity, dest, nil)
	return items, op.wrap(err)
}

// CountOp runs the statement of op, a count, binding tail only, and
// returns the count: a generated Count. Errors come back wrapped for op.
func CountOp(ctx context.Context, db DBTX, op *Op, tail ...any) (int64, error) {
	var n int64
	if err := db.QueryRow(ctx, op.SQL, tail...).Scan(&n); err != nil {
		return 0, op.wrap(err)
	}
	return n, nil
}
